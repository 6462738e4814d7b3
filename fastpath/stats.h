/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_STATS_H
#define EW_STATS_H

/*
 * Counters. Every drop has a named reason (one X-macro list generates the
 * enum, the names and the counter slots). Each lcore writes only its own
 * struct ew_lcore_stats; the control thread sums them on read.
 */

#include <stdint.h>

#include <rte_common.h>

#define foreach_ew_drop(_) \
	_(L2_NOT_US, "l2_not_us", "Ethernet destination is not this port") \
	_(L2_PROTO, "l2_proto", "ethertype not handled (not IPv4/ARP)") \
	_(VLAN, "vlan", "802.1Q tag with a VLAN id other than 0") \
	_(RUNT, "runt", "frame shorter than its headers") \
	_(OVERSIZE, "oversize", "frame in chained buffers, longer than one buffer holds (above the interface MTU)") \
	_(IP_VERSION, "ip_version", "IPv4 header: version is not 4") \
	_(IP_IHL, "ip_ihl", "IPv4 header: IHL below 5") \
	_(IP_LENGTH, "ip_length", "IPv4 total length beyond the frame or below the header") \
	_(IP_CHECKSUM, "ip_checksum", "IPv4 header checksum wrong") \
	_(IP_SRC, "ip_src", "source is broadcast, multicast, zero or loopback") \
	_(IP_DST, "ip_dst", "destination is broadcast, multicast, zero or loopback") \
	_(TTL, "ttl_expired", "TTL expired in transit (ICMP time exceeded sent)") \
	_(NO_CLASS, "no_class", "no traffic class matched") \
	_(NO_ROUTE, "no_route", "no usable overlay routes the destination (ICMP unreachable sent)") \
	_(LAN_NO_ROUTE, "lan_no_route", "decapsulated packet has no LAN route") \
	_(MTU, "mtu_df", "larger than the overlay (or LAN interface) MTU with DF set (ICMP frag needed sent)") \
	_(WAN_NOT_LOCAL, "wan_not_local", "WAN packet not addressed to this node") \
	_(WAN_PROTO, "wan_proto", "WAN packet to this node that is not a tunnel, ARP or ICMP") \
	_(OUTER_FRAG, "outer_fragment", "fragmented tunnel packet on the underlay (not from a df: clear tunnel's remote)") \
	_(VXLAN_FLAGS, "vxlan_flags", "VXLAN header without the I flag or with reserved bits") \
	_(GRE_FLAGS, "gre_flags", "GRE checksum/routing/sequence flags, version not 0, or no key") \
	_(GRE_PROTO, "gre_proto", "GRE payload is not IPv4") \
	_(TUNNEL_UNKNOWN, "tunnel_unknown", "outer source and VNI/key match no configured tunnel") \
	_(TUNNEL_WRONG_WAN, "tunnel_wrong_wan", "tunnel packet arrived on a WAN other than its tunnel's") \
	_(INNER_L2, "inner_l2", "inner Ethernet not addressed to this node or not IPv4/ARP") \
	_(PUNT_FULL, "punt_full", "punt ring to the control thread full") \
	_(TX_FULL, "tx_full", "transmit queue full") \
	_(NEIGH_QUEUE, "neigh_queue", "waiting for ARP resolution: queue full or resolution failed") \
	_(ICMP_RATE, "icmp_ratelimit", "ICMP error suppressed by the rate limit") \
	_(FRAG_FAIL, "frag_fail", "fragmentation failed (no buffers)") \
	_(LOCAL_PROTO, "local_proto", "packet to this node that is not ICMP echo or a known service") \
	_(ARP_BAD, "arp_bad", "ARP packet malformed or not for us") \
	_(NO_MBUF, "no_mbuf", "mbuf pool empty") \
	_(STALE, "stale", "held or punted for a tunnel a reload removed") \
	_(NEIGH_HOLD_CAP, "neigh_hold_cap", "waiting for ARP: all neighbours together hold the most allowed (min(1024, mbufs/16))") \
	_(LAN_SPOOF_SELF, "lan_spoof_self", "LAN packet with one of this node's own addresses as its source") \
	_(STAMP_LOOP, "stamp_loop", "STAMP test packet from port 862 or from our own address: not reflected (loop)") \
	_(POLICE_ARP, "punt_police_arp", "ARP on a port over its punt rate (per worker and port)") \
	_(POLICE_LOCAL, "punt_police_local", "packets for our LAN/WAN addresses over their punt rate") \
	_(POLICE_OVERLAY, "punt_police_overlay", "packets for us inside a tunnel (not probes) over their punt rate (per tunnel)") \
	_(POLICE_PROBE, "punt_police_probe", "probe and STAMP packets inside a tunnel over their punt rate (per tunnel)") \
	_(POLICE_NEXTHOP, "punt_police_nexthop", "packets for unresolved next hops over their punt rate") \
	_(POLICE_ICMP, "punt_police_icmp", "ICMP errors to send over their punt rate (the drop itself is counted too)") \
	_(POLICE_FRAG, "punt_police_frag", "packets to fragment over their punt rate") \
	_(POLICE_OV_ARP, "punt_police_ov_arp", "ARP inside a tunnel over its punt rate (per tunnel)") \
	_(AFP_CUT, "afp_cut", "af_packet ring frame cut short: a datagram the kernel reassembled, longer than a ring frame (its whole copy is forwarded again as fragments)") \
	_(INNER_L2_BCAST, "inner_l2_bcast", "inner frame to the broadcast MAC with a unicast IP destination not ours: not routed, no ICMP error (RFC 1812 5.3.4, 4.3.2.7)") \
	_(ECN_NOT_ECT, "ecn_not_ect", "tunnel packet marked CE (congestion) outside but Not-ECT inside (RFC 6040)") \
	_(PMTU_SPOOF, "icmp_frag_spoof", "ICMP frag needed on a WAN that quotes none of our tunnels' outer headers (or is malformed): ignored") \
	_(REASM_REFUSED, "outer_reasm_refused", "outer fragment of a df: clear tunnel refused: reassemblies at their cap, or a bad or duplicate fragment") \
	_(REASM_EXPIRED, "outer_reasm_expired", "outer fragment of a df: clear tunnel dropped: its datagram was not complete in time")

enum ew_drop {
#define _(sym, name, help) EW_DROP_##sym,
	foreach_ew_drop(_)
#undef _
	EW_DROP_MAX
};

extern const char *const ew_drop_names[EW_DROP_MAX];
extern const char *const ew_drop_help[EW_DROP_MAX];

#define EW_MAX_PORTS	16
#define EW_MAX_TUNNELS	16384	/* per-lcore counter slots, by tunnel slot */
#define EW_MAX_CLASSES	1024	/* by class slot */

struct ew_port_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t drops;
};

struct ew_tunnel_stats {
	uint64_t tx_packets, tx_bytes;
	uint64_t rx_packets, rx_bytes;
};

struct ew_class_stats {
	uint64_t packets, bytes;
	uint64_t drops;		/* no overlay of the class routes it */
};

struct ew_lcore_stats {
	struct ew_port_stats port[EW_MAX_PORTS];	/* by interface index */
	uint64_t drop[EW_DROP_MAX];
	uint64_t punted;
	/* ARP normal mode (control thread): neighbours' MAC moves followed,
	 * held back by the per-address rate limit, refused because the old
	 * MAC of a pinned neighbour still answered */
	uint64_t arp_moves, arp_moves_limited, arp_moves_refused;
	struct ew_tunnel_stats tunnel[EW_MAX_TUNNELS];
	struct ew_class_stats cls[EW_MAX_CLASSES];
} __rte_cache_aligned;

#endif /* EW_STATS_H */
