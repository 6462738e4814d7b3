#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Longest match across the LAN and overlay tables (RFC 1812 5.2.4.3,
# issue 12 item 2). Site A has a LAN aggregate 10.0.0.0/8 via a LAN core
# router 10.1.0.254 (here a second address of host ha, which does not
# forward) and the overlay route 10.2.0.0/16 to site B. 10.2.0.10 must
# cross the tunnel (the /16 beats the /8), 10.3.0.1 must go to the LAN
# router. Same steps against the Linux kernel at A, then edgeway.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
lab_exec ha ip addr add 10.1.0.254/24 dev h0
# the kernel at A would redirect ha to itself for 10.3.0.1: ignore it
lab_exec ha sysctl -qw net.ipv4.conf.all.accept_redirects=0 \
	net.ipv4.conf.h0.accept_redirects=0
hamac=$(lab_exec ha cat /sys/class/net/h0/address)

# steps WHO: ping both destinations from ha, count the echo requests that
# came back to ha (the LAN router) by the Ethernet destination
steps() {
	local who=$1 back2 back3
	cap_start ha h0 "$LAB_DIR/$who.pcap" icmp and ether dst "$hamac"
	check "$who: ping 10.2.0.10 crosses the overlay (10.2.0.0/16 beats 10.0.0.0/8)" \
		wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	lab_exec ha ping -c 2 -i 0.2 -W 1 10.3.0.1 >/dev/null 2>&1
	cap_stop
	back2=$(tshark -r "$LAB_DIR/$who.pcap" -Y 'icmp.type==8 && ip.dst==10.2.0.10' 2>/dev/null | wc -l)
	back3=$(tshark -r "$LAB_DIR/$who.pcap" -Y 'icmp.type==8 && ip.dst==10.3.0.1' 2>/dev/null | wc -l)
	echo "$who: echo requests sent to the LAN router: 10.2.0.10 $back2, 10.3.0.1 $back3"
	check "$who: nothing for 10.2.0.10 goes to the LAN router" [ "$back2" -eq 0 ]
	check "$who: 10.3.0.1 goes to the LAN router (10.0.0.0/8)" [ "$back3" -ge 1 ]
}

topo_site_a_kernel
lab_exec ea ip route add 10.0.0.0/8 via 10.1.0.254
steps kernel
topo_site_a_clear

topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i 's|address: 10.1.0.1/24 }|address: 10.1.0.1/24, routes: [{ prefix: 10.0.0.0/8, via: 10.1.0.254 }] }|' \
	"$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
steps edgeway

# the console says which table wins for an address
CTL=$LAB_TOP/build/control/edgewayctl
out=$("$CTL" -s "$LAB_DIR/a.sock" show lookup 10.2.0.10 2>&1)
echo "$out"
check "show lookup 10.2.0.10: the overlay's 10.2.0.0/16 wins" \
	grep -qE '^overlay +10\.2\.0\.0/16 +gold to-b +wins$' <<<"$out"
out=$("$CTL" -s "$LAB_DIR/a.sock" show lookup 10.3.0.1 2>&1)
echo "$out"
check "show lookup 10.3.0.1: the LAN's 10.0.0.0/8 wins" \
	grep -qE '^lan +10\.0\.0\.0/8 +lan0 10\.1\.0\.254 +wins$' <<<"$out"
out=$(/usr/bin/python3 - "$LAB_DIR/a.sock" "$LAB_TOP/control/api/python" <<'EOF2' 2>&1
import sys
sys.path.insert(0, sys.argv[2])
from edgeway_client import Client
with Client(sys.argv[1]) as c:
    for a in ("10.2.0.10", "10.3.0.1", "192.0.2.1"):
        m = c.lookup(a)
        print(a, m.table, m.lan_prefix or "-", m.overlay_prefix or "-", m.tunnel or "-")
EOF2
)
echo "$out"
check "API lookup: 10.2.0.10 overlay, 10.3.0.1 lan, 192.0.2.1 none" \
	says "10.2.0.10 overlay 10.0.0.0/8 10.2.0.0/16 to-b" "10.3.0.1 lan 10.0.0.0/8 - -" \
	"192.0.2.1 none - - -"
ew_dump a | grep -E '^(lan0|inet) '
ew_stop a
lab_done
