#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bad input on the WAN side, one named drop reason each (issue 7): frames
# are injected with scapy on the router's port that faces edgeway's WAN
# (so no kernel router cleans them up first): truncated headers, IHL < 5,
# total length beyond the frame, bad checksums, outer fragments, GRE with
# unsupported flags or version or payload, broadcast and multicast
# sources, packets not for us or not a tunnel, and inside a valid tunnel:
# TTL 0/1, a broadcast inner source, an inner packet for the node itself.
# Each reason's counter must grow by exactly the expected amount, nothing
# may reach the LAN host, and a valid packet is the positive control.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer_running

CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
wanmac=$(ew_dump a | awk '$1 == "inet" && $2 == "wan" { print tolower($4) }')
ramac=$(lab_exec r cat /sys/class/net/ra/address)
stats() { $CTL --json show stats | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for k, v in d.get("drops", {}).items():
    print(k, v)'; }
count() { awk -v r="$2" '$1 == r { v = $2 } END { print v + 0 }' <<<"$1"; }

cat >"$LAB_DIR/garbage.py" <<EOF
import time
from scapy.all import Ether, IP, UDP, GRE, ICMP, Raw, sendp, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
iface = "ra"
l2 = Ether(dst="$wanmac", src="$ramac")
US, PEER = "198.51.100.1", "203.0.113.2"

def raw_ip(ip_bytes):
    return Ether(dst="$wanmac", src="$ramac", type=0x0800) / Raw(ip_bytes)

def inner(src="10.2.0.10", dst="10.1.0.10", ttl=64, l4=None, ident=0x5151):
    return (Ether(dst="$wanmac", src="02:00:00:00:00:02") /
            IP(src=src, dst=dst, ttl=ttl) /
            (l4 if l4 is not None else ICMP(type=8, id=ident) / (b"x" * 16)))

def vx(payload, src=PEER, dst=US, **ipkw):
    return l2 / IP(src=src, dst=dst, **ipkw) / UDP(sport=50000, dport=4789) / VXLAN(vni=100, flags=0x08) / payload

good_ip = bytes(IP(src=PEER, dst=US) / UDP(sport=50000, dport=4789) / VXLAN(vni=100) / inner())
ihl4 = bytearray(good_ip); ihl4[0] = 0x44
badlen = bytes(IP(src=PEER, dst=US, len=400) / UDP(sport=1, dport=4789) / Raw(b"y" * 20))
badsum = bytes(IP(src=PEER, dst=US, chksum=0x1234) / UDP(sport=50000, dport=4789) / VXLAN(vni=100) / inner())
short_udp = bytes(IP(src=PEER, dst=US, proto=17, len=24)) + b"\x00\x01\x12\xb5"

cases = [
    ("runt", raw_ip(good_ip[:12])),                                  # IPv4 header cut
    ("ip_ihl", raw_ip(bytes(ihl4))),
    ("ip_length", raw_ip(badlen)),                                   # total length > frame
    ("ip_checksum", raw_ip(badsum)),
    ("runt", raw_ip(short_udp)),                                     # UDP header cut
    ("gre_flags", l2 / IP(src=PEER, dst=US) / GRE(chksum_present=1, key_present=1, key=100, proto=0x0800) / IP(src="10.2.0.10", dst="10.1.0.10") / ICMP(id=0x5151)),
    ("gre_flags", l2 / IP(src=PEER, dst=US) / GRE(version=1, key_present=1, key=100, proto=0x0800) / IP(src="10.2.0.10", dst="10.1.0.10") / ICMP(id=0x5151)),
    ("gre_proto", l2 / IP(src=PEER, dst=US) / GRE(key_present=1, key=100, proto=0x86dd) / Raw(b"\x60" + b"\x00" * 39)),
    # outer fragments: edgeway drops them (outer_fragment, see test_pkt),
    # but the af_packet PMD's fanout socket has the kernel defragment
    # first, so here a lone fragment is held by the kernel and never
    # arrives; all that can be checked is that nothing gets through
    ("lab_kernel_holds", vx(inner(), flags="MF")),
    ("lab_kernel_holds", vx(inner(), frag=100)),
    ("ip_src", vx(inner(), src="255.255.255.255")),
    ("ip_src", vx(inner(), src="224.0.0.5")),
    ("wan_not_local", vx(inner(), dst="198.51.100.77")),
    ("wan_proto", l2 / IP(src=PEER, dst=US) / UDP(sport=1234, dport=9999) / Raw(b"z" * 8)),
    ("ttl_expired", vx(inner(ttl=1))),
    ("ttl_expired", vx(inner(ttl=0))),
    ("ip_src", vx(inner(src="255.255.255.255"))),                   # inner broadcast source
    ("local_proto", vx(inner(dst="169.254.100.1", l4=UDP(sport=1, dport=9999) / Raw(b"q")))),
    ("good", vx(inner(ident=0x5152))),                               # the positive control
]
for reason, p in cases:
    sendp(p, iface=iface)
    time.sleep(0.03)
print("EXPECT", " ".join(r for r, _ in cases))
EOF

before=$(stats)
cap_start ha h0 "$LAB_DIR/lan.pcap" icmp
out=$(lab_exec r "$SCAPY_PY" "$LAB_DIR/garbage.py" 2>&1)
sleep 0.7
cap_stop
after=$(stats)
echo "$out" | grep -v '^EXPECT' | sed 's/^/INFO: /'
expect=$(sed -n 's/^EXPECT //p' <<<"$out")
join -j 1 <(sort <<<"$before") <(sort <<<"$after") | awk '$3 != $2 { print "INFO: " $1 " +" $3 - $2 }'
check "scapy sent every case" [ -n "$expect" ]
for r in $(tr ' ' '\n' <<<"$expect" | grep -v -e '^good$' -e '^lab_kernel_holds$' | sort -u); do
	want=$(tr ' ' '\n' <<<"$expect" | grep -c "^$r\$")
	got=$(( $(count "$after" "$r") - $(count "$before" "$r") ))
	check "$r: +$want (got +$got)" [ "$got" -eq "$want" ]
done
bad=$(tshark -r "$LAB_DIR/lan.pcap" -Y 'icmp.type==8 && icmp.ident==0x5151' 2>/dev/null | wc -l)
good=$(tshark -r "$LAB_DIR/lan.pcap" -Y 'icmp.type==8 && icmp.ident==0x5152' 2>/dev/null | wc -l)
check "nothing bad reached the LAN host (saw $bad)" [ "$bad" -eq 0 ]
check "the valid packet did (positive control, saw $good)" [ "$good" -eq 1 ]
check "edgewayd still forwards" quiet lab_exec ha ping -c 2 -i 0.2 -W 1 10.2.0.10

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
