#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer): the unit
# tests, and the API end-to-end test (start-up, every kind of change,
# hostile clients, SIGHUP, shutdown) with a sanitized edgewayd. Any report
# fails the test.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/ewsan.XXXX)
trap 'rm -rf "$dir"' EXIT
t() { if "${@:2}"; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

cd "$top"
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		--buildtype=debug >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log"; exit 1; }
fi
ninja -C build-asan >"$dir/build.log" 2>&1
t "sanitizer build (meson -Db_sanitize=address,undefined)" [ $? -eq 0 ] || { tail -20 "$dir/build.log"; exit 1; }

export ASAN_OPTIONS="detect_leaks=1:log_path=$dir/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$dir/ubsan"
for u in test_config test_monitor test_pkt test_classify test_probe; do
	timeout 600 "build-asan/tests/unit/$u" >"$dir/$u.out" 2>&1
	rc=$?
	t "$u under ASan/UBSan passes" [ $rc -eq 0 ]
	[ $rc -eq 0 ] || tail -20 "$dir/$u.out"
done
EDGEWAYD=$top/build-asan/control/edgewayd timeout 600 bash tests/e2e/api.sh >"$dir/api.out" 2>&1
rc=$?
t "API e2e test with a sanitized edgewayd ($(grep -c '^PASS' "$dir/api.out") checks)" \
	bash -c "[ $rc -eq 0 ] && ! grep -q '^FAIL' '$dir/api.out'"
# hostile clients of the control socket, metrics and telemetry (two
# telemetry readers and generations published: a use-after-free shows here)
EDGEWAYD=$top/build-asan/control/edgewayd timeout 600 bash tests/e2e/hostile_clients.sh >"$dir/hostile.out" 2>&1
rc=$?
t "hostile-clients e2e test with a sanitized edgewayd ($(grep -c '^PASS' "$dir/hostile.out") checks)" \
	bash -c "[ $rc -eq 0 ] && ! grep -q '^FAIL' '$dir/hostile.out'"
[ $rc -eq 0 ] || grep -E '^(FAIL|INFO)' "$dir/hostile.out" | head -30
reports=$(ls "$dir"/asan.* "$dir"/ubsan.* 2>/dev/null)
t "no sanitizer reports (memory errors, leaks, undefined behaviour)" [ -z "$reports" ]
for r in $reports; do head -30 "$r"; done
