#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# GRE (RFC 2784/2890, key 200) against implementations we did not write:
# - what edgeway emits decodes in tshark as GRE key 200 carrying the LAN
#   packet;
# - GRE built with scapy from the far site's underlay address is
#   decapsulated and delivered to the LAN host, and the host's answer
#   comes back through GRE (checked on the wire by scapy);
# - a Linux kernel GRE peer, where the kernel has GRE (not on these
#   machines: then reported as skipped).
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
# scapy answers no probes: the tunnel is not monitored
topo_peer_config gre 200 "$LAB_DIR/a.yaml" none
ew_start a ea "$LAB_DIR/a.yaml" || exit 1

# 1. edgeway -> wire: GRE with key 200, inner ICMP 10.1.0.10 -> 10.2.0.10
cap_start sb wan0 "$LAB_DIR/gre.pcap" ip proto 47
lab_exec ha ping -c 3 -i 0.3 -W 1 10.2.0.10 >/dev/null 2>&1
cap_stop
dec=$(tshark -r "$LAB_DIR/gre.pcap" -Y 'gre && ip.src == 10.1.0.10' -T fields -E occurrence=a -E aggregator=, \
	-e ip.src -e ip.dst -e gre.key -e gre.proto -e icmp.type -e ip.flags.df 2>/dev/null | head -1)
echo "INFO: first GRE packet as tshark decodes it: $dec"
check "edgeway emits GRE key 200, proto IPv4, outer 198.51.100.1->203.0.113.2, inner 10.1.0.10->10.2.0.10 ICMP echo" \
	grep -qE '^198\.51\.100\.1,10\.1\.0\.10	203\.0\.113\.2,10\.2\.0\.10	(0x000000c8|200)	0x0800	8	1,[01]$' <<<"$dec"

# 2. scapy -> edgeway -> host A -> edgeway -> GRE back to scapy
cat >"$LAB_DIR/peer.py" <<'EOF'
import sys
from scapy.all import AsyncSniffer, Ether, IP, GRE, ICMP, sendp, get_if_hwaddr, conf, srp1, ARP
conf.verb = 0
iface = "wan0"
# the router's MAC, via ARP
gw = srp1(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="203.0.113.254"), iface=iface, timeout=2)
if gw is None:
    print("no ARP answer from the router"); sys.exit(2)
sn = AsyncSniffer(iface=iface, filter="ip proto 47 and src host 198.51.100.1",
                  store=True, count=0)
sn.start()
import time; time.sleep(0.5)
for seq in range(3):
    p = (Ether(dst=gw.hwsrc, src=get_if_hwaddr(iface)) /
         IP(src="203.0.113.2", dst="198.51.100.1") /
         GRE(key_present=1, key=200, proto=0x0800) /
         IP(src="10.2.0.10", dst="10.1.0.10", ttl=64) /
         ICMP(type=8, id=0x4242, seq=seq) / (b"edgeway-gre-test" * 4))
    sendp(p, iface=iface)
    time.sleep(0.2)
time.sleep(1.0)
sn.stop()
ok = 0
for r in sn.results:
    g = r.getlayer(GRE)
    inner = g.payload if g is not None else None
    if (g is not None and g.key == 200 and g.proto == 0x0800 and
            inner is not None and inner.haslayer(ICMP) and
            inner[ICMP].type == 0 and inner[ICMP].id == 0x4242 and
            inner.src == "10.1.0.10" and inner.dst == "10.2.0.10"):
        ok += 1
print("echo replies received through GRE:", ok)
sys.exit(0 if ok == 3 else 1)
EOF
cap_start ha h0 "$LAB_DIR/lan.pcap" icmp and src host 10.2.0.10
out=$(lab_exec sb "$SCAPY_PY" "$LAB_DIR/peer.py" 2>&1)
rc=$?
echo "INFO: scapy peer: $out"
check "scapy GRE (key 200) from 203.0.113.2 is answered by host A through GRE (3/3)" [ "$rc" -eq 0 ]
cap_stop
n=$(tshark -r "$LAB_DIR/lan.pcap" -Y 'icmp.type==8 && icmp.ident==0x4242' 2>/dev/null | wc -l)
check "the decapsulated echo requests reached host A on the LAN (3)" [ "$n" -eq 3 ]

# 3. a kernel GRE peer, where the kernel has GRE
if lab_exec sb ip link add gre-probe type gre remote 198.51.100.1 local 203.0.113.2 key 200 2>/dev/null; then
	lab_exec sb ip link del gre-probe
	lab_exec sb ip link add gre200 type gre remote 198.51.100.1 local 203.0.113.2 key 200
	lab_exec sb ip addr add 169.254.100.2/24 dev gre200
	lab_exec sb ip link set gre200 up
	lab_exec sb ip route add 10.1.0.0/16 via 169.254.100.1 dev gre200
	check "ping A->B across a kernel GRE peer" \
		wait_for 5 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	check "ping B->A across a kernel GRE peer" quiet lab_exec hb ping -c 2 -W 2 10.1.0.10
else
	skip "kernel GRE peer: this kernel has no GRE ('ip link add ... type gre' fails: $(lab_exec sb ip link add gre-probe type gre remote 198.51.100.1 2>&1 | head -1))"
fi

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
