#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Latency SLA with the lab's WAN emulator on A's lte underlay:
# - probe RTTs agree with ping over the same path (within 20%);
# - 150 ms more delay on lte: class video (latency_ms 50) moves to the
#   VXLAN overlay within 1 s; a capture shows its packets on inet; an
#   iperf3 TCP run of the class across the change completes;
# - delay removed: the class returns after the hold-down, not before.
# EW_SLA_CYCLES impairment cycles (default 3; scripts/bench.sh sla runs 10);
# the switch times are reported with their median.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

TOPO_WANEM=1 topo_two_sites
classes='classes:
  - name: video
    match:
      - { proto: udp, dst_port: 5000-5100 }
      - { proto: tcp, dst_port: 5201 }
      - { proto: tcp, src_port: 5201 }
    overlays: [silver, gold]
    sla: { latency_ms: 50 }
  - name: default
    overlays: [silver, gold]
monitor: { interval_ms: 100, window: 20, down_after: 5, hold_down_ms: 2000 }'
topo_site_config a "$LAB_DIR/a.yaml" "$classes"
topo_site_config b "$LAB_DIR/b.yaml" "$classes"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3
js() { $PY -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
rtt() { $CTL --json show tunnels | js "[round(t['rtt_ms'], 1) for t in d['tunnels'] if t['overlay'] == '$1'][0]"; }
cls() { $CTL --json show classes | js "[c['active_overlays'][0] for c in d['classes'] if c['name'] == 'video'][0]"; }
msnow() { date +%s%3N; }

check "far site reachable" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10

# probe RTT vs ping over the same path (B answers on the tunnel it heard)
wanem_set "ab 30 0 0" "ba 30 0 0"
sleep 3
p=$(lab_exec ha ping -c 10 -i 0.1 -q 169.254.200.2 | sed -n 's|.* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
r=$(rtt silver)
echo "INFO: lte +30 ms each way: probe srtt $r ms, ping $p ms"
check "probe RTT within 20% of ping over the same path" \
	$PY -c "import sys; p, r = float('$p'), float('$r'); sys.exit(0 if abs(r - p) <= 0.2 * p else 1)"
wanem_set "ab 0 0 0" "ba 0 0 0"
check "class video on silver while latency is low" wait_for 5 eval '[ "$(cls)" = silver ]'

lab_exec hb iperf3 -s -p 5201 -D -I "$LAB_DIR/i.pid" >/dev/null 2>&1
sleep 0.5
[ -s "$LAB_DIR/i.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/i.pid")")

times=()
cycles=${EW_SLA_CYCLES:-3}
for cycle in $(seq "$cycles"); do
	sleep 1
	if [ $cycle -eq 1 ]; then
		ip netns exec "ha$LAB_ID" iperf3 -c 10.2.0.10 -p 5201 -t 6 -b 20M >"$LAB_DIR/iperf.txt" 2>&1 &
		ipid=$!
		LAB_PIDS+=("$ipid")
		sleep 1
	fi
	t0=$(msnow)
	wanem_set "ab 150 0 0" "ba 0 0 0"
	wait_for 5 eval '[ "$(cls)" = gold ]'
	t1=$(msnow)
	times+=($((t1 - t0)))
	echo "INFO: cycle $cycle: +150 ms on lte -> video on $(cls) after $((t1 - t0)) ms (silver srtt $(rtt silver) ms)"
	if [ $cycle -eq 1 ]; then
		check "class video moved to gold within 1 s of the delay" [ $((t1 - t0)) -le 1000 ]
		cap_start r ai "$LAB_DIR/inet.pcap" -c 200 udp port 4789
		cp1=$LAB_CAP_PID
		sleep 1
		cap_stop "$cp1"
		n=$(tshark -r "$LAB_DIR/inet.pcap" -Y 'vxlan && tcp.port == 5201' 2>/dev/null | wc -l)
		check "a capture shows the class's TCP 5201 on inet now ($n packets)" [ "$n" -gt 10 ]
		wait "$ipid"
		check "the iperf3 TCP run across the change completed" grep -q "receiver" "$LAB_DIR/iperf.txt"
		grep -E "sender|receiver" "$LAB_DIR/iperf.txt" | sed 's/^/INFO: /'
	fi
	t2=$(msnow)
	wanem_set "ab 0 0 0" "ba 0 0 0"
	# srtt must fall under 50 ms, then 2 s of hold-down
	sleep 1.5
	if [ $cycle -eq 1 ]; then
		check "not back on silver before the hold-down" [ "$(cls)" = gold ]
	fi
	wait_for 8 eval '[ "$(cls)" = silver ]'
	echo "INFO: cycle $cycle: delay removed -> back on $(cls) after $(( $(msnow) - t2 )) ms"
	if [ $cycle -eq 1 ]; then
		check "back on silver after the hold-down" [ "$(cls)" = silver ]
	fi
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "INFO: impairment to switch (ms): $sorted; median $median"
check "switched within 1 s in every cycle (median $median ms)" \
	[ "$(printf '%s\n' "${times[@]}" | sort -n | tail -1)" -le 1000 ]
check "switches logged with the latency that caused them" \
	grep -q "class video: silver -> gold (sla-violation: rtt" "$LAB_DIR/a.log"

ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
lab_done
