/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel path MTU discovery (RFC 1191 on the underlay; towards the LAN,
 * RFC 4459 section 3.2 style). An ICMP "fragmentation needed" that
 * arrives on a WAN is believed only when the header it quotes is one of
 * our tunnels' (fastpath/pmtu.c); the tunnel's path MTU is then lowered
 * (never below EW_PMTU_MIN) and published to the workers in the tunnel's
 * MTU word, from which they answer LAN senders of DF packets with frag
 * needed, fragment DF-clear ones and clamp SYNs. A lowered path MTU goes
 * back to the WAN's MTU after EW_PMTU_AGE_MS (RFC 1191 section 6).
 * State is kept by tunnel slot, so it survives reloads that keep the
 * tunnel's WAN and remote.
 */
#include <rte_icmp.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/pmtu.h"

/* What slot SLOT's tunnel learnt, if it is still that tunnel and not
 * expired; 0 = nothing (the WAN's MTU). */
static uint16_t
learnt(struct ew_sp *sp, const struct ew_tunnel *tu)
{
	struct ew_sp_pmtu *p = &sp->pmtu[tu->slot];

	if (p->pmtu == 0)
		return 0;
	if (p->remote != tu->remote || p->ifx != tu->ifx ||
			p->expire_ms <= sp->now_ms) {
		if (p->expire_ms <= sp->now_ms)
			SP_LOG(INFO, "tunnel %s: path MTU %u aged out, back to %u\n",
					tu->name, p->pmtu,
					sp->t->ports[tu->ifx].mtu);
		p->pmtu = 0;
		return 0;
	}
	if (p->expire_ms < sp->pmtu_next_ms)
		sp->pmtu_next_ms = p->expire_ms;
	return p->pmtu;
}

/* Write every tunnel's MTU word from what is learnt (ageing it). */
void
ew_sp_pmtu_publish(struct ew_sp *sp)
{
	const struct ew_tables *t = sp->t;
	unsigned int i;
	uint16_t p;

	sp->pmtu_next_ms = UINT64_MAX;
	if (t == NULL || t->tun_mtu == NULL)
		return;
	for (i = 0; i < t->n_tunnels; i++) {
		p = learnt(sp, &t->tun[i]);
		if (p == 0 || p > t->ports[t->tun[i].ifx].mtu)
			p = t->ports[t->tun[i].ifx].mtu;
		__atomic_store_n(&t->tun_mtu[i], ew_pmtu_word(t, i, p),
				__ATOMIC_RELAXED);
	}
}

/* Periodic: age out path MTUs whose time is up. */
void
ew_sp_pmtu_tick(struct ew_sp *sp)
{
	if (sp->now_ms >= sp->pmtu_next_ms)
		ew_sp_pmtu_publish(sp);
}

/* Tunnel TUN's path is PMTU bytes (lower than it knew). */
static void
lower(struct ew_sp *sp, unsigned int tun, uint16_t pmtu)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	struct ew_sp_pmtu *p = &sp->pmtu[tu->slot];
	uint64_t w = ew_pmtu_word(sp->t, tun, pmtu);

	p->pmtu = pmtu;
	p->remote = tu->remote;
	p->ifx = (uint16_t)tu->ifx;
	p->expire_ms = sp->now_ms + EW_PMTU_AGE_MS;
	if (p->expire_ms < sp->pmtu_next_ms)
		sp->pmtu_next_ms = p->expire_ms;
	__atomic_store_n(&sp->t->tun_mtu[tun], w, __ATOMIC_RELAXED);
	SP_LOG(INFO, "tunnel %s: underlay path MTU %u, inner MTU %u\n",
			tu->name, pmtu, ew_pmtu_inner(w));
}

/*
 * The packet the underlay refused was one a LAN host sent with DF: when
 * the router quoted enough of it (RFC 1812 routers quote up to 576
 * bytes), tell that host now, with the tunnel's new inner MTU, rather
 * than leave its first packet lost without a word (RFC 4459 section 3.2).
 * M's data is at the ICMP's IPv4 header, Q (QLEN bytes) what it quotes.
 * Consumes M.
 */
static void
relay(struct ew_sp *sp, struct rte_mbuf *m, const uint8_t *q, uint32_t qlen,
		unsigned int tun)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	uint32_t off = (q[0] & 0xf) * 4u + (tu->encap == EW_ENCAP_VXLAN ?
			8 + 8 + RTE_ETHER_HDR_LEN : 8);
	const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(q + off);
	uint16_t mtu = ew_pmtu_inner(sp->t->tun_mtu[tun]);
	uint32_t v;

	if (qlen < off + sizeof(*in) + 8 || (in->version_ihl >> 4) != 4 ||
			(tu->encap == EW_ENCAP_VXLAN &&
			 (q[off - 2] << 8 | q[off - 1]) != RTE_ETHER_TYPE_IPV4) ||
			!(in->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) ||
			rte_be_to_cpu_16(in->total_length) <= mtu ||
			ew_lpm_lookup(&sp->t->lan, rte_be_to_cpu_32(in->src_addr), &v) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_adj(m, (uint16_t)(q + off - rte_pktmbuf_mtod(m, const uint8_t *)));
	ew_sp_icmp_error(sp, m, sp->t->lan_nh[v].ifx, EW_TUN_NONE, 3, 4, mtu);
}

/* Data at the IPv4 header of an ICMP frag needed that arrived on WAN IFX,
 * checksum checked: lower the path MTU of the tunnels it is about, or
 * count it as a spoof. */
void
ew_sp_pmtu_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)((const uint8_t *)ip + ihl);
	const uint8_t *q = (const uint8_t *)(ic + 1);
	uint32_t qlen = len - ihl - sizeof(*ic);
	uint16_t tuns[8], pmtu, cur;
	unsigned int n, i;

	n = ew_pmtu_quote_match(sp->t, ifx, q, qlen, tuns, RTE_DIM(tuns));
	if (n == 0) {
		ew_sp_drop(sp, m, EW_DROP_PMTU_SPOOF);
		return;
	}
	pmtu = ew_pmtu_learn(rte_be_to_cpu_16(ic->icmp_seq_nb),
			(uint16_t)(q[2] << 8 | q[3]));
	for (i = 0; i < n && pmtu != 0; i++) {
		cur = ew_pmtu_path(sp->t->tun_mtu[tuns[i]]);
		if (pmtu < cur)		/* only ever lowered here */
			lower(sp, tuns[i], pmtu);
	}
	if (pmtu != 0)
		relay(sp, m, q, qlen, tuns[0]);
	else
		rte_pktmbuf_free(m);
}
