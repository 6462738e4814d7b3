#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 12, item 7: fragmented LAN traffic on af_packet ports (the veth /
# vCPE mode). Host A sends 3000-byte DF-clear pings (two fragments on its
# 1500-byte LAN) to host B across the overlay, then host B to host A. The
# PMD's PACKET_FANOUT has the kernel reassemble IP fragments
# (PACKET_FANOUT_FLAG_DEFRAG) before they reach the ring, so edgeway is
# handed one 3042-byte frame that no ring frame holds: edgeway reads the
# whole datagram from the socket (PACKET_COPY_THRESH) and splits it again.
# Same steps first with site A as a Linux kernel VXLAN router, then with
# edgeway A.
#
#  hostA 10.1.0.10 --lan-- [site A] --inet 198.51.100.1-- router --
#      -- 203.0.113.2 siteB (vxlan100 169.254.100.2) --lan-- hostB 10.2.0.10
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan

steps() {
	local who=$1 size
	check "$who: small ping A->B" \
		wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	for size in 2972 8972; do
		check "$who: $((size + 28))-byte DF-clear ping A->B (fragments on A's LAN)" \
			quiet lab_exec ha ping -c 2 -i 0.3 -W 2 -M dont -s $size 10.2.0.10
		check "$who: $((size + 28))-byte DF-clear ping B->A (fragments into A's WAN)" \
			quiet lab_exec hb ping -c 2 -i 0.3 -W 2 -M dont -s $size 10.1.0.10
	done
}

topo_site_a_kernel
steps kernel
topo_site_a_clear

topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
steps edgeway
dump=$(ew_dump a)
echo "$dump" | sed -n '/drop reason/,/^where/p'
n=$(awk '$1 == "ip_length" { print $2; found=1 } END { if (!found) print 0 }' <<<"$dump")
check "edgeway: nothing dropped as ip_length (got $n)" [ "${n:-1}" -eq 0 ]
cut=$(awk '$1 == "afp_cut" { print $2; found=1 } END { if (!found) print 0 }' <<<"$dump")
check "edgeway: the rings' cut copies are counted as afp_cut (got $cut)" [ "${cut:-0}" -ge 8 ]
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
