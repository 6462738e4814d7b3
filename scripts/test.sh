#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is missing, builds, runs every test (unit + end-to-end) and
# ends with one line "N passed, N failed". Exits non-zero on any failure.
#   scripts/test.sh            everything
#   scripts/test.sh unit       unit tests only
#   scripts/test.sh e2e [PAT]  end-to-end tests (matching PAT) only
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }
"$top/scripts/build.sh" >/dev/null || {
	"$top/scripts/build.sh"
	echo "0 passed, 1 failed"
	exit 1
}

what=${1:-all}
pat=${2:-}
logs=$top/build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
pass=0
fail=0

run_unit() {
	local t name out p f
	for t in "$top"/build/tests/unit/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=$(basename "$t")
		out=$logs/$name.log
		timeout 300 "$t" >"$out" 2>&1
		local rc=$?
		p=$(grep -c '^\[       OK \]' "$out" 2>/dev/null); p=${p:-0}
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:.*/\1/p' "$out")
		f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1	# crashed or exited badly without a cmocka verdict
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" -ne 0 ]; then
			echo "FAIL: $name ($f failed; log $out)"
			sed 's/^/    /' "$out" | tail -40
		else
			echo "ok:   $name ($p tests)"
		fi
	done
}

run_e2e() {
	local t name out p f rc start
	for t in "$top"/tests/e2e/*.sh; do
		name=$(basename "$t" .sh)
		[ -n "$pat" ] && [[ "$name" != *$pat* ]] && continue
		out=$logs/$name.log
		start=$SECONDS
		timeout 600 bash "$t" >"$out" 2>&1
		rc=$?
		p=$(grep -c "^PASS: " "$out" 2>/dev/null); p=${p:-0}
		f=$(grep -c '^FAIL: ' "$out" 2>/dev/null); f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			echo "FAIL: $name exited $rc" >>"$out"
		elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
			f=1	# a test that checked nothing (or lost its log)
			echo "FAIL: $name recorded no checks" >>"$out"
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" -ne 0 ]; then
			echo "FAIL: $name ($p passed, $f failed, $((SECONDS - start)) s; log $out)"
			sed 's/^/    /' "$out" | tail -60
		else
			echo "ok:   $name ($p checks, $((SECONDS - start)) s)"
		fi
		grep -E '^(SKIP|INFO): ' "$out" | sed 's/^/      /'
	done
}

case $what in
unit) run_unit ;;
e2e) run_e2e ;;
all) run_unit; run_e2e ;;
*) echo "usage: scripts/test.sh [all|unit|e2e [PATTERN]]" >&2; exit 2 ;;
esac

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
