# SPDX-License-Identifier: BSD-3-Clause
# Lab layouts shared by tests and the demo. Source after lab.sh and call
# lab_init first.

# topo_peer: edgeway A facing a far site B that is NOT an edgeway (the
# caller adds a kernel tunnel device or a scapy peer in namespace "sb").
#
#  ha: 10.1.0.10 --h0|lan0-- ea (edgeway A: lan0 10.1.0.1/24,
#      wan0 198.51.100.1/24 gw .254) --wan0|ra-- r (router:
#      198.51.100.254, 203.0.113.254) --rb|wan0-- sb (203.0.113.2,
#      lan0 10.2.0.1/24) --lan0|h0-- hb: 10.2.0.10
#
# With TOPO_WANEM=1, A's WAN link runs through the WAN emulator in
# namespace "wl" (see wanem_set).
topo_peer() {
	lab_ns ha; lab_ns ea; lab_ns r; lab_ns sb; lab_ns hb
	lab_veth ha h0 ea lan0
	if [ "${TOPO_WANEM:-0}" = 1 ]; then
		wanem_splice ea wan0 r ra
	else
		lab_veth ea wan0 r ra
	fi
	lab_veth r rb sb wan0
	lab_veth sb lan0 hb h0
	lab_exec ha ip addr add 10.1.0.10/24 dev h0
	lab_exec ha ip route add default via 10.1.0.1
	lab_exec r ip addr add 198.51.100.254/24 dev ra
	lab_exec r ip addr add 203.0.113.254/24 dev rb
	lab_exec r sysctl -qw net.ipv4.ip_forward=1
	lab_exec sb ip addr add 203.0.113.2/24 dev wan0
	lab_exec sb ip route add default via 203.0.113.254
	lab_exec sb ip addr add 10.2.0.1/24 dev lan0
	lab_exec sb sysctl -qw net.ipv4.ip_forward=1
	lab_exec hb ip addr add 10.2.0.10/24 dev h0
	lab_exec hb ip route add default via 10.2.0.1
}

# topo_peer_kernel_vxlan: make site B of topo_peer a Linux kernel VXLAN
# endpoint (VNI 100, 169.254.100.2/24) routing site A's LAN via edgeway.
topo_peer_kernel_vxlan() {
	lab_exec sb ip link add vxlan100 type vxlan id 100 remote 198.51.100.1 local 203.0.113.2 dstport 4789
	lab_exec sb ip addr add 169.254.100.2/24 dev vxlan100
	lab_exec sb ip link set dev vxlan100 up
	lab_exec sb ip route add 10.1.0.0/16 via 169.254.100.1 dev vxlan100
}

# topo_site_a_kernel: the reference for conformance tests: namespace ea of
# topo_peer as a Linux router doing what topo_peer_config's edgeway A does
# (lan0 10.1.0.1/24, wan0 198.51.100.1/24 via .254, VXLAN 100 to
# 203.0.113.2 as vxlan100 169.254.100.1/24, 10.2.0.0/16 via 169.254.100.2).
# Needs topo_peer_kernel_vxlan at B. Undo it with topo_site_a_clear before
# edgeway takes lan0 and wan0 for the same steps.
topo_site_a_kernel() {
	lab_exec ea ip addr add 10.1.0.1/24 dev lan0
	lab_exec ea ip addr add 198.51.100.1/24 dev wan0
	lab_exec ea ip route add default via 198.51.100.254
	lab_exec ea ip link add vxlan100 type vxlan id 100 remote 203.0.113.2 \
		local 198.51.100.1 dstport 4789
	lab_exec ea ip addr add 169.254.100.1/24 dev vxlan100
	lab_exec ea ip link set dev vxlan100 up
	lab_exec ea ip route add 10.2.0.0/16 via 169.254.100.2 dev vxlan100
	lab_exec ea sysctl -qw net.ipv4.ip_forward=1
}

# topo_site_a_clear: namespace ea back to bare lan0 and wan0 (no
# addresses, no tunnel device, no forwarding), and every neighbour cache
# of topo_peer forgotten, so edgeway A starts where the kernel did.
topo_site_a_clear() {
	local ns
	lab_exec ea ip link del vxlan100 2>/dev/null
	lab_exec ea ip addr flush dev lan0
	lab_exec ea ip addr flush dev wan0
	lab_exec ea sysctl -qw net.ipv4.ip_forward=0
	for ns in ha ea r sb hb; do
		lab_exec "$ns" ip neigh flush all 2>/dev/null
	done
	lab_exec sb ip neigh flush dev vxlan100 2>/dev/null
	lab_exec sb bridge fdb flush dev vxlan100 2>/dev/null
	return 0
}

# topo_peer_config ENCAP ID FILE [PROBE]: edgeway A's config for topo_peer,
# one overlay "gold" (ENCAP, ID) with a tunnel to 203.0.113.2, probed with
# PROBE (default icmp; none for a peer that cannot answer).
topo_peer_config() {
	local encap=$1 id=$2 file=$3 probe=${4:-icmp}
	cat >"$file" <<EOF
node: { name: site-a }
dataplane:
  workers: 1
  eal: [--no-huge, -m, "512", --no-pci, --file-prefix, ew-a-$LAB_ID]
  mbufs: 8192
control: { socket: $LAB_DIR/a.sock }
interfaces:
  - { name: lan0, role: lan, device: "net_af_packet0,iface=lan0", address: 10.1.0.1/24 }
  - { name: inet, role: wan, device: "net_af_packet1,iface=wan0", address: 198.51.100.1/24, gateway: 198.51.100.254 }
overlays:
  - name: gold
    id: $id
    encap: $encap
    address: 169.254.100.1/24
    tunnels:
      - { name: to-b, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2, probe: $probe }
    routes:
      - { prefix: 10.2.0.0/16, via: to-b }
EOF
}

# topo_two_sites: two edgeways, each with one LAN and two WANs (inet, lte)
# through one underlay router.
#
#  ha 10.1.0.10 -- ea [lan0 10.1.0.1/24 | inet 198.51.100.1/25 | lte 203.0.113.1/25]
#  hb 10.2.0.10 -- eb [lan0 10.2.0.1/24 | inet 198.51.100.129/25 | lte 203.0.113.129/25]
#  r: 198.51.100.126 (ai), 203.0.113.126 (al), 198.51.100.254 (bi), 203.0.113.254 (bl)
#
# With TOPO_WANEM=1, A's lte link runs through the WAN emulator
# (tests/tools/wanem) in namespace "wl": set its delay/jitter/loss with
# wanem_set (direction ab = from A, ba = towards A).
topo_two_sites() {
	lab_ns ha; lab_ns ea; lab_ns r; lab_ns eb; lab_ns hb
	lab_veth ha h0 ea lan0
	lab_veth hb h0 eb lan0
	lab_veth ea inet r ai
	if [ "${TOPO_WANEM:-0}" = 1 ]; then
		wanem_splice ea lte r al
	else
		lab_veth ea lte r al
	fi
	lab_veth eb inet r bi
	lab_veth eb lte r bl
	lab_exec ha ip addr add 10.1.0.10/24 dev h0
	lab_exec ha ip route add default via 10.1.0.1
	lab_exec hb ip addr add 10.2.0.10/24 dev h0
	lab_exec hb ip route add default via 10.2.0.1
	lab_exec r ip addr add 198.51.100.126/25 dev ai
	lab_exec r ip addr add 203.0.113.126/25 dev al
	lab_exec r ip addr add 198.51.100.254/25 dev bi
	lab_exec r ip addr add 203.0.113.254/25 dev bl
	lab_exec r sysctl -qw net.ipv4.ip_forward=1
}

# topo_site_config SIDE FILE [CLASSES]: config for edgeway SIDE (a or b) of
# topo_two_sites: overlay gold (VXLAN 100 over inet) and silver (GRE 200
# over lte), both routing the other site's LAN; CLASSES is appended as is.
# With TOPO_METRICS=ADDR:PORT, each edgeway also serves /metrics there (in
# its own namespace).
topo_site_config() {
	local side=$1 file=$2 classes=${3:-}
	local me=1 peer=2 lan=10.1 rlan=10.2 hi=1 rhi=129 gwi=126
	if [ "$side" = b ]; then
		me=2 peer=1 lan=10.2 rlan=10.1 hi=129 rhi=1 gwi=254
	fi
	cat >"$file" <<EOF
node: { name: site-$side }
dataplane:
  workers: 1
  eal: [--no-huge, -m, "512", --no-pci, --file-prefix, ew-$side-$LAB_ID]
  mbufs: 8192
control: { socket: $LAB_DIR/$side.sock${TOPO_METRICS:+, metrics: \"$TOPO_METRICS\"} }
interfaces:
  - { name: lan0, role: lan, device: "net_af_packet0,iface=lan0", address: $lan.0.1/24 }
  - { name: inet, role: wan, device: "net_af_packet1,iface=inet", address: 198.51.100.$hi/25, gateway: 198.51.100.$gwi }
  - { name: lte, role: wan, device: "net_af_packet2,iface=lte", address: 203.0.113.$hi/25, gateway: 203.0.113.$gwi }
overlays:
  - name: gold
    id: 100
    encap: vxlan
    address: 169.254.100.$me/24
    tunnels:
      - { name: to-peer, wan: inet, remote: 198.51.100.$rhi, peer: 169.254.100.$peer }
    routes:
      - { prefix: $rlan.0.0/16, via: to-peer }
  - name: silver
    id: 200
    encap: gre
    address: 169.254.200.$me/24
    tunnels:
      - { name: to-peer-lte, wan: lte, remote: 203.0.113.$rhi, peer: 169.254.200.$peer }
    routes:
      - { prefix: $rlan.0.0/16, via: to-peer-lte }
$classes
EOF
}

# Classes for topo_two_sites: ICMP and TCP port 5202 prefer the GRE overlay
# (silver, over lte); everything else takes VXLAN (gold, over inet).
TOPO_CLASSES='classes:
  - name: interactive
    match:
      - { proto: icmp }
      - { proto: tcp, dst_port: 5202 }
      - { proto: tcp, src_port: 5202 }
    overlays: [silver, gold]
  - name: default
    overlays: [gold, silver]'

# wanem_splice NS1 IF1 NS2 IF2: a link NS1:IF1 <-> NS2:IF2 through the WAN
# emulator in namespace "wl" (direction ab = from NS1).
wanem_splice() {
	lab_ns wl
	lab_veth "$1" "$2" wl wa
	lab_veth wl wb "$3" "$4"
	: >"$LAB_DIR/wanem.conf"
	ip netns exec "wl$LAB_ID" "$LAB_TOP/build/tests/tools/wanem" wa wb \
		"$LAB_DIR/wanem.conf" 2>"$LAB_DIR/wanem.log" &
	LAB_PIDS+=("$!")
}

# wanem_set "ab D J L" ["ba D J L"]: the emulator's impairment (ms, ms, %)
# per direction; takes effect within 100 ms.
wanem_set() {
	printf '%s\n' "$@" >"$LAB_DIR/wanem.conf.new"
	mv "$LAB_DIR/wanem.conf.new" "$LAB_DIR/wanem.conf"
	sleep 0.15
}

# Two sites running (topo_two_sites), A's class default over [gold, silver],
# and both paths resolved before the caller's clock starts: one ping over
# each overlay.
topo_two_sites_running() {
	local ctl="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"

	topo_two_sites
	topo_site_config a "$LAB_DIR/a.yaml" 'classes:
  - name: default
    overlays: [gold, silver]'
	topo_site_config b "$LAB_DIR/b.yaml"
	ew_start a ea "$LAB_DIR/a.yaml" || return 1
	ew_start b eb "$LAB_DIR/b.yaml" || return 1
	check "overlay up (ping A->B)" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	$ctl set class default overlays silver,gold >/dev/null
	lab_exec ha ping -c 1 -W 1 10.2.0.10 >/dev/null
	$ctl set class default overlays gold,silver >/dev/null
}

# topo_peer_running: topo_peer with a Linux kernel VXLAN site B and
# edgeway A started on topo_peer_config's VXLAN config; checks that the
# overlay carries a ping.
topo_peer_running() {
	topo_peer
	topo_peer_kernel_vxlan
	topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
	ew_start a ea "$LAB_DIR/a.yaml" || exit 1
	check "overlay up (ping A->B)" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
}
