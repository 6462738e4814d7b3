#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# edgeway (site A) <-> underlay router <-> site B as a Linux kernel VXLAN
# peer (VNI 100). Ping both ways, a 5 s iperf3 TCP run, and the wire format
# of what crosses the underlay checked with tshark.
#
#  hostA 10.1.0.10 --lan-- [edgeway A] --inet 198.51.100.1-- router --
#      -- 203.0.113.2 siteB (vxlan100 169.254.100.2) --lan-- hostB 10.2.0.10
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1

cap_start r ra "$LAB_DIR/ul.pcap" udp port 4789

check "ping A->B across the kernel VXLAN peer" \
	wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
check "ping B->A" quiet lab_exec hb ping -c 3 -i 0.2 -W 2 10.1.0.10
check "ping edgeway's overlay address from site B" \
	quiet lab_exec sb ping -c 2 -i 0.2 -W 2 169.254.100.1
check "ping edgeway's LAN address from host A" \
	quiet lab_exec ha ping -c 2 -i 0.2 -W 2 10.1.0.1
cap_stop

out=$(lab_exec ha ping -c 1 -W 2 10.9.9.9 2>&1)
check "no overlay routes 10.9.9.9: ICMP net unreachable from edgeway (10.1.0.1)" \
	grep -qE 'From 10\.1\.0\.1.*(Destination Net Unreachable)' <<<"$out"
out=$(lab_exec ha ping -c 1 -W 2 -t 1 10.2.0.10 2>&1)
check "TTL 1 towards the overlay: ICMP time exceeded from edgeway (10.1.0.1)" \
	grep -qE 'From 10\.1\.0\.1.*Time to live exceeded' <<<"$out"
out=$(lab_exec hb ping -c 1 -W 2 -t 2 10.1.0.10 2>&1)
check "TTL expiring at edgeway after decap: time exceeded from its overlay address" \
	grep -qE 'From 169\.254\.100\.1.*Time to live exceeded' <<<"$out"

lab_exec hb iperf3 -s -1 -D -I "$LAB_DIR/iperf.pid" >/dev/null 2>&1
sleep 0.5
[ -s "$LAB_DIR/iperf.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/iperf.pid")")
lab_exec ha timeout 30 iperf3 -c 10.2.0.10 -t 5 -J >"$LAB_DIR/iperf.json" 2>&1
rc=$?
bps=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"]))' "$LAB_DIR/iperf.json" 2>/dev/null || echo 0)
echo "iperf3 TCP A->B over kernel VXLAN peer: $((bps / 1000000)) Mbit/s"
check "iperf3 TCP 5 s run completes" [ "$rc" -eq 0 -a "$bps" -gt 0 ]

# large DF packets: PMTU discovery through edgeway (frag needed, MTU 1450)
out=$(lab_exec ha ping -c 2 -W 2 -M do -s 1472 10.2.0.10 2>&1)
check "DF packet over the overlay MTU gets ICMP frag needed (mtu 1450)" \
	grep -q "mtu = 1450\|mtu=1450\|Frag needed" <<<"$out"
check "non-DF packet over the overlay MTU is fragmented and delivered" \
	quiet lab_exec ha ping -c 2 -W 2 -M dont -s 1472 10.2.0.10

fields=$(tshark -r "$LAB_DIR/ul.pcap" -Y 'vxlan && ip.src==198.51.100.1' -T fields -E occurrence=f \
	-e ip.src -e ip.dst -e vxlan.vni -e udp.dstport -e ip.flags.df 2>/dev/null | head -1)
echo "first VXLAN packet from A on the underlay: $fields"
check "underlay shows VXLAN VNI 100 198.51.100.1 -> 203.0.113.2, DF set" \
	grep -qE '^198\.51\.100\.1	203\.0\.113\.2	100	4789	(1|True|true)' <<<"$fields"
inner=$(tshark -r "$LAB_DIR/ul.pcap" -Y 'vxlan && ip.src==198.51.100.1 && icmp && ip.src == 10.1.0.10' -T fields -E occurrence=l -e ip.src -e ip.dst 2>/dev/null | head -1)
check "inner packet is 10.1.0.10 -> 10.2.0.10" grep -qP '^10\.1\.0\.10\t10\.2\.0\.10$' <<<"$inner"
ports=$(tshark -r "$LAB_DIR/ul.pcap" -Y 'vxlan && ip.src==198.51.100.1' -T fields -e udp.srcport 2>/dev/null | sort -u)
check "outer UDP source ports in 49152-65535" \
	awk '$1 < 49152 || $1 > 65535 { bad=1 } END { exit bad }' <<<"$ports"

tel=$(echo /edgeway/tunnels | lab_exec ea dpdk-telemetry.py -f "ew-a-$LAB_ID" 2>/dev/null | grep -o '"gold__to_b__tx_packets": [0-9]*' | awk '{ print $2 }')
dump_tx=$(ew_dump a | awk '$1 == "gold" && $2 == "to-b" { print $8 }')
echo "INFO: tunnel tx_packets: telemetry $tel, console $dump_tx"
tel_ok=0
[ -n "$tel" ] && [ "${tel:-0}" -gt 1000 ] && [ "${tel:-0}" -le "${dump_tx:-0}" ] && tel_ok=1
check "DPDK telemetry /edgeway/tunnels reports the tunnel's traffic" [ "$tel_ok" = 1 ]

ew_dump a
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
