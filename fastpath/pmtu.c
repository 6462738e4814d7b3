/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which of our tunnels an underlay ICMP error is about (pmtu.h). Runs on
 * the control thread, for ICMP the workers punted; here so that it is
 * tested with the tables alone.
 */
#include <rte_ip.h>

#include "fastpath/pmtu.h"

/* The UDP header (L4, the IP payload being IP_PLEN bytes) and what
 * follows of it (L4LEN bytes quoted) as ew_encap writes it: to 4789 from
 * 49152-65535, the length of the IP payload, no checksum. */
static unsigned int
vxlan_match(const struct ew_tables *t, unsigned int ifx, const uint8_t *l4,
		uint32_t l4len, uint32_t ip_plen, uint32_t remote, uint16_t *tuns,
		unsigned int max)
{
	unsigned int i, n = 0;
	uint32_t vni;
	int tun;

	if ((l4[2] << 8 | l4[3]) != EW_VXLAN_PORT || (l4[0] << 8 | l4[1]) < 49152 ||
			(uint32_t)(l4[4] << 8 | l4[5]) != ip_plen ||
			l4[6] != 0 || l4[7] != 0)
		return 0;
	if (l4len >= 16) {	/* the VXLAN header is quoted: it must match */
		if ((l4[8] & 0x08) == 0)
			return 0;
		vni = (uint32_t)l4[12] << 16 | l4[13] << 8 | l4[14];
		tun = ew_tunnel_find(t, ifx, EW_ENCAP_VXLAN, vni, remote);
		if (tun < 0 || max == 0)
			return 0;
		tuns[0] = (uint16_t)tun;
		return 1;
	}
	for (i = 0; i < t->n_tunnels && n < max; i++)
		if (t->tun[i].ifx == ifx && t->tun[i].encap == EW_ENCAP_VXLAN &&
				t->tun[i].remote == remote)
			tuns[n++] = (uint16_t)i;
	return n;
}

unsigned int
ew_pmtu_quote_match(const struct ew_tables *t, unsigned int ifx,
		const uint8_t *q, uint32_t qlen, uint16_t *tuns, unsigned int max)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)q;
	uint32_t ihl, key, remote;
	const uint8_t *l4;
	int tun;

	if (ifx >= t->n_ports || t->ports[ifx].role != EW_ROLE_WAN ||
			qlen < sizeof(*ip) || (q[0] >> 4) != 4)
		return 0;
	ihl = (q[0] & 0xf) * 4u;
	if (ihl < sizeof(*ip) || qlen < ihl + 8 ||
			rte_be_to_cpu_32(ip->src_addr) != t->ports[ifx].addr ||
			!(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) ||
			(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)))
		return 0;
	remote = rte_be_to_cpu_32(ip->dst_addr);
	l4 = q + ihl;
	if (ip->next_proto_id == IPPROTO_UDP)
		return vxlan_match(t, ifx, l4, qlen - ihl,
				(uint32_t)rte_be_to_cpu_16(ip->total_length) - ihl,
				remote, tuns, max);
	if (ip->next_proto_id != IPPROTO_GRE)
		return 0;
	/* GRE as we send it: K only, version 0, IPv4, the key */
	if (l4[0] != 0x20 || l4[1] != 0 || (l4[2] << 8 | l4[3]) != RTE_ETHER_TYPE_IPV4)
		return 0;
	key = (uint32_t)l4[4] << 24 | (uint32_t)l4[5] << 16 |
			(uint32_t)l4[6] << 8 | l4[7];
	if (key > 0xffffff)
		return 0;
	tun = ew_tunnel_find(t, ifx, EW_ENCAP_GRE, key, remote);
	if (tun < 0 || max == 0)
		return 0;
	tuns[0] = (uint16_t)tun;
	return 1;
}

uint16_t
ew_pmtu_learn(uint16_t next_hop, uint16_t quoted_len)
{
	/* RFC 1191 section 7's plateaus, for routers that say 0 */
	static const uint16_t plateau[] = { 8166, 4352, 2002, 1492, 1006, 508 };
	unsigned int i;

	if (next_hop == 0) {
		for (i = 0; i < RTE_DIM(plateau); i++)
			if (plateau[i] < quoted_len)
				break;
		next_hop = i < RTE_DIM(plateau) ? plateau[i] : 0;
	}
	if (next_hop == 0 || next_hop >= quoted_len)
		return 0;
	return next_hop < EW_PMTU_MIN ? EW_PMTU_MIN : next_hop;
}
