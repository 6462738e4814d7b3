#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 12 item 6: ECN through the tunnel (RFC 6040, normal mode), first
# with the Linux kernel (VXLAN, tos inherit by default for ECN) as site A,
# then edgeway:
#   host A sends inner ECT(0) -> the outer header on the underlay is ECT(0);
#   site B sends outer CE over inner ECT(0) -> host A receives CE;
#   outer CE over inner Not-ECT -> dropped (edgeway counts ecn_not_ect).
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan

cat >"$LAB_DIR/lan.py" <<'EOF'
import sys
from scapy.all import IP, UDP, send, conf, L3RawSocket
conf.verb = 0
conf.L3socket = L3RawSocket
for _ in range(3):
    send(IP(src="10.1.0.10", dst="10.2.0.10", tos=0x02) / UDP(sport=40000, dport=7777) / (b"e" * 32))
EOF
# wan.py INNER_DST_MAC: outer CE from site B's address, inner ECT(0) to
# UDP 7778 and inner Not-ECT to UDP 7779
cat >"$LAB_DIR/wan.py" <<'EOF'
import sys, time
from scapy.all import Ether, IP, UDP, ARP, sendp, srp1, get_if_hwaddr, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
iface = "wan0"
gw = srp1(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="203.0.113.254"), iface=iface, timeout=2)
l2 = Ether(dst=gw.hwsrc, src=get_if_hwaddr(iface))
def vx(inner_tos, dport):
    return (l2 / IP(src="203.0.113.2", dst="198.51.100.1", tos=0x03) /
            UDP(sport=50001, dport=4789) / VXLAN(vni=100, flags=0x08) /
            Ether(dst=sys.argv[1], src="02:00:00:00:0b:0b") /
            IP(src="10.2.0.10", dst="10.1.0.10", tos=inner_tos) /
            UDP(sport=40000, dport=dport) / (b"c" * 32))
for _ in range(3):
    sendp(vx(0x02, 7778), iface=iface)
    sendp(vx(0x00, 7779), iface=iface)
    time.sleep(0.05)
EOF
# outer.py PCAP: the outer ECN field of VXLAN packets carrying UDP 7777
cat >"$LAB_DIR/outer.py" <<'EOF'
import sys
from scapy.all import rdpcap, IP, UDP
from scapy.layers.vxlan import VXLAN
v = set()
for p in rdpcap(sys.argv[1]):
    if VXLAN in p and UDP in p[VXLAN] and p[VXLAN][UDP].dport == 7777:
        v.add(p[IP].tos & 3)
print(" ".join(str(x) for x in sorted(v)) or "none")
EOF
# inner.py PCAP PORT: count and ECN fields of UDP PORT at host A
cat >"$LAB_DIR/inner.py" <<'EOF'
import sys
from scapy.all import rdpcap, IP, UDP
v = [p[IP].tos & 3 for p in rdpcap(sys.argv[1]) if UDP in p and p[UDP].dport == int(sys.argv[2])]
print(len(v), " ".join(str(x) for x in sorted(set(v))) or "none")
EOF

# run WHO INNER_MAC: the three steps; sets OUTER, CE_N CE_ECN, NOTECT_N
run() {
	cap_start r ra "$LAB_DIR/$1-ul.pcap" udp port 4789
	lab_exec ha "$SCAPY_PY" "$LAB_DIR/lan.py"
	sleep 0.3
	cap_stop
	OUTER=$("$SCAPY_PY" "$LAB_DIR/outer.py" "$LAB_DIR/$1-ul.pcap" 2>/dev/null)
	cap_start ha h0 "$LAB_DIR/$1-lan.pcap" udp
	lab_exec sb "$SCAPY_PY" "$LAB_DIR/wan.py" "$2"
	sleep 0.5
	cap_stop
	read -r CE_N CE_ECN <<<"$("$SCAPY_PY" "$LAB_DIR/inner.py" "$LAB_DIR/$1-lan.pcap" 7778 2>/dev/null)"
	read -r NOTECT_N _ <<<"$("$SCAPY_PY" "$LAB_DIR/inner.py" "$LAB_DIR/$1-lan.pcap" 7779 2>/dev/null)"
	echo "$1 A: inner ECT(0) -> outer ECN $OUTER; outer CE/inner ECT(0): $CE_N at host A with ECN $CE_ECN; outer CE/inner Not-ECT: $NOTECT_N at host A"
}

# --- reference: the Linux kernel as site A ---
topo_site_a_kernel
check "kernel A: overlay up" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
kmac=$(lab_exec ea cat /sys/class/net/vxlan100/address)
run kernel "$kmac"
check "kernel A: outer ECN copied from the inner ECT(0)" [ "$OUTER" = 2 ]
check "kernel A: outer CE marks the inner ECT(0) packet CE" [ "${CE_N:-0}" -ge 1 -a "${CE_ECN:-}" = 3 ]
check "kernel A: outer CE over inner Not-ECT is dropped" [ "${NOTECT_N:-1}" = 0 ]
topo_site_a_clear

# --- edgeway as site A ---
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "edgeway A: overlay up" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
for _ in 1 2 3 4 5; do	# a loaded machine may cut a dump short
	wanmac=$(ew_dump a | awk '$1 == "inet" && $2 == "wan" { print tolower($4) }')
	[ -n "$wanmac" ] && break
done
before=$(ew_drop_count a ecn_not_ect)
run edgeway "$wanmac"
after=$(ew_drop_count a ecn_not_ect)
echo "edgeway A: ecn_not_ect drops $before -> $after"
check "edgeway A: outer ECN copied from the inner ECT(0)" [ "$OUTER" = 2 ]
check "edgeway A: outer CE marks the inner ECT(0) packet CE" [ "${CE_N:-0}" -ge 1 -a "${CE_ECN:-}" = 3 ]
check "edgeway A: outer CE over inner Not-ECT is dropped" [ "${NOTECT_N:-1}" = 0 ]
check "edgeway A: and counted as ecn_not_ect (3)" [ $((after - before)) -eq 3 ]

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
