#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The fragments of one datagram leave with one outer UDP source port, so
# underlay ECMP keeps them on one path and in order (issue 12 item 10).
# Host A sends DF-clear UDP datagrams of 4000 bytes (fragmented by its
# kernel) and of 1500 bytes (over the overlay MTU of 1450: fragmented at
# site A, by edgeway; the kernel's VXLAN device has MTU 1500 and fragments
# the outer packet instead); the router between the sites captures the
# VXLAN packets and groups the outer source ports by inner datagram. Same
# steps against the Linux kernel VXLAN at A, then edgeway. (On af_packet
# ports edgeway sees no LAN fragments until issue 12 item 7 is fixed.)
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan

cat >"$LAB_DIR/send.py" <<'EOF'
import socket, time
for sport, size in ((40001, 4000), (40002, 4000), (40003, 1472), (40004, 1472)):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, 10, 0)	# IP_MTU_DISCOVER: IP_PMTUDISC_DONT
    s.bind(("10.1.0.10", sport))
    s.sendto(b"f" * size, ("10.2.0.10", 5555))
    s.close()
    time.sleep(0.1)
EOF

# steps WHO: send, capture, one line per inner datagram: "ID NFRAG NPORTS"
steps() {
	local who=$1 groups n bad
	check "$who: overlay up (ping A->B)" \
		wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	cap_start r ra "$LAB_DIR/$who.pcap" udp port 4789 and src host 198.51.100.1
	lab_exec ha /usr/bin/python3 "$LAB_DIR/send.py"
	sleep 0.3
	cap_stop
	# every field's occurrences: ip.id outer,inner; udp.srcport outer first
	groups=$(tshark -r "$LAB_DIR/$who.pcap" -o ip.defragment:FALSE \
		-Y 'vxlan && ip.dst==10.2.0.10 && (ip.flags.mf==1 || ip.frag_offset>0)' \
		-T fields -E occurrence=a -E aggregator=, -e ip.id -e udp.srcport 2>/dev/null |
		awk -F'\t' '{ split($1, id, ","); split($2, sp, ",");
			k = id[2]; n[k]++; if (!((k, sp[1]) in seen)) { seen[k, sp[1]] = 1; p[k]++ } }
			END { for (k in n) print k, n[k], p[k] }')
	echo "$who: inner datagram, fragments, outer source ports:"
	echo "$groups" | sed 's/^/  /'
	n=$(awk '$2 >= 2' <<<"$groups" | wc -l)
	bad=$(awk '$3 != 1' <<<"$groups" | wc -l)
	check "$who: 2 or more datagrams seen in fragments" [ "$n" -ge 2 ]
	check "$who: each datagram's fragments share one outer UDP source port" \
		[ "$bad" -eq 0 ]
}

topo_site_a_kernel
steps kernel
topo_site_a_clear

topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
steps edgeway
ew_stop a
lab_done
