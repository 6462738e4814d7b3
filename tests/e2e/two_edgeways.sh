#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two edgeway instances back to back over two underlays: overlay gold
# (VXLAN 100) over inet, overlay silver (GRE 200) over lte. A class sends
# ICMP and TCP to port 5202 by silver; the rest goes by gold. Captures on
# each underlay show that each kind of traffic took its own overlay.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_two_sites
topo_site_config a "$LAB_DIR/a.yaml" "$TOPO_CLASSES"
topo_site_config b "$LAB_DIR/b.yaml" "$TOPO_CLASSES"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1

# ICMP: by GRE over lte only
cap_start r al "$LAB_DIR/lte-icmp.pcap" ip proto 47
p_lte=$LAB_CAP_PID
cap_start r ai "$LAB_DIR/inet-icmp.pcap" udp port 4789
p_inet=$LAB_CAP_PID
check "ping A->B through two edgeways" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
check "ping B->A" quiet lab_exec hb ping -c 3 -i 0.2 -W 2 10.1.0.10
check "ping B's overlay address (GRE) from A's LAN" quiet lab_exec ha ping -c 2 -i 0.2 -W 2 169.254.200.2
cap_stop "$p_lte"
cap_stop "$p_inet"
# the hosts' ICMP (edgeway's own tunnel probes are ICMP too, between overlay addresses)
hosts='(ip.src == 10.1.0.10 || ip.src == 10.2.0.10)'
n_gre=$(tshark -r "$LAB_DIR/lte-icmp.pcap" -Y "gre.key == 200 && icmp && $hosts" 2>/dev/null | wc -l)
n_vx=$(tshark -r "$LAB_DIR/inet-icmp.pcap" -Y "vxlan && icmp && $hosts" 2>/dev/null | wc -l)
echo "INFO: ICMP packets seen: lte/GRE $n_gre, inet/VXLAN $n_vx"
check "ICMP crossed the lte underlay in GRE key 200" [ "$n_gre" -ge 8 ]
check "no ICMP crossed the inet underlay" [ "$n_vx" -eq 0 ]

# TCP to 5201 (class default): VXLAN over inet; to 5202 (class by-gre): GRE over lte
lab_exec hb iperf3 -s -p 5201 -D -I "$LAB_DIR/i1.pid" >/dev/null 2>&1
lab_exec hb iperf3 -s -p 5202 -D -I "$LAB_DIR/i2.pid" >/dev/null 2>&1
sleep 0.5
for f in i1 i2; do [ -s "$LAB_DIR/$f.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/$f.pid")"); done

iperf_run() {	# PORT -> prints Mbit/s, fails if the run failed
	local port=$1 bps
	lab_exec ha timeout 30 iperf3 -c 10.2.0.10 -p "$port" -t 3 -J >"$LAB_DIR/ip$port.json" 2>&1 || return 1
	bps=$(/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$LAB_DIR/ip$port.json") || return 1
	echo $((bps / 1000000))
	[ "$bps" -gt 0 ]
}

cap_start r al "$LAB_DIR/lte-5201.pcap" -c 200 ip proto 47 and ip[20+24+9] == 6
p_lte=$LAB_CAP_PID
cap_start r ai "$LAB_DIR/inet-5201.pcap" -c 200 udp port 4789
p_inet=$LAB_CAP_PID
mb=$(iperf_run 5201); rc=$?
echo "INFO: iperf3 TCP A->B over VXLAN (two edgeways): $mb Mbit/s"
check "iperf3 TCP over the VXLAN overlay completes" [ "$rc" -eq 0 ]
cap_stop "$p_lte"
cap_stop "$p_inet"
n_vx=$(tshark -r "$LAB_DIR/inet-5201.pcap" -Y 'vxlan.vni == 100 && tcp.port == 5201' 2>/dev/null | wc -l)
n_gre=$(tshark -r "$LAB_DIR/lte-5201.pcap" -Y 'gre && tcp.port == 5201' 2>/dev/null | wc -l)
check "TCP 5201 crossed inet in VXLAN 100 ($n_vx seen)" [ "$n_vx" -gt 100 ]
check "no TCP 5201 on lte ($n_gre seen)" [ "$n_gre" -eq 0 ]

cap_start r al "$LAB_DIR/lte-5202.pcap" -c 200 ip proto 47
p_lte=$LAB_CAP_PID
cap_start r ai "$LAB_DIR/inet-5202.pcap" udp port 4789 and ip[20+8+8+14+9] == 6
p_inet=$LAB_CAP_PID
mb=$(iperf_run 5202); rc=$?
echo "INFO: iperf3 TCP A->B over GRE (two edgeways): $mb Mbit/s"
check "iperf3 TCP over the GRE overlay completes" [ "$rc" -eq 0 ]
cap_stop "$p_lte"
cap_stop "$p_inet"
n_gre=$(tshark -r "$LAB_DIR/lte-5202.pcap" -Y 'gre.key == 200 && tcp.port == 5202' 2>/dev/null | wc -l)
n_vx=$(tshark -r "$LAB_DIR/inet-5202.pcap" -Y 'vxlan && tcp.port == 5202' 2>/dev/null | wc -l)
check "TCP 5202 crossed lte in GRE key 200 ($n_gre seen)" [ "$n_gre" -gt 100 ]
check "no TCP 5202 on inet ($n_vx seen)" [ "$n_vx" -eq 0 ]
mss=$(tshark -r "$LAB_DIR/lte-5202.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e tcp.options.mss_val 2>/dev/null | head -1)
echo "INFO: MSS of the SYN inside GRE: $mss"
check "TCP SYN MSS clamped to the GRE overlay (1472 - 40 = 1432)" [ "$mss" = 1432 ]

ew_dump a | sed 's/^/INFO: A: /' | grep -E 'gold|silver|lan0|inet|lte'
ew_stop a
check "edgewayd A exits 0 on SIGTERM" [ $? -eq 0 ]
ew_stop b
check "edgewayd B exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
