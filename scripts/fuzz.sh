#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the libFuzzer harnesses (clang, ASan+UBSan, coverage) into
# build-fuzz/ and runs each for SECONDS (default 60) on a copy of its seed
# corpus in tests/fuzz/corpus. Crashes are saved in build-fuzz/crashes/;
# the run fails if there is any. New corpus entries stay in
# build-fuzz/corpus/ (copy good ones into tests/fuzz/corpus by hand).
#   scripts/fuzz.sh [SECONDS]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-60}
[ "$(id -u)" -eq 0 ] || { echo "fuzz.sh: run as root (DPDK)" >&2; exit 1; }
scripts/setup.sh
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false --buildtype=debugoptimized >/dev/null || exit 1
fi
ninja -C build-fuzz tests/fuzz/fuzz_packet tests/fuzz/fuzz_config tests/fuzz/fuzz_api >/dev/null || exit 1
mkdir -p build-fuzz/crashes
rc=0
for h in packet config api; do
	mkdir -p "build-fuzz/corpus/$h"
	cp -n tests/fuzz/corpus/$h/* "build-fuzz/corpus/$h/" 2>/dev/null
	# DPDK's own start-up allocations are not leaks of ours: leak checks
	# only where no EAL runs
	leaks=1
	[ $h = config ] || leaks=0
	ASAN_OPTIONS=detect_leaks=$leaks build-fuzz/tests/fuzz/fuzz_$h \
		-max_total_time="$secs" -max_len=4096 -timeout=10 \
		-artifact_prefix="build-fuzz/crashes/$h-" "build-fuzz/corpus/$h" \
		>"build-fuzz/fuzz_$h.log" 2>&1
	r=$?
	last=$(grep -a -E 'DONE|pulse' "build-fuzz/fuzz_$h.log" | tail -1)
	echo "fuzz_$h: ${secs}s, exit $r: $last"
	if [ $r -ne 0 ]; then
		rc=1
		grep -a -E 'ERROR|SUMMARY|abort|accounting' "build-fuzz/fuzz_$h.log" | head -5
		ls build-fuzz/crashes/ | sed 's/^/  crash: /'
	fi
	rm -rf /var/run/dpdk/ewfuzz-* /var/run/dpdk/ewfzapi-* /tmp/ewfzapi-*.sock
done
exit $rc
