/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ip.h>

#include "fastpath/encap.h"

void
ew_tunnel_tpl_build(struct ew_tunnel *t, const struct ew_port *wan)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->tpl;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	memset(t->tpl, 0, sizeof(t->tpl));
	eth->src_addr = wan->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	/* DF unless the tunnel lets the underlay fragment (df: clear) */
	ip->fragment_offset = t->df_clear ? 0 : rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->src_addr = rte_cpu_to_be_32(wan->addr);
	ip->dst_addr = rte_cpu_to_be_32(t->remote);

	if (t->encap == EW_ENCAP_VXLAN) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		uint8_t *vx = (uint8_t *)(udp + 1);
		struct rte_ether_hdr *in = (struct rte_ether_hdr *)(vx + 8);

		ip->next_proto_id = IPPROTO_UDP;
		udp->dst_port = rte_cpu_to_be_16(EW_VXLAN_PORT);
		vx[0] = 0x08;				/* I flag: VNI valid */
		vx[4] = (uint8_t)(t->id >> 16);
		vx[5] = (uint8_t)(t->id >> 8);
		vx[6] = (uint8_t)t->id;
		in->src_addr = wan->mac;		/* our MAC inside the overlay */
		in->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		t->tpl_len = EW_VXLAN_HDR_LEN;
	} else {
		uint8_t *gre = (uint8_t *)(ip + 1);

		ip->next_proto_id = IPPROTO_GRE;
		gre[0] = 0x20;				/* K: key present */
		gre[2] = 0x08;				/* protocol 0x0800 */
		gre[4] = (uint8_t)(t->id >> 24);
		gre[5] = (uint8_t)(t->id >> 16);
		gre[6] = (uint8_t)(t->id >> 8);
		gre[7] = (uint8_t)t->id;
		t->tpl_len = EW_GRE_HDR_LEN;
	}
	/* Sum with total length and TOS zero; ew_encap adds them per packet. */
	t->ip_cksum_base = ew_cksum_fold(rte_raw_cksum(ip, sizeof(*ip)));
}
