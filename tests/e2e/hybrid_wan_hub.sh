#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A hybrid-WAN spoke: edgeway A with two WANs (inet, lte) reaches a hub
# with ONE public address (203.0.113.2, a Linux kernel VXLAN peer) over
# both. Overlay gold (VNI 100) has a tunnel over each WAN to that same
# address. This passed --check but the daemon refused to start ("cannot
# build tables"): decapsulation was keyed by (VNI, remote) only. Now it is
# keyed by (arrival WAN, VNI, remote): the daemon starts, traffic crosses
# on both tunnels in both directions, and a packet arriving on a WAN its
# tunnel does not use is dropped and counted (tunnel_wrong_wan).
#
#  ha 10.1.0.10 --lan0-- [edgeway A] --inet 198.51.100.1-- r --
#                                    --lte  192.0.2.1   -- r --
#      -- 203.0.113.2 sb (vxlan100: 169.254.100.2 and .3; vx300) -- hb
#  hb: 10.2.0.10 (reached via tunnel hub-inet), 10.2.1.10 (via hub-lte)
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

lab_ns ha; lab_ns ea; lab_ns r; lab_ns sb; lab_ns hb
lab_veth ha h0 ea lan0
lab_veth ea inet r ri
lab_veth ea lte r rl
lab_veth r rb sb wan0
lab_veth sb lan0 hb h0
lab_exec ha ip addr add 10.1.0.10/24 dev h0
lab_exec ha ip route add default via 10.1.0.1
lab_exec r ip addr add 198.51.100.254/24 dev ri
lab_exec r ip addr add 192.0.2.254/24 dev rl
lab_exec r ip addr add 203.0.113.254/24 dev rb
lab_exec r sysctl -qw net.ipv4.ip_forward=1
lab_exec sb ip addr add 203.0.113.2/24 dev wan0
lab_exec sb ip route add default via 203.0.113.254
lab_exec sb ip addr add 10.2.0.1/24 dev lan0
lab_exec sb ip addr add 10.2.1.1/24 dev lan0
lab_exec sb sysctl -qw net.ipv4.ip_forward=1
lab_exec hb ip addr add 10.2.0.10/24 dev h0
lab_exec hb ip addr add 10.2.1.10/24 dev h0
lab_exec hb ip route add default via 10.2.0.1

mac_inet=$(lab_exec ea cat /sys/class/net/inet/address)
mac_lte=$(lab_exec ea cat /sys/class/net/lte/address)

# The hub: one VXLAN device for VNI 100 with both of A's WAN addresses as
# destinations; the inner MAC says which (A answers on each WAN with that
# port's MAC). A's overlay address is pinned to one of them at a time.
lab_exec sb ip link add vxlan100 type vxlan id 100 local 203.0.113.2 dstport 4789 nolearning
lab_exec sb ip addr add 169.254.100.2/24 dev vxlan100
lab_exec sb ip addr add 169.254.100.3/24 dev vxlan100
lab_exec sb ip link set dev vxlan100 up
lab_exec sb bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 198.51.100.1
lab_exec sb bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 192.0.2.1
lab_exec sb bridge fdb add "$mac_inet" dev vxlan100 dst 198.51.100.1
lab_exec sb bridge fdb add "$mac_lte" dev vxlan100 dst 192.0.2.1
lab_exec sb ip neigh replace 169.254.100.1 lladdr "$mac_inet" dev vxlan100 nud permanent
lab_exec sb ip route add 10.1.0.0/16 via 169.254.100.1 dev vxlan100
hub_mac=$(lab_exec sb cat /sys/class/net/vxlan100/address)
# VNI 300 exists at A only over inet; the hub sends it over lte
# (no learning: it must not follow A's packets back to inet)
lab_exec sb ip link add vx300 type vxlan id 300 remote 192.0.2.1 local 203.0.113.2 dstport 4789 nolearning
lab_exec sb ip addr add 169.254.30.2/24 dev vx300
lab_exec sb ip link set dev vx300 up
vx300_mac=$(lab_exec sb cat /sys/class/net/vx300/address)

cat >"$LAB_DIR/a.yaml" <<EOF
node: { name: site-a }
dataplane:
  workers: 1
  eal: [--no-huge, -m, "512", --no-pci, --file-prefix, ew-a-$LAB_ID]
  mbufs: 8192
control: { socket: $LAB_DIR/a.sock }
interfaces:
  - { name: lan0, role: lan, device: "net_af_packet0,iface=lan0", address: 10.1.0.1/24 }
  - { name: inet, role: wan, device: "net_af_packet1,iface=inet", address: 198.51.100.1/24, gateway: 198.51.100.254 }
  - { name: lte, role: wan, device: "net_af_packet2,iface=lte", address: 192.0.2.1/24, gateway: 192.0.2.254 }
overlays:
  - name: gold
    id: 100
    encap: vxlan
    address: 169.254.100.1/24
    tunnels:
      - { name: hub-inet, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2, probe: none, peer_mac: "$hub_mac" }
      - { name: hub-lte, wan: lte, remote: 203.0.113.2, peer: 169.254.100.3, probe: none, peer_mac: "$hub_mac" }
    routes:
      - { prefix: 10.2.0.0/24, via: hub-inet }
      - { prefix: 10.2.1.0/24, via: hub-lte }
  - name: silver
    id: 300
    encap: vxlan
    address: 169.254.30.1/24
    tunnels:
      - { name: hub, wan: inet, remote: 203.0.113.2, peer: 169.254.30.2, probe: none, peer_mac: "$vx300_mac" }
EOF

out=$("$EDGEWAYD" -c "$LAB_DIR/a.yaml" --check 2>&1)
rc=$?
check "--check accepts two tunnels of one overlay to one remote over two WANs" [ "$rc" -eq 0 ]
check "the daemon starts with them" ew_start a ea "$LAB_DIR/a.yaml"
[ "$LAB_FAIL" -eq 0 ] || exit 1

# tunnel COUNTER (tx or rx) of gold/NAME from a fresh dump
tun() {
	ew_dump a | awk -v n="$1" -v c="$2" \
		'$1 == "gold" && $2 == n { print (c == "tx" ? $8 : $9); f=1 } END { if (!f) print 0 }'
}

check "ping 10.2.0.10 (out by hub-inet, back over inet)" \
	wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
check "ping 10.2.1.10 (out by hub-lte, back over inet)" \
	wait_for 5 quiet lab_exec ha ping -c 1 -W 1 10.2.1.10
inet_tx=$(tun hub-inet tx); inet_rx=$(tun hub-inet rx)
lte_tx=$(tun hub-lte tx); lte_rx0=$(tun hub-lte rx)
echo "INFO: hub-inet tx $inet_tx rx $inet_rx; hub-lte tx $lte_tx rx $lte_rx0"
check "hub-inet carried traffic both ways" [ "$inet_tx" -ge 1 -a "$inet_rx" -ge 2 ]
check "hub-lte carried traffic out" [ "$lte_tx" -ge 1 ]

# the hub now answers over lte: decapsulated on lte, by hub-lte
lab_exec sb ip neigh replace 169.254.100.1 lladdr "$mac_lte" dev vxlan100 nud permanent
check "ping 10.2.0.10 with the hub answering over lte" \
	quiet lab_exec ha ping -c 3 -i 0.2 -W 2 10.2.0.10
check "ping 10.2.1.10 with the hub answering over lte" \
	quiet lab_exec ha ping -c 3 -i 0.2 -W 2 10.2.1.10
check "ping from B's LAN to A's LAN over lte" \
	quiet lab_exec hb ping -c 3 -i 0.2 -W 2 -I 10.2.1.10 10.1.0.10
lte_rx=$(tun hub-lte rx)
echo "INFO: hub-lte rx $lte_rx0 -> $lte_rx"
check "hub-lte decapsulated the hub's traffic on lte" [ "$((lte_rx - lte_rx0))" -ge 9 ]

# VNI 300 from the hub on lte: its only tunnel is over inet
before=$(ew_drop_count a tunnel_wrong_wan)
lab_exec sb ping -c 3 -i 0.2 -W 1 169.254.30.1 >/dev/null 2>&1
after=$(ew_drop_count a tunnel_wrong_wan)
echo "INFO: tunnel_wrong_wan $before -> $after"
check "VNI 300 arriving on lte (its tunnel is on inet) is dropped as tunnel_wrong_wan" \
	[ "$((after - before))" -ge 1 ]

ew_dump a
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
