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
t "demo shows per-tunnel counters" grep -qE '^ +silver +to-peer-lte +gre +200' "$out"
t "demo ends cleanly" grep -q 'both edgeways exited cleanly' "$out"
t "demo removed its namespaces" [ "$(ip netns list | wc -l)" -eq "$ns_before" ]
[ "$rc" -eq 0 ] || tail -30 "$out"
