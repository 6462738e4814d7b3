/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_DECAP_H
#define EW_DECAP_H

/*
 * Decapsulation, the receive side of encap.h. ew_decap() takes a packet
 * from WAN interface IFX whose data starts at a sound outer IPv4 header
 * addressed to us (the worker has checked that much), checks the tunnel
 * header (VXLAN: RFC 7348, GRE: RFC 2890 with a key), finds the tunnel by
 * (WAN, encap, VNI/key, outer source) and strips the outer headers. It
 * keeps no state and counts nothing: the worker acts on the verdict.
 * Checks run in a fixed order, and the first that fails names the drop.
 */

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "fastpath/pkt.h"
#include "fastpath/tables.h"

/* Verdicts besides a drop reason (an enum ew_drop, never negative) */
#define EW_DECAP_IPV4	-1	/* data at the inner IPv4 header */
#define EW_DECAP_ARP	-2	/* data at the inner Ethernet header of an ARP
				 * packet inside VXLAN */
#define EW_DECAP_IPV4_BCAST -3	/* as EW_DECAP_IPV4, from an inner frame to
				 * the broadcast MAC: only for us, never routed */

/* The drop reason for a packet on WAN IFX that matched no tunnel: does it
 * name a tunnel of another WAN? */
static inline int
ew_decap_miss(const struct ew_tables *t, unsigned int ifx, enum ew_encap e,
		uint32_t id, uint32_t src)
{
	return ew_tunnel_other_wan(t, ifx, e, id, src) ?
			EW_DROP_TUNNEL_WRONG_WAN : EW_DROP_TUNNEL_UNKNOWN;
}

/* VXLAN: outer IPv4 (IHL bytes), UDP to EW_VXLAN_PORT, VXLAN, inner
 * Ethernet for us (or broadcast). */
static inline int
ew_vxlan_decap(const struct ew_tables *t, struct rte_mbuf *m, unsigned int ifx,
		uint32_t ihl, uint32_t src, int *tun)
{
	const uint8_t *vx = rte_pktmbuf_mtod_offset(m, const uint8_t *, ihl + 8);
	const struct rte_ether_addr *mac = &t->ports[ifx].mac;
	const struct rte_ether_hdr *in;
	uint32_t vni;
	uint16_t type;

	if (unlikely(rte_pktmbuf_data_len(m) < ihl + 8 + 8 + RTE_ETHER_HDR_LEN))
		return EW_DROP_RUNT;
	if (unlikely(!(vx[0] & 0x08)))
		return EW_DROP_VXLAN_FLAGS;
	vni = (uint32_t)vx[4] << 16 | vx[5] << 8 | vx[6];
	*tun = ew_tunnel_find(t, ifx, EW_ENCAP_VXLAN, vni, src);
	if (unlikely(*tun < 0))
		return ew_decap_miss(t, ifx, EW_ENCAP_VXLAN, vni, src);
	rte_pktmbuf_adj(m, (uint16_t)(ihl + 16));
	in = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = rte_be_to_cpu_16(in->ether_type);
	if (type == RTE_ETHER_TYPE_ARP)
		return EW_DECAP_ARP;
	if (unlikely(type != RTE_ETHER_TYPE_IPV4))
		return EW_DROP_INNER_L2;
	if (likely(rte_is_same_ether_addr(&in->dst_addr, mac))) {
		rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
		return EW_DECAP_IPV4;
	}
	if (unlikely(!rte_is_broadcast_ether_addr(&in->dst_addr)))
		return EW_DROP_INNER_L2;
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	return EW_DECAP_IPV4_BCAST;
}

/* GRE: outer IPv4 (IHL bytes), GRE version 0 with a key (24 bits used) and
 * maybe a sequence number (accepted, ignored), IPv4 inside. */
static inline int
ew_gre_decap(const struct ew_tables *t, struct rte_mbuf *m, unsigned int ifx,
		uint32_t ihl, uint32_t src, int *tun)
{
	const uint8_t *gre = rte_pktmbuf_mtod_offset(m, const uint8_t *, ihl);
	uint32_t len = rte_pktmbuf_data_len(m), hl = 8, key;

	if (unlikely(len < ihl + 4))
		return EW_DROP_RUNT;
	/* C R K S s Recur(3) | flags(5) ver(3): want K, version 0 */
	if (unlikely((gre[0] & 0xcf) != 0 || !(gre[0] & 0x20) ||
			(gre[1] & 0x07) != 0))
		return EW_DROP_GRE_FLAGS;
	if (gre[0] & 0x10)
		hl += 4;
	if (unlikely(len < ihl + hl))
		return EW_DROP_RUNT;
	if (unlikely((gre[2] << 8 | gre[3]) != RTE_ETHER_TYPE_IPV4))
		return EW_DROP_GRE_PROTO;
	key = (uint32_t)gre[4] << 24 | (uint32_t)gre[5] << 16 |
			(uint32_t)gre[6] << 8 | gre[7];
	if (unlikely(key > 0xffffff))
		return EW_DROP_TUNNEL_UNKNOWN;
	*tun = ew_tunnel_find(t, ifx, EW_ENCAP_GRE, key, src);
	if (unlikely(*tun < 0))
		return ew_decap_miss(t, ifx, EW_ENCAP_GRE, key, src);
	rte_pktmbuf_adj(m, (uint16_t)(ihl + hl));
	return EW_DECAP_IPV4;
}

/* RFC 6040 section 4.2, normal mode, on the inner header IP for an outer
 * ECN field OUTER of ECT(1) or CE (the worker tests bit 0 first): CE marks
 * an ECN-capable inner packet CE, ECT(1) turns an inner ECT(0) into
 * ECT(1). Returns -1 when the packet must be dropped (outer CE, inner
 * Not-ECT: EW_DROP_ECN_NOT_ECT), else 0. */
static inline int
ew_ecn_decap(struct rte_ipv4_hdr *ip, uint8_t outer)
{
	uint8_t in = ip->type_of_service & 3;

	if (outer == 3 && in == 0)
		return -1;
	if (outer == 3 ? in != 3 : in == 2)
		ew_ip_tos_set(ip, (uint8_t)((ip->type_of_service & 0xfc) | outer));
	return 0;
}

/*
 * Decapsulate M (data at the outer IPv4 header, the whole packet in one
 * segment) that arrived on WAN IFX. Returns EW_DECAP_IPV4,
 * EW_DECAP_IPV4_BCAST or EW_DECAP_ARP with the data moved as they say, or
 * a drop reason. *TUN is the tunnel's
 * index in t->tun once one matched (then the packet is the tunnel's to
 * count, whatever the verdict), else -1.
 */
static inline int
ew_decap(const struct ew_tables *t, struct rte_mbuf *m, unsigned int ifx,
		int *tun)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	const uint8_t *l4 = (const uint8_t *)ip + ihl;

	*tun = -1;
	/* fragments: the worker reassembles those of df: clear tunnels
	 * first (reasm.c) and drops the others */
	if (unlikely(ew_ip_is_fragment(ip)))
		return EW_DROP_OUTER_FRAG;
	if (ip->next_proto_id == IPPROTO_UDP) {
		if (unlikely(rte_pktmbuf_data_len(m) < ihl + 8))
			return EW_DROP_RUNT;
		if ((l4[2] << 8 | l4[3]) == EW_VXLAN_PORT)
			return ew_vxlan_decap(t, m, ifx, ihl, src, tun);
	} else if (ip->next_proto_id == IPPROTO_GRE) {
		return ew_gre_decap(t, m, ifx, ihl, src, tun);
	}
	return EW_DROP_WAN_PROTO;
}

#endif /* EW_DECAP_H */
