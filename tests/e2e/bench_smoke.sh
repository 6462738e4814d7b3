#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The benchmark script runs (a few seconds, no assertion on speed) so it
# cannot rot.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/ewbs.XXXX)
trap 'rm -rf "$dir"' EXIT
out=$(BENCH_OUT=$dir timeout 120 "$top/scripts/bench.sh" api 50 5 2>&1); rc=$?
echo "$out" | sed 's/^/INFO: /'
t() { if "${@:2}"; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }
t "bench.sh api exits 0" [ "$rc" -eq 0 ]
t "it wrote the CSV with all three measurements" \
	[ "$(grep -cE '^(route_add,50|class_add,5|apply_all,55),' "$dir/api.csv")" -eq 3 ]
out=$(BENCH_OUT=$dir timeout 120 "$top/scripts/bench.sh" classify 100 2>&1); rc=$?
echo "$out" | sed 's/^/INFO: /'
t "bench.sh classify exits 0" [ "$rc" -eq 0 ]
t "it wrote cycles per packet for 100 rules" grep -qE '^100,100,[0-9]+,[0-9.]+,[0-9]+,[0-9.]+,[0-9.]+$' "$dir/classify.csv"
out=$(BENCH_OUT=$dir BENCH_NO_HUGE=1 BENCH_NO_HUGE_MB=512 timeout 300 "$top/scripts/bench.sh" smoke 2>&1); rc=$?
echo "$out" | sed 's/^/INFO: /'
t "bench.sh smoke exits 0 (testpmd, OVS-DPDK, edgeway VXLAN/GRE/decap, loop, scale, plots)" [ "$rc" -eq 0 ]
t "edgeway's counters add up in all three smoke runs" \
	[ "$(grep -cE '^smoke: edgeway [a-z]+ [a-z]+: [0-9.]+,[0-9.]+,0,1 ' <<<"$out")" -eq 3 ]
t "the smoke run left no namespace behind" \
	bash -c '! ip netns list | grep -q "^ewb-ovs-"'
