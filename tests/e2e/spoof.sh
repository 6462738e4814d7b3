#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Spoofed and malformed tunnel packets, built with scapy on the far site's
# underlay, are dropped, counted under their reason, and never reach the
# LAN. A well-formed packet from the real peer is the positive control.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
# a second address on the far site's underlay to spoof from
lab_exec sb ip addr add 203.0.113.99/24 dev wan0
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "overlay up (ping A->B)" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10

wanmac=$(ew_dump a | awk '$1 == "inet" && $2 == "wan" { print tolower($4) }')
echo "INFO: edgeway A inet MAC $wanmac"
before=$(ew_dump a)
count() { awk -v r="$2" '$1 == r { v=$2 } END { print v+0 }' <<<"$1"; }

cat >"$LAB_DIR/spoof.py" <<EOF
import time
from scapy.all import Ether, IP, UDP, GRE, ICMP, Raw, sendp, srp1, ARP, get_if_hwaddr, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
iface = "wan0"
gw = srp1(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="203.0.113.254"), iface=iface, timeout=2)
l2 = Ether(dst=gw.hwsrc, src=get_if_hwaddr(iface))
def inner(ident):
    return (Ether(dst="$wanmac", src="02:00:00:00:00:02") /
            IP(src="10.2.0.10", dst="10.1.0.10") / ICMP(type=8, id=ident) / (b"x" * 32))
def vx(src, vni, flags, ident):
    return (l2 / IP(src=src, dst="198.51.100.1") / UDP(sport=50000, dport=4789) /
            VXLAN(vni=vni, flags=flags) / inner(ident))
pk = [
    vx("203.0.113.99", 100, 0x08, 0x5151),   # unknown outer source
    vx("203.0.113.2", 999, 0x08, 0x5151),    # unknown VNI
    vx("203.0.113.2", 100, 0x00, 0x5151),    # no I flag
    l2 / IP(src="203.0.113.2", dst="198.51.100.1") /
        GRE(key_present=1, key=100, proto=0x0800) /
        IP(src="10.2.0.10", dst="10.1.0.10") / ICMP(type=8, id=0x5151),  # GRE, no such overlay
    l2 / IP(src="203.0.113.2", dst="198.51.100.1") / UDP(sport=50000, dport=4789) /
        Raw(b"\x08\x00\x00\x00\x00\x00"),  # truncated VXLAN header
    vx("203.0.113.2", 100, 0x08, 0x5152),    # the real peer: delivered
]
for p in pk:
    sendp(p, iface=iface)
    time.sleep(0.05)
EOF
cap_start ha h0 "$LAB_DIR/lan.pcap" icmp and src host 10.2.0.10
lab_exec sb "$SCAPY_PY" "$LAB_DIR/spoof.py"
sleep 0.7
cap_stop
after=$(ew_dump a)

bad=$(tshark -r "$LAB_DIR/lan.pcap" -Y 'icmp.ident==0x5151' 2>/dev/null | wc -l)
good=$(tshark -r "$LAB_DIR/lan.pcap" -Y 'icmp.ident==0x5152' 2>/dev/null | wc -l)
check "no spoofed packet reached the LAN host (saw $bad)" [ "$bad" -eq 0 ]
check "the real peer's packet reached the LAN host (positive control, saw $good)" [ "$good" -eq 1 ]
d_unknown=$(( $(count "$after" tunnel_unknown) - $(count "$before" tunnel_unknown) ))
d_flags=$(( $(count "$after" vxlan_flags) - $(count "$before" vxlan_flags) ))
d_runt=$(( $(count "$after" runt) - $(count "$before" runt) ))
echo "INFO: drops counted: tunnel_unknown +$d_unknown, vxlan_flags +$d_flags, runt +$d_runt"
check "unknown source, unknown VNI and unknown GRE key counted as tunnel_unknown (3)" [ "$d_unknown" -eq 3 ]
check "VXLAN without the I flag counted as vxlan_flags (1)" [ "$d_flags" -eq 1 ]
check "truncated VXLAN counted as runt (1)" [ "$d_runt" -eq 1 ]

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
