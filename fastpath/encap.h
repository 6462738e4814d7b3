/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_ENCAP_H
#define EW_ENCAP_H

/*
 * Encapsulation from a per-tunnel template. ew_tunnel_tpl_build() writes the
 * outer headers once per table generation; ew_encap() prepends them to an
 * mbuf whose data starts at the inner IPv4 header and fills the few fields
 * that vary per packet: MACs, IP total length, TOS, checksum, UDP length
 * and source port (a hash of the inner flow, RFC 7348 section 5).
 */

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "fastpath/pkt.h"
#include "fastpath/tables.h"

void ew_tunnel_tpl_build(struct ew_tunnel *t, const struct ew_port *wan);

/* Flow hash of an IPv4 header: the 5-tuple when the L4 header is there;
 * addresses and protocol only for every fragment, the first (which has
 * the ports) too, so that all fragments of a datagram take one tunnel and
 * one outer source port (one underlay ECMP path: no reordering). */
static inline uint32_t
ew_flow_hash(const struct rte_ipv4_hdr *ip, uint32_t l3_len)
{
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
	uint64_t h = ((uint64_t)ip->src_addr << 32 | ip->dst_addr) ^ ip->next_proto_id;

	if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP) &&
			l3_len >= ihl + 4 && !ew_ip_is_fragment(ip)) {
		uint32_t ports;

		memcpy(&ports, (const uint8_t *)ip + ihl, 4);
		h ^= (uint64_t)ports << 16;
	}
	h *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

static inline uint16_t
ew_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Prepend T's headers to M (data at the inner IPv4 header, whose length is
 * the whole mbuf). NH is the underlay next hop's MAC, PEER the overlay peer's
 * (VXLAN only). Returns 0, or -1 when M has no headroom.
 */
static inline int
ew_encap(struct rte_mbuf *m, const struct ew_tunnel *t,
		const struct rte_ether_addr *nh, const struct rte_ether_addr *peer,
		uint32_t flow_hash, uint8_t tos)
{
	uint16_t inner_len = (uint16_t)rte_pktmbuf_pkt_len(m);
	uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(m, t->tpl_len);
	struct rte_ipv4_hdr *ip;
	uint16_t ip_len, tosw;
	uint8_t tb[2] = { 0, tos };

	if (unlikely(h == NULL))
		return -1;
	rte_memcpy(h, t->tpl, t->tpl_len);
	rte_ether_addr_copy(nh, (struct rte_ether_addr *)h);
	ip = (struct rte_ipv4_hdr *)(h + RTE_ETHER_HDR_LEN);
	ip_len = (uint16_t)(t->tpl_len - RTE_ETHER_HDR_LEN + inner_len);
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->type_of_service = tos;
	memcpy(&tosw, tb, 2);
	ip->hdr_checksum = (uint16_t)~ew_cksum_fold((uint32_t)t->ip_cksum_base +
			ip->total_length + tosw);
	if (t->encap == EW_ENCAP_VXLAN) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

		udp->src_port = rte_cpu_to_be_16((uint16_t)(49152 + (flow_hash & 0x3fff)));
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(ip_len - sizeof(*ip)));
		rte_ether_addr_copy(peer, (struct rte_ether_addr *)
				(h + EW_VXLAN_HDR_LEN - RTE_ETHER_HDR_LEN));
	}
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ip);
	return 0;
}

#endif /* EW_ENCAP_H */
