#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 12, items 3 and 9: site A's LAN at MTU 1400 behind a 1500-byte
# WAN. 1450-byte pings from host B come out of the tunnel too big for the
# LAN: with DF, site A answers "frag needed (mtu 1400)" back through the
# tunnel; without DF, it fragments them onto the LAN. The ICMP errors quote
# as much of the original as fits in 576 bytes (RFC 1812 4.3.2.3). The
# same steps run first with site A as a Linux kernel VXLAN router (the
# reference), then with edgeway A.
#
#  hostA 10.1.0.10 --lan (1400)-- [site A] --inet 198.51.100.1-- router --
#      -- 203.0.113.2 siteB (vxlan100 169.254.100.2) --lan-- hostB 10.2.0.10
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
lab_exec ha ip link set dev h0 mtu 1400
lab_exec ea ip link set dev lan0 mtu 1400

# steps WHO: the same checks against whichever site A is running
steps() {
	local who=$1 out len r0 r
	check "$who: small ping B->A" \
		wait_for 10 quiet lab_exec hb ping -c 1 -W 1 10.1.0.10
	cap_start hb h0 "$LAB_DIR/icmp-$who.pcap" icmp and src host 169.254.100.1
	out=$(lab_exec hb ping -c 2 -i 0.3 -W 2 -M do -s 1422 10.1.0.10 2>&1)
	echo "$out" | grep -m1 'From' || echo "$who: no ICMP error: $(tail -2 <<<"$out" | head -1)"
	check "$who: 1450-byte DF ping B->A: frag needed (mtu 1400) from 169.254.100.1" \
		grep -qE 'From 169\.254\.100\.1.*(mtu = 1400|mtu=1400)' <<<"$out"
	r0=$(lab_exec ha nstat -az IpReasmOKs | awk '$1 == "IpReasmOKs" { print $2 }')
	check "$who: 1450-byte DF-clear ping B->A is fragmented and delivered" \
		quiet lab_exec hb ping -c 2 -i 0.3 -W 2 -M dont -s 1422 10.1.0.10
	r=$(lab_exec ha nstat -az IpReasmOKs | awk '$1 == "IpReasmOKs" { print $2 }')
	check "$who: host A reassembled the requests site A fragmented (IpReasmOKs +$((r - r0)))" \
		[ "$((r - r0))" -ge 2 ]
	out=$(lab_exec hb ping -c 1 -W 2 -t 2 -s 1000 10.1.0.10 2>&1)
	check "$who: 1028-byte ping B->A with TTL 2: time exceeded from 169.254.100.1" \
		grep -qE 'From 169\.254\.100\.1.*Time to live exceeded' <<<"$out"
	cap_stop
	len=$(tshark -r "$LAB_DIR/icmp-$who.pcap" -Y 'icmp.type == 3 && icmp.code == 4' \
		-T fields -E occurrence=f -e ip.len 2>/dev/null | head -1)
	echo "$who: frag needed is ${len:-?} bytes long (IP total length)"
	check "$who: frag needed quotes all that fits in 576 bytes (576, got ${len:-none})" \
		[ "${len:-0}" = 576 ]
	len=$(tshark -r "$LAB_DIR/icmp-$who.pcap" -Y 'icmp.type == 11' \
		-T fields -E occurrence=f -e ip.len 2>/dev/null | head -1)
	echo "$who: time exceeded is ${len:-?} bytes long (IP total length)"
	check "$who: time exceeded quotes all that fits in 576 bytes (576, got ${len:-none})" \
		[ "${len:-0}" = 576 ]
}

# the reference: site A as a Linux router
topo_site_a_kernel
steps kernel
topo_site_a_clear
# host B learnt path MTU 1400 from the kernel's frag needed: forget it
# (the exception lives on the route's next hop)
lab_exec hb ip route replace default via 10.2.0.1 mtu 1500
lab_exec hb ip route replace default via 10.2.0.1
lab_exec hb ip route get 10.1.0.10 | grep -q 'mtu 1400' &&
	echo "WARNING: host B still has path MTU 1400 towards host A"

topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i 's|address: 10.1.0.1/24 }|address: 10.1.0.1/24, mtu: 1400 }|' "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
steps edgeway

dump=$(ew_dump a)
echo "$dump" | sed -n '/drop reason/,/^where/p'
n=$(awk '$1 == "mtu_df" { print $2; found=1 } END { if (!found) print 0 }' <<<"$dump")
check "edgeway: the DF pings are counted as mtu_df (got $n)" [ "${n:-0}" -ge 1 ]
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
