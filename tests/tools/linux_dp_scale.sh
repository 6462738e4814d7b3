#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The seed paper's Linux data plane at N overlays, for comparison with
# edgeway's API: in a scratch network namespace, per overlay a kernel VXLAN
# device with an address, a routing table with ROUTES routes, an `ip rule`
# on an fwmark and an nftables rule setting that mark; built with one
# `ip -batch` and one `nft -f`, as a tool would.
#   linux_dp_scale.sh N [ROUTES]
# Prints: overlays,routes,seconds,ms_per_overlay,kernel_kib_per_overlay
# (kernel memory: growth of Slab + Percpu in /proc/meminfo, approximate).
set -u
n=$1
routes=${2:-10}
ns=ewlinux$$
dir=$(mktemp -d /tmp/ewlinux.XXXX)
cleanup() {
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

kmem() {
	awk '/^(Slab|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}

ip netns add "$ns" || exit 1
ip -n "$ns" link add wan0 type veth peer name wan1 || exit 1
ip -n "$ns" link set wan1 up
ip -n "$ns" addr add 198.51.100.1/24 dev wan0
ip -n "$ns" link set wan0 up
ip -n "$ns" link set lo up

{
	for ((i = 0; i < n; i++)); do
		echo "link add vx$i type vxlan id $((20000 + i)) local 198.51.100.1 remote 100.$((64 + i / 65536)).$(((i / 256) % 256)).$((i % 256 == 0 ? 1 : i % 256)) dstport 4789 dev wan0 nolearning"
		echo "addr add 169.$((200 + i / 16384)).$(((i / 64) % 256)).$(((i % 64) * 4 + 1))/30 dev vx$i"
		echo "link set vx$i up"
		for ((k = 0; k < routes; k++)); do
			r=$((i * routes + k))
			echo "route add $((20 + r / 65536)).$(((r / 256) % 256)).$((r % 256)).0/24 via 169.$((200 + i / 16384)).$(((i / 64) % 256)).$(((i % 64) * 4 + 2)) dev vx$i table $((1000 + i)) onlink"
		done
		echo "rule add fwmark $((1000 + i)) table $((1000 + i))"
	done
} >"$dir/ip.batch"
{
	echo "table inet ewscale {"
	echo "  chain pre { type filter hook prerouting priority mangle; }"
	echo "}"
	for ((i = 0; i < n; i++)); do
		echo "add rule inet ewscale pre udp dport $((10000 + i % 50000)) ip daddr $((20 + i * routes / 65536)).$(((i * routes / 256) % 256)).0.0/16 meta mark set $((1000 + i))"
	done
} >"$dir/nft.conf"

sync
m0=$(kmem)
t0=$(date +%s.%N)
ip -n "$ns" -batch "$dir/ip.batch" || { echo "linux_dp_scale: ip -batch failed" >&2; exit 1; }
ip netns exec "$ns" nft -f "$dir/nft.conf" || { echo "linux_dp_scale: nft failed" >&2; exit 1; }
t1=$(date +%s.%N)
m1=$(kmem)
got=$(ip -n "$ns" -o link show type vxlan | wc -l)
[ "$got" -eq "$n" ] || { echo "linux_dp_scale: $got of $n devices" >&2; exit 1; }
awk -v n="$n" -v r="$routes" -v t0="$t0" -v t1="$t1" -v m0="$m0" -v m1="$m1" 'BEGIN {
	printf "%d,%d,%.3f,%.4f,%.1f\n", n, n * r, t1 - t0, (t1 - t0) * 1000 / n, (m1 - m0) / n }'
