#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Frames to the broadcast MAC carrying a unicast IP destination are not
# routed and never answered with an ICMP error (RFC 1812 5.3.4, 4.3.2.7;
# issue 12 item 8), as the kernel does: inside VXLAN from site B (TTL 64
# and TTL 1, to host A) and on A's LAN (to host B). A unicast inner frame
# is the positive control. Same steps against the Linux kernel at A, then
# edgeway.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan

cat >"$LAB_DIR/vx.py" <<'EOF'
import sys, time
from scapy.all import Ether, IP, UDP, ICMP, send, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
amac = sys.argv[1]
def vx(dmac, ttl, ident):
    return (IP(src="203.0.113.2", dst="198.51.100.1") / UDP(sport=50001, dport=4789) /
            VXLAN(vni=100, flags=0x08) / Ether(dst=dmac, src="02:00:00:00:00:02") /
            IP(src="10.2.0.10", dst="10.1.0.10", ttl=ttl) / ICMP(type=8, id=ident) / (b"b" * 32))
for p in (vx("ff:ff:ff:ff:ff:ff", 64, 0x6161), vx("ff:ff:ff:ff:ff:ff", 1, 0x6162),
          vx(amac, 64, 0x6163)):
    send(p)
    time.sleep(0.05)
EOF
cat >"$LAB_DIR/lan.py" <<'EOF'
import time
from scapy.all import Ether, IP, ICMP, sendp, conf
conf.verb = 0
for ttl, ident in ((64, 0x6164), (1, 0x6165)):
    sendp(Ether(dst="ff:ff:ff:ff:ff:ff") / IP(src="10.1.0.10", dst="10.2.0.10", ttl=ttl) /
          ICMP(type=8, id=ident) / (b"b" * 32), iface="h0")
    time.sleep(0.05)
EOF

# steps WHO INNER_MAC: the inner unicast frame goes to INNER_MAC
steps() {
	local who=$1 amac=$2 pa pb fwd ctl te fwd_lan
	check "$who: overlay up (ping A->B)" \
		wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	cap_start ha h0 "$LAB_DIR/$who-a.pcap" icmp
	pa=$LAB_CAP_PID
	cap_start hb h0 "$LAB_DIR/$who-b.pcap" icmp
	pb=$LAB_CAP_PID
	lab_exec sb "$SCAPY_PY" "$LAB_DIR/vx.py" "$amac"
	lab_exec ha "$SCAPY_PY" "$LAB_DIR/lan.py"
	sleep 0.5
	cap_stop "$pa"
	cap_stop "$pb"
	fwd=$(tshark -r "$LAB_DIR/$who-a.pcap" -Y 'icmp.type==8 && (icmp.ident==0x6161 || icmp.ident==0x6162)' 2>/dev/null | wc -l)
	ctl=$(tshark -r "$LAB_DIR/$who-a.pcap" -Y 'icmp.type==8 && icmp.ident==0x6163' 2>/dev/null | wc -l)
	te=$(tshark -r "$LAB_DIR/$who-b.pcap" -Y 'icmp.type==11' 2>/dev/null | wc -l)
	fwd_lan=$(tshark -r "$LAB_DIR/$who-b.pcap" -Y 'icmp.type==8 && (icmp.ident==0x6164 || icmp.ident==0x6165)' 2>/dev/null | wc -l)
	te_lan=$(tshark -r "$LAB_DIR/$who-a.pcap" -Y 'icmp.type==11' 2>/dev/null | wc -l)
	echo "$who: inner broadcast forwarded $fwd, answered $te; unicast control delivered $ctl; LAN broadcast forwarded $fwd_lan, answered $te_lan"
	check "$who: the inner unicast control frame is delivered" [ "$ctl" -ge 1 ]
	check "$who: inner broadcast-MAC frames are not forwarded" [ "$fwd" -eq 0 ]
	check "$who: inner broadcast-MAC TTL 1: no time exceeded" [ "$te" -eq 0 ]
	check "$who: LAN broadcast-MAC frames are not forwarded" [ "$fwd_lan" -eq 0 ]
	check "$who: LAN broadcast-MAC TTL 1: no time exceeded" [ "$te_lan" -eq 0 ]
}

topo_site_a_kernel
steps kernel "$(lab_exec ea cat /sys/class/net/vxlan100/address)"
topo_site_a_clear

topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
wanmac=$(ew_dump a | awk '$1 == "inet" && $2 == "wan" { print tolower($4) }')
steps edgeway "$wanmac"
n=$(ew_drop_count a inner_l2_bcast)
echo "edgeway: inner_l2_bcast $n"
check "edgeway: the inner broadcast frames are counted as inner_l2_bcast" [ "$n" -ge 2 ]
ew_stop a
lab_done
