/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker: run to completion over bursts. LAN packets are classified,
 * routed in their class's overlay and encapsulated towards a tunnel
 * (encap.h); WAN packets are validated against the tunnel table,
 * decapsulated (decap.h) and routed to the LAN. Anything that needs state
 * or a reply (ARP, packets for us, unresolved next hops, ICMP errors,
 * fragmentation) is punted to the control thread. No locks, no atomics
 * beyond plain loads, no allocation. The lcore's loop is in loop.c.
 */

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "fastpath/decap.h"
#include "fastpath/encap.h"
#include "fastpath/neigh.h"
#include "fastpath/pkt.h"
#include "fastpath/pmtu.h"
#include "fastpath/reasm.h"
#include "fastpath/worker.h"

#define PREFETCH_AHEAD 3

static inline void
drop(struct ew_worker *w, struct rte_mbuf *m, unsigned int ifx, enum ew_drop r)
{
	w->st->drop[r]++;
	w->st->port[ifx].drops++;
	rte_pktmbuf_free(m);
}

static bool punt(struct ew_worker *w, struct rte_mbuf *m, uint8_t reason,
		unsigned int ifx, uint16_t tun_slot, uint16_t arg, uint32_t nh);

/* Drop M under reason R, and hand it to the control thread to answer its
 * source with ICMP TYPE/CODE (MTU for "fragmentation needed"). */
static inline void
drop_icmp(struct ew_worker *w, struct rte_mbuf *m, unsigned int ifx,
		enum ew_drop r, uint16_t tun_slot, uint8_t type, uint8_t code,
		uint32_t mtu)
{
	w->st->drop[r]++;
	w->st->port[ifx].drops++;
	punt(w, m, EW_PUNT_ICMP_ERR, ifx, tun_slot, (uint16_t)(type << 8 | code), mtu);
}

/* Clamp the MSS of a TCP SYN in IP (LEN bytes from the IP header). */
static inline void
mss_clamp(struct rte_ipv4_hdr *ip, uint32_t len, uint16_t mss)
{
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u;

	if (mss != 0 && ip->next_proto_id == IPPROTO_TCP &&
			!ew_ip_is_fragment(ip) && len > ihl)
		ew_tcp_mss_clamp((uint8_t *)ip + ihl, len - ihl, mss);
}

static void
punt_flush(struct ew_worker *w)
{
	unsigned int sent;

	if (w->n_punt == 0)
		return;
	sent = rte_ring_sp_enqueue_burst(w->dp->punt[w->idx], (void **)w->punt,
			w->n_punt, NULL);
	w->st->punted += sent;
	if (unlikely(sent < w->n_punt)) {
		w->st->drop[EW_DROP_PUNT_FULL] += w->n_punt - sent;
		rte_pktmbuf_free_bulk(&w->punt[sent], w->n_punt - sent);
	}
	w->n_punt = 0;
}

/* May one more packet of class CL from interface IFX go to the control
 * thread now? GCRA on the burst's TSC: no atomics, no extra rdtsc. The
 * classes of what comes through a tunnel are kept per tunnel, by its
 * slot TUN_SLOT. */
static inline bool
police(struct ew_worker *w, unsigned int cl, unsigned int ifx, uint16_t tun_slot)
{
	/* the row of w->pol_tun of a per-tunnel class, -1 for the others */
	static const int8_t tun_row[EW_POL_MAX] = {
		[EW_POL_ARP] = -1, [EW_POL_LOCAL] = -1, [EW_POL_NEXTHOP] = -1,
		[EW_POL_ICMP] = -1, [EW_POL_FRAG] = -1,
		[EW_POL_OVERLAY] = 0, [EW_POL_PROBE] = 1, [EW_POL_OV_ARP] = 2,
	};
	uint64_t now = w->rx_tsc, *tat, next;

	if (tun_row[cl] >= 0 && tun_slot < EW_MAX_TUNNELS)
		tat = &w->pol_tun[tun_row[cl]][tun_slot];
	else
		tat = &w->pol_tat[cl][ifx];
	next = *tat > now ? *tat : now;

	if (next - now > w->pol_tol[cl])
		return false;
	*tat = next + w->pol_cost[cl];
	return true;
}

static const uint8_t punt_class[] = {
	[EW_PUNT_ARP] = EW_POL_ARP,
	[EW_PUNT_LOCAL] = EW_POL_LOCAL,
	[EW_PUNT_OV_ARP] = EW_POL_OV_ARP,
	[EW_PUNT_OV_LOCAL] = EW_POL_OVERLAY,
	[EW_PUNT_NH_TUN] = EW_POL_NEXTHOP,
	[EW_PUNT_NH_PORT] = EW_POL_NEXTHOP,
	[EW_PUNT_ICMP_ERR] = EW_POL_ICMP,
	[EW_PUNT_FRAG] = EW_POL_FRAG,
	[EW_PUNT_FRAG_PORT] = EW_POL_FRAG,
};

/* Hand M, which arrived on port IN, to the control thread as a punt of
 * REASON about port IFX, policed as class CL. Returns false when it was
 * policed (freed, and counted as a drop of IN). */
static bool
punt_in(struct ew_worker *w, struct rte_mbuf *m, unsigned int cl,
		uint8_t reason, unsigned int ifx, unsigned int in, uint16_t tun_slot,
		uint16_t arg, uint32_t nh)
{
	struct ew_meta *mt;

	if (unlikely(!police(w, cl, ifx, tun_slot))) {
		w->st->drop[EW_DROP_POLICE_ARP + cl]++;
		/* an ICMP error's packet is already counted as dropped */
		if (reason != EW_PUNT_ICMP_ERR)
			w->st->port[in].drops++;
		rte_pktmbuf_free(m);
		return false;
	}
	mt = ew_meta(m);

	mt->reason = reason;
	mt->ifx = (uint8_t)ifx;
	mt->tun_slot = tun_slot;
	mt->arg = arg;
	mt->nh = nh;
	mt->tos = 0;
	mt->flags = 0;
	mt->tsc = w->rx_tsc;
	if (unlikely(w->n_punt == RTE_DIM(w->punt)))
		punt_flush(w);
	w->punt[w->n_punt++] = m;
	return true;
}

static bool
punt(struct ew_worker *w, struct rte_mbuf *m, uint8_t reason, unsigned int ifx,
		uint16_t tun_slot, uint16_t arg, uint32_t nh)
{
	RTE_BUILD_BUG_ON(RTE_DIM(punt_class) != EW_PUNT_MAX);
	return punt_in(w, m, punt_class[reason], reason, ifx, ifx, tun_slot, arg, nh);
}

/* Data at an IPv4 packet for us from a tunnel: a probe (ours or the
 * peer's, ICMP or STAMP) rather than anything else? */
static inline bool
is_probe(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
	const uint8_t *l4 = (const uint8_t *)ip + ihl;
	uint16_t sport, dport, id;

	if (ew_ip_is_fragment(ip) || len < ihl + 8)
		return false;
	if (ip->next_proto_id == IPPROTO_UDP) {
		sport = (uint16_t)(l4[0] << 8 | l4[1]);
		dport = (uint16_t)(l4[2] << 8 | l4[3]);
		return dport == EW_STAMP_PORT ||
				(sport == EW_STAMP_PORT && dport == EW_STAMP_SENDER_PORT);
	}
	id = (uint16_t)(l4[4] << 8 | l4[5]);
	return ip->next_proto_id == IPPROTO_ICMP && id == EW_PROBE_ID &&
			(l4[0] == RTE_IP_ICMP_ECHO_REQUEST ||
			 l4[0] == RTE_IP_ICMP_ECHO_REPLY);
}

static void
tx_flush_one(struct ew_worker *w, const struct ew_tables *t, unsigned int ifx)
{
	struct ew_txbuf *b = &w->tx[ifx];
	uint16_t sent;

	if (b->n == 0)
		return;
	sent = rte_eth_tx_burst(t->ports[ifx].port_id, (uint16_t)w->idx,
			b->m, b->n);
	if (unlikely(sent < b->n)) {
		uint16_t i;

		for (i = sent; i < b->n; i++)
			w->st->port[ifx].tx_bytes -= rte_pktmbuf_pkt_len(b->m[i]);
		w->st->port[ifx].tx_packets -= b->n - sent;
		w->st->drop[EW_DROP_TX_FULL] += b->n - sent;
		w->st->port[ifx].drops += b->n - sent;
		rte_pktmbuf_free_bulk(&b->m[sent], b->n - sent);
	}
	b->n = 0;
}

static inline void
tx(struct ew_worker *w, const struct ew_tables *t, unsigned int ifx,
		struct rte_mbuf *m)
{
	struct ew_txbuf *b = &w->tx[ifx];

	if (unlikely(b->n == RTE_DIM(b->m)))
		tx_flush_one(w, t, ifx);
	w->st->port[ifx].tx_packets++;
	w->st->port[ifx].tx_bytes += rte_pktmbuf_pkt_len(m);
	b->m[b->n++] = m;
}

static void lan_flush(struct ew_worker *w, const struct ew_tables *t);

void
ew_worker_flush(struct ew_worker *w, const struct ew_tables *t)
{
	unsigned int i;

	lan_flush(w, t);
	for (i = 0; i < t->n_ports; i++)
		tx_flush_one(w, t, i);
	punt_flush(w);
}

/*
 * Strip an 802.1Q priority tag (VLAN 0) and return the ethertype, or -1
 * (dropped) for other VLANs and runts. Data stays at the Ethernet header.
 */
static inline int
l2_parse(struct ew_worker *w, struct rte_mbuf *m, unsigned int ifx)
{
	struct rte_ether_hdr *eth;
	uint16_t type;

	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
		drop(w, m, ifx, EW_DROP_RUNT);
		return -1;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	type = rte_be_to_cpu_16(eth->ether_type);
	if (unlikely(type == RTE_ETHER_TYPE_VLAN)) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 4) {
			drop(w, m, ifx, EW_DROP_RUNT);
			return -1;
		}
		if ((rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != 0) {
			drop(w, m, ifx, EW_DROP_VLAN);
			return -1;
		}
		type = rte_be_to_cpu_16(vh->eth_proto);
		memmove((uint8_t *)eth + 4, eth, 2 * RTE_ETHER_ADDR_LEN);
		rte_pktmbuf_adj(m, 4);
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		eth->ether_type = rte_cpu_to_be_16(type);
	}
	return type;
}

/* Data at IPv4: validate, trim Ethernet padding. Returns the header or NULL
 * (dropped). */
static inline struct rte_ipv4_hdr *
ip_parse(struct ew_worker *w, struct rte_mbuf *m, unsigned int ifx)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint16_t tot;
	int r;

	/* one segment (process_one): data_len is the whole frame */
	r = ew_ipv4_check(ip, len);
	if (unlikely(r >= 0)) {
		/* the af_packet ring's copy of a reassembled datagram: the
		 * control thread forwards the socket's whole copy */
		if (r == EW_DROP_IP_LENGTH && w->dp->afp_snap[ifx] != 0 &&
				len + RTE_ETHER_HDR_LEN == w->dp->afp_snap[ifx])
			r = EW_DROP_AFP_CUT;
		drop(w, m, ifx, (enum ew_drop)r);
		return NULL;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (rte_pktmbuf_pkt_len(m) > tot)
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - tot));
	if (unlikely(ew_ip_bad_src(rte_be_to_cpu_32(ip->src_addr)))) {
		drop(w, m, ifx, EW_DROP_IP_SRC);
		return NULL;
	}
	return ip;
}

/* Forward an IPv4 packet (data at IP, TTL checked) out of LAN interface
 * OUT to next hop NH. TUN_SLOT is the tunnel it came out of (EW_TUN_NONE from
 * the LAN): an ICMP error goes back that way. */
static inline void
lan_out(struct ew_worker *w, const struct ew_tables *t, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, unsigned int in_ifx, unsigned int v,
		uint32_t dst, uint16_t tun_slot)
{
	const struct ew_lan_nh *lnh = &t->lan_nh[v];
	unsigned int out = lnh->ifx;
	uint32_t nh = lnh->via ? lnh->via : dst;
	uint64_t l2 = __atomic_load_n(&t->lan_l2[v], __ATOMIC_RELAXED);
	struct rte_ether_addr mac;
	struct rte_ether_hdr *eth;

	/* the LAN's MTU may be below the overlay's (jumbo WAN) or another
	 * LAN's: frag needed with DF, else fragmented by the control thread */
	if (unlikely(rte_be_to_cpu_16(ip->total_length) > t->ports[out].mtu)) {
		if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
			drop_icmp(w, m, in_ifx, EW_DROP_MTU, tun_slot, 3, 4,
					t->ports[out].mtu);
			return;
		}
		ew_ip_ttl_dec(ip);
		punt_in(w, m, EW_POL_FRAG, EW_PUNT_FRAG_PORT, out, in_ifx,
				EW_TUN_NONE, 0, nh);
		return;
	}
	ew_ip_ttl_dec(ip);
	if (likely(l2 & EW_L2_VALID)) {
		ew_l2_mac(l2, &mac);	/* a route's via, resolved */
	} else if (unlikely(ew_neigh_get(w->dp->neigh, out, nh, &mac) != 0)) {
		punt_in(w, m, EW_POL_NEXTHOP, EW_PUNT_NH_PORT, out, in_ifx,
				EW_TUN_NONE, 0, nh);
		return;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	if (unlikely(eth == NULL)) {
		drop(w, m, in_ifx, EW_DROP_NO_MBUF);
		return;
	}
	eth->dst_addr = mac;
	eth->src_addr = t->ports[out].mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	tx(w, t, out, m);
}

/*
 * LAN, stage 1: parse and validate; local, LAN-routed and exceptional
 * packets are finished here. Packets for the overlay are queued with their
 * ACL key; stage 2 runs after one ACL search for the whole burst.
 */
static inline void
lan_ipv4(struct ew_worker *w, const struct ew_tables *t, struct rte_mbuf *m,
		unsigned int ifx)
{
	struct rte_ipv4_hdr *ip;
	uint32_t src, dst, v, u, ihl, len, lan = 0;
	uint16_t sport = 0, dport = 0;
	unsigned int n;
	bool near;
	int l;

	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	ip = ip_parse(w, m, ifx);
	if (ip == NULL)
		return;
	/* our own address as the source: a spoof that can start loops
	 * between sites (STAMP reflectors answering each other) */
	src = rte_be_to_cpu_32(ip->src_addr);
	if (unlikely(ew_tables_src_is_own(t, ifx, src))) {
		drop(w, m, ifx, EW_DROP_LAN_SPOOF_SELF);
		return;
	}
	dst = rte_be_to_cpu_32(ip->dst_addr);
	/* most LAN traffic leaves by an overlay: one bit rules out both
	 * lookups for destinations in no /8 we have an address or route in */
	near = ew_tables_near(t, dst);
	if (unlikely(near && ew_tables_is_local(t, dst))) {
		punt(w, m, EW_PUNT_LOCAL, ifx, EW_TUN_NONE, 0, 0);
		return;
	}
	if (unlikely(ew_ip_bad_dst(dst))) {
		drop(w, m, ifx, EW_DROP_IP_DST);
		return;
	}
	if (unlikely(ip->time_to_live <= 1)) {
		drop_icmp(w, m, ifx, EW_DROP_TTL, EW_TUN_NONE, 11, 0, 0);
		return;
	}
	/* longest match across the tables (RFC 1812 5.2.4.3): a LAN route
	 * wins unless an overlay has a longer one; when one may, the class's
	 * overlay decides in stage 2 (ties go to the LAN) */
	if (near && (l = ew_lpm_match(&t->lan, dst, &v)) >= 0) {
		if (likely(!t->lan_nh[v].ov_inside) ||
				ew_lpm_match(&t->ov_any, dst, &u) <= l) {
			lan_out(w, t, m, ip, ifx, v, dst, EW_TUN_NONE);
			return;
		}
		lan = v << 6 | (uint32_t)(l + 1);
	}
	ihl = (ip->version_ihl & 0xf) * 4u;
	len = rte_pktmbuf_data_len(m);
	/* SCTP has its ports in the same place; classes may match them */
	if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP ||
			ip->next_proto_id == IPPROTO_SCTP) &&
			!ew_ip_is_fragment(ip) && len >= ihl + 4) {
		const uint8_t *l4 = (const uint8_t *)ip + ihl;

		memcpy(&sport, l4, 2);
		memcpy(&dport, l4 + 2, 2);
	}
	n = w->n_pend++;
	w->pend[n] = m;
	w->pend_ifx[n] = (uint8_t)ifx;
	w->pend_lan[n] = lan;
	ew_acl_key_set(&w->keys[n], ifx, ip->next_proto_id, ip->src_addr,
			ip->dst_addr, sport, dport, ip->type_of_service >> 2);
	w->keyp[n] = &w->keys[n];
}

/* Stage 2 for a packet a LAN route matched too (LAN: pend_lan): the
 * tunnel of its class's overlay when that overlay's prefix is longer;
 * else it leaves by the LAN route (-2). Out of line: stage 2 stays small. */
static __rte_noinline int
lan_or_overlay(struct ew_worker *w, const struct ew_tables *t,
		struct rte_mbuf *m, unsigned int ifx, const struct ew_class *cl,
		uint32_t hash, uint32_t lan)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	int plen = -1, tun = ew_route_class_len(t, cl, dst, hash, &plen);

	if (tun >= 0 && plen >= (int)(lan & 63))
		return tun;
	lan_out(w, t, m, ip, ifx, lan >> 6, dst, EW_TUN_NONE);
	return -2;
}

/* LAN, stage 2: class CL's overlay, MTU, MSS, TTL, encapsulation. LAN:
 * a LAN route that matched too (pend_lan), which wins unless the
 * overlay's prefix is longer. */
static inline void
lan_overlay(struct ew_worker *w, const struct ew_tables *t, struct rte_mbuf *m,
		unsigned int ifx, const struct ew_class *cl, uint32_t lan)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m), hash;
	const struct ew_tunnel *tu;
	struct rte_ether_addr nh_mac, peer_mac;
	uint64_t l2a, l2b, mw;
	int tun;

	hash = ew_flow_hash(ip, len);
	if (likely(lan == 0))
		tun = ew_route_class(t, cl, rte_be_to_cpu_32(ip->dst_addr), hash);
	else if ((tun = lan_or_overlay(w, t, m, ifx, cl, hash, lan)) == -2)
		return;
	if (unlikely(tun < 0)) {
		w->st->cls[cl->slot].drops++;
		drop_icmp(w, m, ifx, EW_DROP_NO_ROUTE, EW_TUN_NONE, 3, 0, 0);
		return;
	}
	w->st->cls[cl->slot].packets++;
	w->st->cls[cl->slot].bytes += len;
	tu = &t->tun[tun];
	/* the overlay's MTU, or less when the underlay path needs it */
	mw = __atomic_load_n(&t->tun_mtu[tun], __ATOMIC_RELAXED);
	if (unlikely(rte_be_to_cpu_16(ip->total_length) > ew_pmtu_inner(mw))) {
		if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
			drop_icmp(w, m, ifx, EW_DROP_MTU, EW_TUN_NONE, 3, 4,
					ew_pmtu_inner(mw));
			return;
		}
		ew_ip_ttl_dec(ip);
		if (punt(w, m, EW_PUNT_FRAG, ifx, tu->slot, 0, 0))
			ew_meta(m)->tos = (uint8_t)(cl->dscp << 2);
		return;
	}
	mss_clamp(ip, len, ew_pmtu_mss(mw));
	ew_ip_ttl_dec(ip);

	l2a = __atomic_load_n(&t->tun_l2[2 * tun], __ATOMIC_RELAXED);
	l2b = __atomic_load_n(&t->tun_l2[2 * tun + 1], __ATOMIC_RELAXED);
	if (likely(l2a & l2b & EW_L2_VALID)) {
		ew_l2_mac(l2a, &nh_mac);
		ew_l2_mac(l2b, &peer_mac);
	} else if (unlikely(ew_neigh_get(w->dp->neigh, tu->ifx, tu->nh, &nh_mac) != 0 ||
			(tu->encap == EW_ENCAP_VXLAN &&
			 ew_neigh_get(w->dp->neigh, EW_SCOPE_OV | tu->id, tu->peer,
					&peer_mac) != 0))) {
		if (punt(w, m, EW_PUNT_NH_TUN, ifx, tu->slot, 0, 0))
			ew_meta(m)->tos = (uint8_t)(cl->dscp << 2);
		return;
	}
	/* outer DSCP from the class, ECN copied from inside (RFC 6040) */
	if (unlikely(ew_encap(m, tu, &nh_mac, &peer_mac, hash,
			(uint8_t)(cl->dscp << 2 | (ip->type_of_service & 3))) != 0)) {
		drop(w, m, ifx, EW_DROP_NO_MBUF);
		return;
	}
	w->st->tunnel[tu->slot].tx_packets++;
	w->st->tunnel[tu->slot].tx_bytes += rte_pktmbuf_pkt_len(m);
	tx(w, t, tu->ifx, m);
}

/* One ACL search for every queued LAN packet, then stage 2 for each. */
static void
lan_flush(struct ew_worker *w, const struct ew_tables *t)
{
	unsigned int i, n = w->n_pend;

	if (n == 0)
		return;
	ew_classifier_burst(t->clf, w->keyp, w->pend_cls, n);
	w->n_pend = 0;
	for (i = 0; i < n; i++)
		lan_overlay(w, t, w->pend[i], w->pend_ifx[i],
				&t->classes[w->pend_cls[i]], w->pend_lan[i]);
}

/* A decapsulated inner IPv4 packet (data at inner IP) from tunnel TUN (its
 * index in t->tun), whose outer ECN field was OECN; BCAST: its frame went
 * to the broadcast MAC. Punts name the tunnel by its stable slot. */
static inline void
inner_ipv4(struct ew_worker *w, const struct ew_tables *t, struct rte_mbuf *m,
		unsigned int ifx, unsigned int tun, uint8_t oecn, bool bcast)
{
	uint16_t tun_slot = t->tun[tun].slot;
	struct rte_ipv4_hdr *ip;
	uint32_t dst, v;

	ip = ip_parse(w, m, ifx);
	if (ip == NULL)
		return;
	if (unlikely(oecn & 1) && ew_ecn_decap(ip, oecn) != 0) {
		drop(w, m, ifx, EW_DROP_ECN_NOT_ECT);
		return;
	}
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (ew_tables_is_local(t, dst)) {
		punt_in(w, m, is_probe(ip, rte_pktmbuf_data_len(m)) ?
				EW_POL_PROBE : EW_POL_OVERLAY,
				EW_PUNT_OV_LOCAL, ifx, ifx, tun_slot, 0, 0);
		return;
	}
	if (unlikely(ew_ip_bad_dst(dst))) {
		drop(w, m, ifx, EW_DROP_IP_DST);
		return;
	}
	/* a link broadcast with a unicast destination: neither routed nor
	 * answered (RFC 1812 5.3.4, 4.3.2.7), as the kernel does */
	if (unlikely(bcast)) {
		drop(w, m, ifx, EW_DROP_INNER_L2_BCAST);
		return;
	}
	if (unlikely(ip->time_to_live <= 1)) {
		drop_icmp(w, m, ifx, EW_DROP_TTL, tun_slot, 11, 0, 0);
		return;
	}
	if (unlikely(ew_lpm_lookup(&t->lan, dst, &v) != 0)) {
		drop_icmp(w, m, ifx, EW_DROP_LAN_NO_ROUTE, tun_slot, 3, 0, 0);
		return;
	}
	/* clamp SYNs coming out of the overlay too, so the LAN host's
	 * segments towards the overlay fit without a PMTU round trip */
	mss_clamp(ip, rte_pktmbuf_data_len(m),
			ew_pmtu_mss(__atomic_load_n(&t->tun_mtu[tun], __ATOMIC_RELAXED)));
	lan_out(w, t, m, ip, ifx, v, dst, tun_slot);
}

/* WAN: a packet for our WAN address. ICMP is for the control thread; the
 * rest must come through one of this WAN's tunnels (decap.h), which counts
 * it once it is known, whatever becomes of it. */
static inline void
wan_ipv4(struct ew_worker *w, const struct ew_tables *t, struct rte_mbuf *m,
		unsigned int ifx)
{
	struct rte_ipv4_hdr *ip;
	uint32_t len;
	uint8_t oecn;
	int r, tun;

	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	ip = ip_parse(w, m, ifx);
	if (ip == NULL)
		return;
	if (unlikely(rte_be_to_cpu_32(ip->dst_addr) != t->ports[ifx].addr)) {
		drop(w, m, ifx, EW_DROP_WAN_NOT_LOCAL);
		return;
	}
	if (ip->next_proto_id == IPPROTO_ICMP) {
		punt(w, m, EW_PUNT_LOCAL, ifx, EW_TUN_NONE, 0, 0);
		return;
	}
	if (unlikely(ew_ip_is_fragment(ip))) {
		m = ew_reasm_outer(w, t, m, ifx);	/* df: clear tunnels */
		if (m == NULL)
			return;
		/* the datagram is a new (linear) packet: its fragments'
		 * other buffers are freed */
		ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	}
	len = rte_pktmbuf_data_len(m);
	oecn = ip->type_of_service & 3;
	r = ew_decap(t, m, ifx, &tun);
	if (tun >= 0) {
		w->st->tunnel[t->tun[tun].slot].rx_packets++;
		w->st->tunnel[t->tun[tun].slot].rx_bytes += len;
	}
	if (likely(r == EW_DECAP_IPV4 || r == EW_DECAP_IPV4_BCAST))
		inner_ipv4(w, t, m, ifx, (unsigned int)tun, oecn,
				r == EW_DECAP_IPV4_BCAST);
	else if (r == EW_DECAP_ARP)
		punt(w, m, EW_PUNT_OV_ARP, ifx, t->tun[tun].slot, 0, 0);
	else
		drop(w, m, ifx, (enum ew_drop)r);
}

static inline void
process_one(struct ew_worker *w, const struct ew_tables *t, unsigned int ifx,
		struct rte_mbuf *m)
{
	const struct ew_port *p = &t->ports[ifx];
	const struct rte_ether_hdr *eth;
	int type;

	w->st->port[ifx].rx_packets++;
	w->st->port[ifx].rx_bytes += rte_pktmbuf_pkt_len(m);
	/* Buffers hold a whole frame of the largest MTU, so PMDs hand over
	 * one segment; one that chains anyway (pcap, some scatter paths) is
	 * made whole here, by copying into the first segment's tailroom,
	 * before any header is read. What cannot fit is longer than the
	 * MTU: dropped. Everything after this point sees one segment. */
	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) != 0) {
		drop(w, m, ifx, EW_DROP_OVERSIZE);
		return;
	}
	type = l2_parse(w, m, ifx);
	if (type < 0)
		return;
	if (type == RTE_ETHER_TYPE_ARP) {
		punt(w, m, EW_PUNT_ARP, ifx, EW_TUN_NONE, 0, 0);
		return;
	}
	if (type != RTE_ETHER_TYPE_IPV4) {
		drop(w, m, ifx, EW_DROP_L2_PROTO);
		return;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, &p->mac))) {
		drop(w, m, ifx, EW_DROP_L2_NOT_US);
		return;
	}
	if (p->role == EW_ROLE_LAN)
		lan_ipv4(w, t, m, ifx);
	else
		wan_ipv4(w, t, m, ifx);
}

void
ew_worker_rx(struct ew_worker *w, const struct ew_tables *t, unsigned int ifx,
		struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		process_one(w, t, ifx, pkts[i]);
		if (unlikely(w->n_pend == RTE_DIM(w->pend)))
			lan_flush(w, t);
	}
	lan_flush(w, t);
}

void
ew_worker_init(struct ew_worker *w, struct ew_dp *dp, unsigned int idx,
		struct ew_lcore_stats *st)
{
	static const uint32_t rate[EW_POL_MAX] = EW_POL_RATES;
	static const uint32_t burst[EW_POL_MAX] = EW_POL_BURSTS;
	uint64_t hz = rte_get_tsc_hz();
	unsigned int i;

	RTE_BUILD_BUG_ON(EW_DROP_POLICE_OV_ARP - EW_DROP_POLICE_ARP !=
			EW_POL_OV_ARP - EW_POL_ARP);
	memset(w, 0, sizeof(*w));
	w->dp = dp;
	w->idx = idx;
	w->st = st;
	for (i = 0; i < EW_POL_MAX; i++) {
		w->pol_cost[i] = hz / rate[i];
		w->pol_tol[i] = w->pol_cost[i] * (burst[i] - 1);
	}
	ew_reasm_init(w);	/* without it, outer fragments are dropped */
}

/* For the loop's control rings (loop.c): into IFX's transmit buffer. */
void
ew_worker_tx(struct ew_worker *w, const struct ew_tables *t, unsigned int ifx,
		struct rte_mbuf *m)
{
	tx(w, t, ifx, m);
}
