#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Each fuzz harness runs for 20 s (scripts/fuzz.sh), so a regression that
# crashes on hostile input shows in CI.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$("$top/scripts/fuzz.sh" 20 2>&1); rc=$?
echo "$out" | sed 's/^/INFO: /'
for h in packet config api; do
	if grep -q "^fuzz_$h: 20s, exit 0: .*DONE" <<<"$out"; then
		echo "PASS: fuzz_$h ran 20 s without a crash"
	else
		echo "FAIL: fuzz_$h"
	fi
done
[ $rc -eq 0 ]
