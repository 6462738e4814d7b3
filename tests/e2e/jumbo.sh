#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Jumbo frames (issue 11, item 12): the topo_peer lab with every link at
# MTU 9000, edgeway A's LAN and WAN at mtu 9000 (overlay MTU derived: 8950)
# and site B a Linux kernel VXLAN peer. 8,000-byte DF pings cross the
# overlay both ways and reach edgeway's own addresses, a short iperf3 run
# carries full-size segments, and nothing is dropped as ip_length.
#
#  hostA 10.1.0.10 --lan-- [edgeway A] --inet 198.51.100.1-- router --
#      -- 203.0.113.2 siteB (vxlan100 169.254.100.2) --lan-- hostB 10.2.0.10
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
for l in "ha h0" "ea lan0" "ea wan0" "r ra" "r rb" "sb wan0" "sb lan0" "hb h0"; do
	set -- $l
	lab_exec "$1" ip link set dev "$2" mtu 9000
done
topo_peer_kernel_vxlan
lab_exec sb ip link set dev vxlan100 mtu 8950
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i -e 's|address: 10.1.0.1/24 }|address: 10.1.0.1/24, mtu: 9000 }|' \
	-e 's|gateway: 198.51.100.254 }|gateway: 198.51.100.254, mtu: 9000 }|' \
	"$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1

ctl="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
out=$($ctl show overlays 2>&1)
echo "$out"
check "overlay MTU derived from the 9000-byte WAN: 8950" grep -qw 8950 <<<"$out"

check "small ping A->B across the kernel VXLAN peer" \
	wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
check "8000-byte DF ping A->B" \
	quiet lab_exec ha ping -c 3 -i 0.2 -W 2 -M do -s 8000 10.2.0.10
check "8000-byte DF ping B->A" \
	quiet lab_exec hb ping -c 3 -i 0.2 -W 2 -M do -s 8000 10.1.0.10
check "8000-byte DF ping to edgeway's LAN address" \
	quiet lab_exec ha ping -c 2 -i 0.2 -W 2 -M do -s 8000 10.1.0.1
check "8000-byte DF ping to edgeway's overlay address from site B" \
	quiet lab_exec sb ping -c 2 -i 0.2 -W 2 -M do -s 8000 169.254.100.1
# the overlay MTU still holds: 8950 + 1 bytes with DF gets frag needed
out=$(lab_exec ha ping -c 1 -W 2 -M do -s 8923 10.2.0.10 2>&1)
check "DF packet one byte over the overlay MTU gets frag needed (mtu 8950)" \
	grep -q "mtu = 8950\|mtu=8950" <<<"$out"
check "non-DF 8951-byte packet is fragmented and delivered" \
	quiet lab_exec ha ping -c 2 -i 0.2 -W 2 -M dont -s 8923 10.2.0.10

lab_exec hb iperf3 -s -1 -D -I "$LAB_DIR/iperf.pid" >/dev/null 2>&1
sleep 0.5
[ -s "$LAB_DIR/iperf.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/iperf.pid")")
cap_start r ra "$LAB_DIR/ul.pcap" udp port 4789
lab_exec ha timeout 20 iperf3 -c 10.2.0.10 -t 3 -J >"$LAB_DIR/iperf.json" 2>&1
rc=$?
cap_stop
bps=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"]))' "$LAB_DIR/iperf.json" 2>/dev/null || echo 0)
echo "iperf3 TCP A->B at MTU 9000: $((bps / 1000000)) Mbit/s"
check "iperf3 TCP 3 s run completes" [ "$rc" -eq 0 -a "$bps" -gt 0 ]
big=$(tshark -r "$LAB_DIR/ul.pcap" -Y 'vxlan && ip.src==198.51.100.1 && tcp && frame.len > 8000' \
	-T fields -e frame.number 2>/dev/null | wc -l)
echo "INFO: VXLAN frames from A over 8000 bytes during iperf3: $big"
check "iperf3 segments cross the underlay as jumbo VXLAN frames" [ "$big" -gt 10 ]

dump=$(ew_dump a)
echo "$dump"
iplen=$(awk '$1 == "ip_length" { print $2; found=1 } END { if (!found) print 0 }' <<<"$dump")
check "no packet dropped as ip_length (got ${iplen:-?})" [ "${iplen:-1}" -eq 0 ]
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]

# Site A's LAN at 1500 behind its 9000-byte WAN: what the overlay carries
# (8950) is more than the LAN takes. A DF packet gets "frag needed" with
# the LAN's MTU from edgeway; without DF it is fragmented onto the LAN.
lab_exec ha ip link set dev h0 mtu 1500
topo_peer_config vxlan 100 "$LAB_DIR/mixed.yaml"
sed -i 's|gateway: 198.51.100.254 }|gateway: 198.51.100.254, mtu: 9000 }|' \
	"$LAB_DIR/mixed.yaml"
ew_start a2 ea "$LAB_DIR/mixed.yaml" || exit 1
check "LAN 1500, WAN 9000: small ping B->A" \
	wait_for 10 quiet lab_exec hb ping -c 1 -W 1 10.1.0.10
reasm0=$(lab_exec ha nstat -az IpReasmOKs | awk '$1 == "IpReasmOKs" { print $2 }')
check "non-DF 8000-byte ping B->A is fragmented onto A's 1500-byte LAN" \
	quiet lab_exec hb ping -c 2 -i 0.2 -W 2 -M dont -s 8000 10.1.0.10
reasm=$(lab_exec ha nstat -az IpReasmOKs | awk '$1 == "IpReasmOKs" { print $2 }')
check "host A reassembled the requests edgeway fragmented (IpReasmOKs $reasm0 -> $reasm)" \
	[ "$((reasm - reasm0))" -ge 2 ]
out=$(lab_exec hb ping -c 1 -W 2 -M do -s 8000 10.1.0.10 2>&1)
echo "$out" | head -3
check "DF 8000-byte ping B->A: frag needed (mtu 1500) from edgeway's overlay address" \
	grep -qE 'From 169\.254\.100\.1.*(mtu = 1500|mtu=1500)' <<<"$out"

# Buffers and rings are sized at start: raising an interface's MTU above
# its start value is refused until a restart, and says so.
out=$($ctl apply "$LAB_DIR/a.yaml" 2>&1); rc=$?
echo "$out"
check "raising the LAN MTU to 9000 by apply is refused: restart needed" \
	exited_saying nonzero "interface 'lan0': mtu 9000 is above the 1500" "restart"
check "small ping still crosses after the refused apply" \
	quiet lab_exec ha ping -c 1 -W 2 10.2.0.10
dump=$(ew_dump a2)
echo "$dump" | sed -n '/drop reason/,/^where/p'
ew_stop a2
lab_done
