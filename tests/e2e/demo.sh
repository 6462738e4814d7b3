#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's demo runs to the end, traffic crosses both overlays, and it
# leaves nothing behind.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ns_before=$(ip netns list | wc -l)
timeout 300 "$top/scripts/demo.sh" >"$out" 2>&1
rc=$?
pass=0 fail=0
t() {
	if "${@:2}"; then echo "PASS: $1"; else echo "FAIL: $1"; fi
}
t "demo.sh exits 0" [ "$rc" -eq 0 ]
t "demo pings across (0% loss)" grep -q ' 0% packet loss' "$out"
t "demo iperf3 over both overlays" [ "$(grep -c 'receiver' "$out")" -eq 2 ]
t "demo shows per-tunnel counters (edgewayctl show tunnels)" grep -qE '^ +silver +to-peer-lte +lte +203\.0\.113\.129' "$out"
resteer=$(sed -n '/Re-steer class interactive/,/Prometheus metrics/p' "$out")
t "demo re-steers a class live and its ICMP then crosses VXLAN 100" \
	grep -qE 'vni 100.*ICMP echo request|vni 100' <<<"$resteer"
t "... carrying the ping" grep -q 'ICMP echo request' <<<"$resteer"
t "demo shows Prometheus metrics" grep -q 'edgeway_class_packets_total{class="interactive"}' "$out"
t "demo ends cleanly" grep -q 'both edgeways exited cleanly' "$out"
t "demo removed its namespaces" [ "$(ip netns list | wc -l)" -eq "$ns_before" ]
[ "$rc" -eq 0 ] || tail -30 "$out"
