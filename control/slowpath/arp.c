/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP on LAN/WAN ports and inside VXLAN overlays: answer requests for our
 * addresses (learning the asker), take replies to our requests (checks
 * against spoofing and poisoning are here and in ew_sp_learn()), and build
 * the requests neigh.c asks for. Overlay ARP frames travel encapsulated
 * towards the tunnel's peer, after the underlay next hop is resolved.
 */
#include <string.h>

#include <rte_arp.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/encap.h"

static struct rte_mbuf *
arp_build(struct ew_sp *sp, uint16_t op, const struct rte_ether_addr *sha,
		uint32_t sip, const struct rte_ether_addr *tha, uint32_t tip,
		const struct rte_ether_addr *eth_dst, bool with_eth)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sp->dp->mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (m == NULL) {
		sp->st->drop[EW_DROP_NO_MBUF]++;
		return NULL;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			sizeof(*eth) + sizeof(*a));
	eth->dst_addr = *eth_dst;
	eth->src_addr = *sha;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	a->arp_data.arp_tha = *tha;
	a->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	if (!with_eth)
		rte_pktmbuf_adj(m, sizeof(*eth));
	return m;
}

/* Send an ARP frame (data at inner Ethernet) inside VXLAN tunnel TXI. */
void
ew_sp_ov_send_arp(struct ew_sp *sp, struct rte_mbuf *m, unsigned int tun,
		const struct rte_ether_addr *inner_dst)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	const struct rte_ether_addr *nh;
	struct rte_ether_addr nh_mac;
	uint8_t *h;

	nh = ew_sp_resolve(sp, tu->ifx, tu->nh, NULL);
	if (nh == NULL) {
		/* underlay not resolved yet: wait for it like any packet;
		 * ew_sp_output() sends it on when the gateway answers */
		ew_meta(m)->reason = EW_PUNT_OV_ARP;
		ew_meta(m)->tun_slot = tu->slot;
		ew_sp_resolve(sp, tu->ifx, tu->nh, m);
		return;
	}
	nh_mac = *nh;
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);	/* template brings inner Ethernet */
	if (ew_encap(m, tu, &nh_mac, inner_dst, tu->peer, 0) != 0) {
		ew_sp_drop(sp, m, EW_DROP_NO_MBUF);
		return;
	}
	h = rte_pktmbuf_mtod(m, uint8_t *);
	h[tu->tpl_len - 2] = RTE_ETHER_TYPE_ARP >> 8;
	h[tu->tpl_len - 1] = RTE_ETHER_TYPE_ARP & 0xff;
	sp->st->tunnel[tu->slot].tx_packets++;
	sp->st->tunnel[tu->slot].tx_bytes += rte_pktmbuf_pkt_len(m);
	ew_sp_send_l2(sp, tu->ifx, m);
}

static int
tunnel_for_peer(const struct ew_tables *t, uint32_t id, uint32_t peer)
{
	unsigned int i;

	for (i = 0; i < t->n_tunnels; i++)
		if (t->tun[i].encap == EW_ENCAP_VXLAN && t->tun[i].id == id &&
				t->tun[i].peer == peer)
			return (int)i;
	return -1;
}

/* Ask for E's MAC: a broadcast request out of its port, or inside its
 * overlay once the underlay next hop is known. */
void
ew_sp_arp_request(struct ew_sp *sp, struct ew_nent *e)
{
	static const struct rte_ether_addr zero, bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	const struct ew_tables *t = sp->t;
	struct rte_mbuf *m;

	e->asked = true;
	if (e->scope & EW_SCOPE_OV) {
		int tun = tunnel_for_peer(t, e->scope & ~EW_SCOPE_OV, e->ip);
		const struct ew_tunnel *tu;

		if (tun < 0)
			return;
		tu = &t->tun[tun];
		/* inside the overlay needs the underlay first: ask for it and
		 * come back when it answers (ew_sp_learn() kicks us) */
		e->waiting_ul = ew_sp_resolve(sp, tu->ifx, tu->nh, NULL) == NULL;
		if (e->waiting_ul)
			return;
		m = arp_build(sp, RTE_ARP_OP_REQUEST, &t->ports[tu->ifx].mac,
				t->ov[tu->ox].addr, &zero, e->ip, &bcast, true);
		if (m != NULL)
			ew_sp_ov_send_arp(sp, m, (unsigned int)tun, &bcast);
		return;
	}
	if (e->scope >= t->n_ports)
		return;
	m = arp_build(sp, RTE_ARP_OP_REQUEST, &t->ports[e->scope].mac,
			t->ports[e->scope].addr, &zero, e->ip, &bcast, true);
	if (m != NULL)
		ew_sp_send_l2(sp, e->scope, m);
}

/* Pinned entry E (on a port) was announced with a new MAC: ask its old
 * MAC, unicast, whether it still has the address (ew_sp_learn() refuses
 * the move if it answers in time). */
void
ew_sp_arp_probe_old(struct ew_sp *sp, const struct ew_nent *e)
{
	const struct ew_tables *t = sp->t;
	struct rte_mbuf *m;

	if (e->scope >= t->n_ports)
		return;
	m = arp_build(sp, RTE_ARP_OP_REQUEST, &t->ports[e->scope].mac,
			t->ports[e->scope].addr, &e->mac, e->ip, &e->mac, true);
	if (m != NULL)
		ew_sp_send_l2(sp, e->scope, m);
}

/* ARP payload A, arriving on port IFX (TXI == EW_TUN_NONE) or inside VXLAN
 * tunnel TXI. M is reused for the reply. */
void
ew_sp_arp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun)
{
	const struct ew_tables *t = sp->t;
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;
	struct rte_ether_addr sha, our_mac;
	uint32_t sip, tip, our_ip, scope;
	unsigned int follow = 0;
	uint16_t op;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*a)) {
		ew_sp_drop(sp, m, EW_DROP_ARP_BAD);
		return;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = (struct rte_arp_hdr *)(eth + 1);
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
			a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
			a->arp_hlen != 6 || a->arp_plen != 4) {
		ew_sp_drop(sp, m, EW_DROP_ARP_BAD);
		return;
	}
	op = rte_be_to_cpu_16(a->arp_opcode);
	sha = a->arp_data.arp_sha;
	sip = rte_be_to_cpu_32(a->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(a->arp_data.arp_tip);
	if (tun != EW_TUN_NONE) {
		const struct ew_tunnel *tu = &t->tun[tun];

		our_ip = t->ov[tu->ox].addr;
		our_mac = t->ports[tu->ifx].mac;
		scope = EW_SCOPE_OV | tu->id;
		if (sip != tu->peer) {	/* only the tunnel's peer lives there */
			ew_sp_drop(sp, m, EW_DROP_ARP_BAD);
			return;
		}
	} else {
		our_ip = t->ports[ifx].addr;
		our_mac = t->ports[ifx].mac;
		scope = ifx;
		if (((sip ^ our_ip) & ew_prefix_mask(t->ports[ifx].plen)) != 0) {
			ew_sp_drop(sp, m, EW_DROP_ARP_BAD);	/* sender off-link */
			return;
		}
		/* normal mode follows a known host's new MAC in a gratuitous
		 * ARP (request or reply) or in its request, as hosts do */
		if ((op == RTE_ARP_OP_REQUEST || sip == tip) &&
				(ifx >= t->cfg->n_ifaces ||
				 t->cfg->ifaces[ifx].arp == EW_ARP_NORMAL))
			follow = EW_LEARN_FOLLOW;
	}
	if (rte_is_multicast_ether_addr(&sha) || rte_is_zero_ether_addr(&sha) ||
			sip == our_ip) {
		ew_sp_drop(sp, m, EW_DROP_ARP_BAD);
		return;
	}
	if (op == RTE_ARP_OP_REQUEST && tip == our_ip) {
		/* RFC 826: the asker is a neighbour worth knowing */
		if (sip != 0)
			ew_sp_learn(sp, scope, sip, &sha, EW_LEARN_CREATE | follow);
		a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
		a->arp_data.arp_tha = sha;
		a->arp_data.arp_tip = a->arp_data.arp_sip;
		a->arp_data.arp_sha = our_mac;
		a->arp_data.arp_sip = rte_cpu_to_be_32(our_ip);
		eth->dst_addr = sha;
		eth->src_addr = our_mac;
		if (tun != EW_TUN_NONE)
			ew_sp_ov_send_arp(sp, m, tun, &sha);
		else
			ew_sp_send_l2(sp, ifx, m);
		return;
	}
	if (op == RTE_ARP_OP_REPLY && tip == our_ip)
		ew_sp_learn(sp, scope, sip, &sha, follow);
	else if (sip != 0)	/* refresh only if asked, or follow */
		ew_sp_learn(sp, scope, sip, &sha, follow);
	rte_pktmbuf_free(m);
}
