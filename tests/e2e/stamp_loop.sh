#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# STAMP reflectors of two sites must not loop a packet between them
# (issue 11 item 3). A LAN host at site A sends one UDP 862 -> 862 packet
# with A's own LAN address as its source to B's overlay address: B would
# reflect it to A, A back to B, forever. A's LAN ingress drops it
# (lan_spoof_self); and B's reflector does not answer a packet from port
# 862 (stamp_loop), so a LAN host cannot start a loop with its own
# address either.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_two_sites
topo_site_config a "$LAB_DIR/a.yaml"
topo_site_config b "$LAB_DIR/b.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1
check "far site reachable" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
lab_exec ha ping -c 1 -W 1 169.254.100.2 >/dev/null 2>&1
count() { ew_drop_count "$1" "$2"; }

cat >"$LAB_DIR/loop.py" <<'EOF'
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp, getmacbyip, get_if_hwaddr, conf
conf.verb = 0
src = sys.argv[1]
gw = getmacbyip("10.1.0.1")
sendp(Ether(dst=gw, src=get_if_hwaddr("h0")) / IP(src=src, dst="169.254.100.2", ttl=64) /
      UDP(sport=862, dport=862) / Raw(b"\x00" * 44), iface="h0")
EOF
# 862 -> 862 between overlay addresses, inside VXLAN on the inet underlay
loops() {
	tshark -r "$1" -Y 'vxlan && udp.srcport == 862 && udp.dstport == 862' 2>/dev/null | wc -l
}

# 1. the spoof: source = site A's own LAN address
spoof0=$(count a lan_spoof_self)
cap_start r ai "$LAB_DIR/spoof.pcap" udp port 4789
lab_exec ha "$SCAPY_PY" "$LAB_DIR/loop.py" 10.1.0.1
sleep 2
cap_stop
n=$(loops "$LAB_DIR/spoof.pcap")
d=$(( $(count a lan_spoof_self) - spoof0 ))
echo "INFO: 862->862 packets on the underlay in 2 s after one spoofed packet: $n; lan_spoof_self +$d"
check "no 862->862 packet crosses the underlay (saw $n)" [ "$n" -eq 0 ]
check "A drops the LAN packet from its own address as lan_spoof_self (+$d)" [ "$d" -eq 1 ]

# 2. from the LAN host's own address but from port 862: B does not reflect
loop0=$(count b stamp_loop)
cap_start r ai "$LAB_DIR/own.pcap" udp port 4789
lab_exec ha "$SCAPY_PY" "$LAB_DIR/loop.py" 10.1.0.10
sleep 1
cap_stop
n=$(loops "$LAB_DIR/own.pcap")
d=$(( $(count b stamp_loop) - loop0 ))
echo "INFO: one 862->862 packet from 10.1.0.10: $n on the underlay; stamp_loop at B +$d"
check "the packet crosses once, B does not reflect it (saw $n)" [ "$n" -eq 1 ]
check "B counts it as stamp_loop (+$d)" [ "$d" -eq 1 ]

check "A still running" kill -0 "$EW_PID_a"
check "B still running" kill -0 "$EW_PID_b"
ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
lab_done
