#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Application-aware routing over a hybrid WAN. Site A has two LANs and two
# underlays to site B: overlay gold (VXLAN) over inet, silver (GRE) over
# lte. Class video (UDP 5000-5100, from either LAN) goes by lte; the rest
# by inet; captures on each underlay prove it. Then the default class
# balances flows over both overlays: 32 parallel TCP flows split across
# the two underlays and no flow appears on both.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_two_sites
lab_ns hc
lab_veth hc h0 ea lan1
lab_exec hc ip addr add 10.1.1.10/24 dev h0
lab_exec hc ip route add default via 10.1.1.1
classes='classes:
  - name: video
    match:
      - { proto: udp, dst_port: 5000-5100, ingress: [lan0, lan1] }
    overlays: [silver]
  - name: default
    overlays: [gold]'
topo_site_config a "$LAB_DIR/a.yaml" "$classes"
# a second LAN at site A
sed -i 's|^  - { name: lan0, role: lan, device: "net_af_packet0,iface=lan0", address: 10.1.0.1/24 }|&\n  - { name: lan1, role: lan, device: "net_af_packet3,iface=lan1", address: 10.1.1.1/24 }|' "$LAB_DIR/a.yaml"
topo_site_config b "$LAB_DIR/b.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3

check "LAN 1 host reaches the far site" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
check "LAN 2 host reaches the far site" wait_for 10 quiet lab_exec hc ping -c 1 -W 1 10.2.0.10

lab_exec hb iperf3 -s -p 5001 -D -I "$LAB_DIR/i1.pid" >/dev/null 2>&1
lab_exec hb iperf3 -s -p 5201 -D -I "$LAB_DIR/i2.pid" >/dev/null 2>&1
sleep 0.5
for f in i1 i2; do [ -s "$LAB_DIR/$f.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/$f.pid")"); done

# inner flows seen on an underlay capture, as "src:sport>dst:dport proto"
flows() {
	tshark -r "$1" -T fields -E occurrence=l -e ip.src -e udp.srcport -e tcp.srcport \
		-e ip.dst -e udp.dstport -e tcp.dstport -e ip.proto 2>/dev/null |
		awk -F'\t' '$1 ~ /^10\.1\./ {
			# inner ports: TCP, or the last (inner) UDP header
			if ($7 == 6) print $1 ":" $3 ">" $4 ":" $6 " 6"
			else print $1 ":" $2 ">" $4 ":" $5 " " $7 }' | sort -u
}

cap_start r al "$LAB_DIR/lte1.pcap" -c 3000 ip proto 47
p1=$LAB_CAP_PID
cap_start r ai "$LAB_DIR/inet1.pcap" -c 3000 udp port 4789
p2=$LAB_CAP_PID
lab_exec ha iperf3 -c 10.2.0.10 -p 5001 -u -b 5M -l 1000 -t 2 >/dev/null 2>&1
r1=$?
lab_exec hc iperf3 -c 10.2.0.10 -p 5001 -u -b 5M -l 1000 -t 2 >/dev/null 2>&1
r2=$?
lab_exec ha iperf3 -c 10.2.0.10 -p 5201 -b 5M -t 2 >/dev/null 2>&1
r3=$?
cap_stop "$p1"
cap_stop "$p2"
check "iperf3 runs completed (UDP from both LANs, TCP)" [ $r1 -eq 0 -a $r2 -eq 0 -a $r3 -eq 0 ]
lte=$(flows "$LAB_DIR/lte1.pcap")
inet=$(flows "$LAB_DIR/inet1.pcap")
echo "INFO: inner flows on lte:"; sed 's/^/INFO:   /' <<<"$lte"
echo "INFO: inner flows on inet:"; sed 's/^/INFO:   /' <<<"$inet"
check "UDP to 5001 from LAN 1 crossed lte" grep -qE '^10\.1\.0\.10:[0-9]+>10\.2\.0\.10:5001 17$' <<<"$lte"
check "UDP to 5001 from LAN 2 crossed lte" grep -qE '^10\.1\.1\.10:[0-9]+>10\.2\.0\.10:5001 17$' <<<"$lte"
check "no UDP to 5001 on inet" bash -c '! grep -q ":5001 17" <<<"$1"' _ "$inet"
check "TCP to 5201 crossed inet" grep -qE '^10\.1\.0\.10:[0-9]+>10\.2\.0\.10:5201 6$' <<<"$inet"
check "no TCP on lte" bash -c '! grep -q " 6$" <<<"$1"' _ "$lte"
check "class counters: video and default both carried packets" \
	[ "$($CTL --json show classes | $PY -c 'import json,sys; print(min(c["packets"] for c in json.load(sys.stdin)["classes"]))')" -gt 100 ]

# balance: flow over both overlays
check "re-steer default to balance over gold and silver" \
	quiet $CTL update class default overlays gold,silver balance flow
cap_start r al "$LAB_DIR/lte2.pcap" -c 20000 ip proto 47
p1=$LAB_CAP_PID
cap_start r ai "$LAB_DIR/inet2.pcap" -c 20000 udp port 4789
p2=$LAB_CAP_PID
lab_exec ha iperf3 -c 10.2.0.10 -p 5201 -P 32 -b 500K -t 2 >/dev/null 2>&1
r4=$?
cap_stop "$p1"
cap_stop "$p2"
check "32 parallel TCP flows completed" [ $r4 -eq 0 ]
lte=$(flows "$LAB_DIR/lte2.pcap" | grep ' 6$' | grep ':5201 6$')
inet=$(flows "$LAB_DIR/inet2.pcap" | grep ':5201 6$')
nl=$(grep -c . <<<"$lte"); ni=$(grep -c . <<<"$inet")
both=$(comm -12 <(echo "$lte") <(echo "$inet") | grep -c .)
echo "INFO: flows to 5201 by underlay: lte $nl, inet $ni, on both $both"
check "flows spread over both underlays (lte $nl, inet $ni)" [ "$nl" -ge 4 -a "$ni" -ge 4 ]
check "together they are all 33 connections (32 data + control)" [ $((nl + ni)) -eq 33 ]
check "no flow appears on both underlays" [ "$both" -eq 0 ]
check "show classes lists both overlays as active for the balanced class" \
	[ "$($CTL --json show classes | $PY -c 'import json,sys; print([c["active_overlays"] for c in json.load(sys.stdin)["classes"] if c["name"]=="default"][0])')" = "['gold', 'silver']" ]

ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
lab_done
