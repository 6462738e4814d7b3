#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 12 item 4: host A changes its MAC and announces it with a
# gratuitous ARP (scapy; what arping -U sends). How long until host B's
# pings (every 0.1 s) reach it again? The Linux kernel as site A first,
# then edgeway (arp: normal, the default: within a second or two), then
# edgeway with lan0 "arp: strict" (the old behaviour: not followed), and a
# static neighbour entry, which never moves. The WAN gateway (a tunnel next
# hop, pinned) does the same, as a replaced router or a VRRP takeover
# would: its old MAC is gone, so edgeway follows after checking it.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan

cat >"$LAB_DIR/garp.py" <<'EOF'
import sys
from scapy.all import Ether, ARP, sendp, conf
conf.verb = 0
mac = sys.argv[1]
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
      ARP(op=1, hwsrc=mac, psrc="10.1.0.10", hwdst="00:00:00:00:00:00", pdst="10.1.0.10"),
      iface="h0")
EOF
# move MAC: host B pings host A for 6 s; after 1 s host A takes MAC and
# announces it. Prints the seconds from the announcement to the first
# reply after it, or "none" (none within 5 s).
move() {
	local out="$LAB_DIR/ping.$1" t0
	lab_exec hb ping -D -n -i 0.1 -W 0.1 -w 6 10.1.0.10 >"$out" 2>&1 &
	local pid=$!
	sleep 1
	lab_exec ha ip link set h0 address "$1"
	lab_exec ha "$SCAPY_PY" "$LAB_DIR/garp.py" "$1"
	t0=$(date +%s.%N)
	wait "$pid"
	awk -v t0="$t0" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 > t0) { printf "%.2f\n", $1 - t0; found=1; exit } }
		END { if (!found) print "none" }' "$out"
}
cat >"$LAB_DIR/garp_gw.py" <<'EOF'
import sys
from scapy.all import Ether, ARP, sendp, conf
conf.verb = 0
mac = sys.argv[1]
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
      ARP(op=2, hwsrc=mac, psrc="198.51.100.254", hwdst="ff:ff:ff:ff:ff:ff", pdst="198.51.100.254"),
      iface="ra")
EOF
# move_gw MAC: the same for the underlay router's interface towards A
# (gratuitous reply, as arping -A), host A pinging host B.
move_gw() {
	local out="$LAB_DIR/pinggw.$1" t0
	lab_exec ha ping -D -n -i 0.1 -W 0.1 -c 60 10.2.0.10 >"$out" 2>&1 &
	local pid=$!
	sleep 1
	lab_exec r ip link set ra address "$1"
	lab_exec r "$SCAPY_PY" "$LAB_DIR/garp_gw.py" "$1"
	t0=$(date +%s.%N)
	wait "$pid"
	awk -v t0="$t0" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 > t0) { printf "%.2f\n", $1 - t0; found=1; exit } }
		END { if (!found) print "none" }' "$out"
}
# lt X LIMIT: X is a number below LIMIT
lt() { [ "$1" != none ] && awk -v x="$1" -v l="$2" 'BEGIN { exit !(x < l) }'; }

# --- reference: the Linux kernel as site A ---
topo_site_a_kernel
check "kernel A: B reaches host A" wait_for 10 quiet lab_exec hb ping -c 1 -W 1 10.1.0.10
k=$(move 02:00:00:aa:00:01)
echo "kernel A: host A reached again $k s after its gratuitous ARP"
check "kernel A: follows the gratuitous ARP within 2 s" lt "$k" 2
k=$(move_gw 02:00:00:ee:00:01)
echo "kernel A: host B reached again $k s after the gateway's gratuitous ARP"
check "kernel A: follows the gateway's gratuitous ARP within 2 s" lt "$k" 2
topo_site_a_clear

# --- edgeway as site A, arp: normal (default) ---
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "edgeway A: B reaches host A" wait_for 10 quiet lab_exec hb ping -c 1 -W 1 10.1.0.10
e=$(move 02:00:00:aa:00:02)
echo "edgeway A: host A reached again $e s after its gratuitous ARP"
check "edgeway A: follows the gratuitous ARP within 2 s" lt "$e" 2
out=$(ew_dump a)
check "edgeway A: the move is counted (show stats: arp moves: 1 followed)" \
	grep -q "arp moves: 1 followed" <<<"$out"
e=$(move_gw 02:00:00:ee:00:02)
echo "edgeway A: host B reached again $e s after the gateway's gratuitous ARP (pinned: old MAC checked first)"
check "edgeway A: follows the gateway's gratuitous ARP within 2 s" lt "$e" 2
out=$(ew_dump a)
check "edgeway A: both moves counted (arp moves: 2 followed)" \
	grep -q "arp moves: 2 followed" <<<"$out"
ew_stop a

# --- arp: strict on lan0: the old behaviour, not followed ---
sed -i 's|address: 10.1.0.1/24 }|address: 10.1.0.1/24, arp: strict }|' "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "edgeway A strict: B reaches host A" wait_for 10 quiet lab_exec hb ping -c 1 -W 1 10.1.0.10
s=$(move 02:00:00:aa:00:03)
echo "edgeway A, arp: strict: host A reached again after ${s} s"
check "edgeway A strict: the fresh entry is kept (not reached within 5 s)" [ "$s" = none ]
ew_stop a

# --- a static neighbour never moves ---
sed -i 's|address: 10.1.0.1/24, arp: strict }|address: 10.1.0.1/24, neighbors: [{ address: 10.1.0.10, mac: "02:00:00:aa:00:03" }] }|' "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "edgeway A static: B reaches host A" wait_for 10 quiet lab_exec hb ping -c 1 -W 1 10.1.0.10
lab_exec ha ip link set h0 address 02:00:00:aa:00:04
lab_exec ha "$SCAPY_PY" "$LAB_DIR/garp.py" 02:00:00:aa:00:04
sleep 1.5
out=$(ew_dump a)
check "edgeway A static: the entry keeps its configured MAC" \
	grep -qiE '^lan0 +10\.1\.0\.10 +02:00:00:aa:00:03' <<<"$out"
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
