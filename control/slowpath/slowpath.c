/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_udp.h>
#include <rte_ip_frag.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "control/slowpath/slowpath.h"
#include "fastpath/encap.h"
#include "fastpath/neigh.h"
#include "fastpath/pkt.h"

RTE_LOG_REGISTER_SUFFIX(ew_sp_logtype, slowpath, INFO);
#define SP_LOG(level, ...) \
	rte_log(RTE_LOG_##level, ew_sp_logtype, "slowpath: " __VA_ARGS__)

enum nstate {
	N_FREE = 0,
	N_INCOMPLETE,
	N_REACHABLE,
};

struct nent {
	uint32_t scope, ip;
	enum nstate state;
	bool pinned;			/* a tunnel needs it: never aged out */
	bool fixed;			/* static (config): ARP never changes it */
	bool asked;			/* we sent a request not yet answered */
	bool waiting_ul;		/* overlay: request waits for the underlay */
	uint8_t probes;
	uint8_t nq;
	struct rte_ether_addr mac;
	uint64_t confirmed_ms;
	uint64_t next_ms;
	int32_t next;			/* hash chain, or free list */
	struct rte_mbuf *q[EW_NEIGH_QLEN];
};

#define NHASH_SIZE (EW_NEIGH_MAX * 2)	/* chain heads, a power of 2 */
#define EW_NEIGH_EVICT_SAMPLE	64	/* entries looked at per eviction */

struct ew_sp {
	struct ew_dp *dp;
	ew_probe_cb probe_cb;
	void *probe_arg;
	uint64_t tsc_hz;
	struct ew_lcore_stats *st;
	const struct ew_tables *t;	/* current generation */
	uint64_t now_ms;
	bool l2_dirty;			/* tunnels' MAC cache needs a refresh */
	double icmp_tokens;
	uint64_t icmp_last_ms;
	unsigned int n_held;		/* packets held for ARP, all entries */
	unsigned int held_max;		/* min(EW_NEIGH_HOLD_MAX, mbufs / 16) */
	unsigned int n_ent;		/* entries ever used (ent[0..n_ent)) */
	unsigned int hand;		/* where eviction looks next (full table) */
	int32_t free_head;		/* released entries, by next */
	int32_t head[NHASH_SIZE];	/* (scope, ip) -> first entry, by next */
	struct nent ent[EW_NEIGH_MAX];
};

uint64_t
ew_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct ew_sp *
ew_sp_create(struct ew_dp *dp)
{
	struct ew_sp *sp = calloc(1, sizeof(*sp));

	if (sp == NULL)
		return NULL;
	sp->dp = dp;
	sp->free_head = -1;
	memset(sp->head, -1, sizeof(sp->head));
	sp->st = ew_dp_my_stats(dp);
	sp->now_ms = ew_now_ms();
	sp->icmp_tokens = EW_ICMP_RATE;
	sp->icmp_last_ms = sp->now_ms;
	sp->tsc_hz = rte_get_tsc_hz();
	/* a sweep of unresolved destinations must not empty the pool */
	sp->held_max = RTE_MIN(EW_NEIGH_HOLD_MAX, dp->mp->size / 16);
	return sp;
}

void
ew_sp_set_probe_cb(struct ew_sp *sp, ew_probe_cb cb, void *arg)
{
	sp->probe_cb = cb;
	sp->probe_arg = arg;
}

static void
ent_flush_queue(struct ew_sp *sp, struct nent *e)
{
	unsigned int i;

	for (i = 0; i < e->nq; i++) {
		sp->st->drop[EW_DROP_NEIGH_QUEUE]++;
		rte_pktmbuf_free(e->q[i]);
	}
	sp->n_held -= e->nq;
	e->nq = 0;
}

void
ew_sp_free(struct ew_sp *sp)
{
	unsigned int i;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->n_ent; i++)
		ent_flush_queue(sp, &sp->ent[i]);
	free(sp);
}

static void
drop(struct ew_sp *sp, struct rte_mbuf *m, enum ew_drop r)
{
	sp->st->drop[r]++;
	rte_pktmbuf_free(m);
}

/* ---- sending ---- */

static void
send_l2(struct ew_sp *sp, unsigned int ifx, struct rte_mbuf *m)
{
	/* counted as sent by the worker that transmits it */
	if (rte_ring_sp_enqueue(sp->dp->ctl_tx[ifx], m) != 0)
		drop(sp, m, EW_DROP_TX_FULL);
}

static inline uint32_t
ent_hash(uint32_t scope, uint32_t ip)
{
	uint64_t h = ((uint64_t)scope << 32 | ip) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) & (NHASH_SIZE - 1);
}

static struct nent *
ent_find(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	int32_t i;

	for (i = sp->head[ent_hash(scope, ip)]; i >= 0; i = sp->ent[i].next)
		if (sp->ent[i].scope == scope && sp->ent[i].ip == ip)
			return &sp->ent[i];
	return NULL;
}

/* Take E out of its hash chain and put it on the free list. */
static void
ent_release(struct ew_sp *sp, struct nent *e)
{
	int32_t idx = (int32_t)(e - sp->ent), *pp;

	for (pp = &sp->head[ent_hash(e->scope, e->ip)]; *pp >= 0;
			pp = &sp->ent[*pp].next)
		if (*pp == idx) {
			*pp = e->next;
			break;
		}
	e->state = N_FREE;
	e->next = sp->free_head;
	sp->free_head = idx;
}

static struct nent *
ent_new(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	unsigned int i;
	struct nent *e = NULL;
	uint32_t h;

	if (sp->free_head < 0 && sp->n_ent == EW_NEIGH_MAX) {
		/* full: evict the oldest of the next EW_NEIGH_EVICT_SAMPLE
		 * evictable entries (not pinned, not static, holding nothing)
		 * from the clock hand, which then stands after the victim.
		 * Bounded work per new neighbour: a sweep of a big subnet
		 * must not make the control thread scan the whole table for
		 * every address. Entries are taken in the order they came,
		 * so the hand meets the oldest first. */
		uint64_t oldest = UINT64_MAX;
		unsigned int seen = 0, k, x;

		for (k = 0; k < sp->n_ent && seen < EW_NEIGH_EVICT_SAMPLE; k++) {
			struct nent *c;

			x = (sp->hand + k) % sp->n_ent;
			c = &sp->ent[x];
			if (c->pinned || c->fixed || c->nq != 0)
				continue;
			seen++;
			if (c->confirmed_ms < oldest) {
				oldest = c->confirmed_ms;
				e = c;
				i = x;
			}
		}
		if (e == NULL)
			return NULL;
		sp->hand = (i + 1) % sp->n_ent;
		ew_neigh_del(sp->dp->neigh, e->scope, e->ip);
		sp->l2_dirty = true;
		ent_release(sp, e);
	}
	if (sp->free_head >= 0) {
		e = &sp->ent[sp->free_head];
		sp->free_head = e->next;
	} else {
		e = &sp->ent[sp->n_ent++];
	}
	memset(e, 0, sizeof(*e));
	e->scope = scope;
	e->ip = ip;
	e->state = N_INCOMPLETE;
	h = ent_hash(scope, ip);
	e->next = sp->head[h];
	sp->head[h] = (int32_t)(e - sp->ent);
	return e;
}

static void output(struct ew_sp *sp, struct rte_mbuf *m);
static void arp_request(struct ew_sp *sp, struct nent *e);
static void ov_send_arp(struct ew_sp *sp, struct rte_mbuf *m, unsigned int txi,
		const struct rte_ether_addr *inner_dst);

/* Resolve (SCOPE, IP): returns the MAC if known, else asks and returns
 * NULL; M (if not NULL) is queued on the entry or dropped. */
static const struct rte_ether_addr *
resolve(struct ew_sp *sp, uint32_t scope, uint32_t ip, struct rte_mbuf *m)
{
	struct nent *e = ent_find(sp, scope, ip);

	if (e != NULL && e->state == N_REACHABLE)
		return &e->mac;
	if (e == NULL) {
		e = ent_new(sp, scope, ip);
		if (e == NULL) {
			if (m != NULL)
				drop(sp, m, EW_DROP_NEIGH_QUEUE);
			return NULL;
		}
	}
	if (m != NULL) {
		if (e->nq >= EW_NEIGH_QLEN)
			drop(sp, m, EW_DROP_NEIGH_QUEUE);
		else if (sp->n_held >= sp->held_max)
			drop(sp, m, EW_DROP_NEIGH_HOLD_CAP);
		else {
			e->q[e->nq++] = m;
			sp->n_held++;
		}
	}
	if (e->next_ms <= sp->now_ms) {
		arp_request(sp, e);
		e->probes++;
		e->next_ms = sp->now_ms + EW_NEIGH_RETRY_MS;
	}
	return NULL;
}

/* Data at IPv4 (TTL handled): encapsulate into tunnel TX and send. */
static void
out_tunnel(struct ew_sp *sp, struct rte_mbuf *m, unsigned int txi, uint8_t tos)
{
	const struct ew_tunnel *tu = &sp->t->tun[txi];
	const struct rte_ether_addr *nh, *peer = NULL;
	struct rte_ether_addr nh_mac, peer_mac;
	struct ew_meta *mt = ew_meta(m);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	mt->reason = EW_PUNT_NH_TUN;
	mt->tun_slot = tu->slot;
	mt->tos = tos;
	nh = resolve(sp, tu->ifx, tu->nh, NULL);
	if (nh == NULL) {
		resolve(sp, tu->ifx, tu->nh, m);
		return;
	}
	nh_mac = *nh;
	if (tu->encap == EW_ENCAP_VXLAN) {
		peer = resolve(sp, EW_SCOPE_OV | tu->id, tu->peer, NULL);
		if (peer == NULL) {
			resolve(sp, EW_SCOPE_OV | tu->id, tu->peer, m);
			return;
		}
		peer_mac = *peer;
	}
	if (ew_encap(m, tu, &nh_mac, &peer_mac,
			ew_flow_hash(ip, rte_pktmbuf_data_len(m)), tos) != 0) {
		drop(sp, m, EW_DROP_NO_MBUF);
		return;
	}
	sp->st->tunnel[tu->slot].tx_packets++;
	sp->st->tunnel[tu->slot].tx_bytes += rte_pktmbuf_pkt_len(m);
	send_l2(sp, tu->ifx, m);
}

/* Data at IPv4 (TTL handled): send out of port IFX to next hop NH. */
static void
out_port(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx, uint32_t nh)
{
	const struct rte_ether_addr *mac;
	struct rte_ether_hdr *eth;
	struct ew_meta *mt = ew_meta(m);

	mt->reason = EW_PUNT_NH_PORT;
	mt->ifx = (uint8_t)ifx;
	mt->nh = nh;
	mac = resolve(sp, ifx, nh, NULL);
	if (mac == NULL) {
		resolve(sp, ifx, nh, m);
		return;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	if (eth == NULL) {
		drop(sp, m, EW_DROP_NO_MBUF);
		return;
	}
	eth->dst_addr = *mac;
	eth->src_addr = sp->t->ports[ifx].mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	send_l2(sp, ifx, m);
}

/* Next hop for DST leaving port IFX: on-link, a LAN route, or the WAN
 * gateway. 0 if none. */
static uint32_t
port_nexthop(const struct ew_tables *t, unsigned int ifx, uint32_t dst)
{
	const struct ew_port *p = &t->ports[ifx];
	uint32_t v;

	if (((dst ^ p->addr) & ew_prefix_mask(p->plen)) == 0)
		return dst;
	if (p->role == EW_ROLE_LAN) {
		if (ew_lpm_lookup(&t->lan, dst, &v) == 0 && t->lan_nh[v].ifx == ifx)
			return t->lan_nh[v].via ? t->lan_nh[v].via : dst;
		return 0;
	}
	return t->cfg->ifaces[ifx].gateway;
}

/* Send a reply (echo reply, STAMP reflection, ICMP error) to a packet
 * that came in on port IFX or through tunnel TXI: back the way the
 * request came, never re-routed by its (possibly spoofed) source, so a
 * WAN packet claiming a LAN source is not answered into the LAN. */
static void
out_ip(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx, uint16_t txi)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr), nh;

	if (txi != EW_TUN_NONE) {
		out_tunnel(sp, m, txi, 0);
		return;
	}
	nh = port_nexthop(sp->t, ifx, dst);
	if (nh == 0) {
		drop(sp, m, EW_DROP_NO_ROUTE);
		return;
	}
	out_port(sp, m, ifx, nh);
}

/* Re-dispatch a held packet whose neighbour got resolved. */
static void
output(struct ew_sp *sp, struct rte_mbuf *m)
{
	struct ew_meta *mt = ew_meta(m);
	/* held across a reload: the tunnel is found again by its slot */
	uint16_t txi = mt->tun_slot < EW_MAX_TUNNELS ? sp->t->tun_of_slot[mt->tun_slot] :
			EW_SLOT_NONE;

	if (mt->reason == EW_PUNT_NH_TUN && txi != EW_SLOT_NONE)
		out_tunnel(sp, m, txi, mt->tos);
	else if (mt->reason == EW_PUNT_NH_PORT && mt->ifx < sp->t->n_ports)
		out_port(sp, m, mt->ifx, mt->nh);
	else if (mt->reason == EW_PUNT_OV_ARP && txi != EW_SLOT_NONE) {
		/* a held ARP frame for inside a VXLAN overlay */
		struct rte_ether_addr dst =
			rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr;

		ov_send_arp(sp, m, txi, &dst);
	} else
		drop(sp, m, EW_DROP_NEIGH_QUEUE);
}

/* ---- ARP ---- */

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
static void
ov_send_arp(struct ew_sp *sp, struct rte_mbuf *m, unsigned int txi,
		const struct rte_ether_addr *inner_dst)
{
	const struct ew_tunnel *tu = &sp->t->tun[txi];
	const struct rte_ether_addr *nh;
	struct rte_ether_addr nh_mac;
	uint8_t *h;

	nh = resolve(sp, tu->ifx, tu->nh, NULL);
	if (nh == NULL) {
		/* underlay not resolved yet: wait for it like any packet;
		 * output() sends it on when the gateway answers */
		ew_meta(m)->reason = EW_PUNT_OV_ARP;
		ew_meta(m)->tun_slot = tu->slot;
		resolve(sp, tu->ifx, tu->nh, m);
		return;
	}
	nh_mac = *nh;
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);	/* template brings inner Ethernet */
	if (ew_encap(m, tu, &nh_mac, inner_dst, tu->peer, 0) != 0) {
		drop(sp, m, EW_DROP_NO_MBUF);
		return;
	}
	h = rte_pktmbuf_mtod(m, uint8_t *);
	h[tu->tpl_len - 2] = RTE_ETHER_TYPE_ARP >> 8;
	h[tu->tpl_len - 1] = RTE_ETHER_TYPE_ARP & 0xff;
	sp->st->tunnel[tu->slot].tx_packets++;
	sp->st->tunnel[tu->slot].tx_bytes += rte_pktmbuf_pkt_len(m);
	send_l2(sp, tu->ifx, m);
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

static void
arp_request(struct ew_sp *sp, struct nent *e)
{
	static const struct rte_ether_addr zero, bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	const struct ew_tables *t = sp->t;
	struct rte_mbuf *m;

	e->asked = true;
	if (e->scope & EW_SCOPE_OV) {
		int txi = tunnel_for_peer(t, e->scope & ~EW_SCOPE_OV, e->ip);
		const struct ew_tunnel *tu;

		if (txi < 0)
			return;
		tu = &t->tun[txi];
		/* inside the overlay needs the underlay first: ask for it and
		 * come back when it answers (learn() kicks us) */
		e->waiting_ul = resolve(sp, tu->ifx, tu->nh, NULL) == NULL;
		if (e->waiting_ul)
			return;
		m = arp_build(sp, RTE_ARP_OP_REQUEST, &t->ports[tu->ifx].mac,
				t->ov[tu->ox].addr, &zero, e->ip, &bcast, true);
		if (m != NULL)
			ov_send_arp(sp, m, (unsigned int)txi, &bcast);
		return;
	}
	if (e->scope >= t->n_ports)
		return;
	m = arp_build(sp, RTE_ARP_OP_REQUEST, &t->ports[e->scope].mac,
			t->ports[e->scope].addr, &zero, e->ip, &bcast, true);
	if (m != NULL)
		send_l2(sp, e->scope, m);
}

/* Tunnel next hop (SCOPE, IP) resolved: the overlay peers behind it whose
 * request could not leave for want of it ask now. Only those: a peer
 * asked within the retry interval waits for the tick (the pacing). */
static void
kick_overlay(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	const struct ew_tables *t = sp->t;
	unsigned int i;

	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];
		struct nent *e;

		if (tu->encap != EW_ENCAP_VXLAN || tu->ifx != scope || tu->nh != ip)
			continue;
		e = ent_find(sp, EW_SCOPE_OV | tu->id, tu->peer);
		if (e != NULL && e->state == N_INCOMPLETE && e->waiting_ul) {
			arp_request(sp, e);
			e->next_ms = sp->now_ms + EW_NEIGH_RETRY_MS;
		}
	}
}

/* A MAC for (SCOPE, IP) was confirmed: publish and release held packets. */
static void
learn(struct ew_sp *sp, uint32_t scope, uint32_t ip,
		const struct rte_ether_addr *mac, bool create)
{
	struct nent *e = ent_find(sp, scope, ip);
	struct rte_mbuf *q[EW_NEIGH_QLEN];
	unsigned int i, nq;
	bool changed;

	if (e == NULL) {
		if (!create)
			return;
		e = ent_new(sp, scope, ip);
		if (e == NULL)
			return;
	} else if (e->fixed) {
		return;		/* static entries come from the config only */
	} else if (e->state == N_REACHABLE && !e->asked && !create) {
		/* unsolicited reply for an entry we did not ask about: do not
		 * let it overwrite what we know (ARP spoofing) */
		return;
	} else if (e->state == N_REACHABLE && !e->asked &&
			!rte_is_same_ether_addr(&e->mac, mac) &&
			sp->now_ms - e->confirmed_ms < EW_NEIGH_REACHABLE_MS) {
		/* someone else claims a fresh entry's address by asking us:
		 * keep the entry until it goes stale (poisoning) */
		SP_LOG(DEBUG, "ARP: refused a new MAC for a fresh entry\n");
		return;
	}
	changed = e->state != N_REACHABLE || !rte_is_same_ether_addr(&e->mac, mac);
	if (changed) {
		if (ew_neigh_set(sp->dp->neigh, scope, ip, mac) != 0) {
			SP_LOG(WARNING, "neighbour table full\n");
			return;
		}
		sp->l2_dirty = true;
	}
	e->mac = *mac;
	e->state = N_REACHABLE;
	e->asked = false;
	e->probes = 0;
	e->confirmed_ms = sp->now_ms;
	e->next_ms = sp->now_ms + EW_NEIGH_REACHABLE_MS;
	nq = e->nq;
	memcpy(q, e->q, nq * sizeof(q[0]));
	sp->n_held -= nq;
	e->nq = 0;
	for (i = 0; i < nq; i++)
		output(sp, q[i]);
	/* a newly usable underlay neighbour: the overlay peers behind it ask
	 * now (a refresh, or a static entry installed again with each
	 * generation, changes nothing they wait for; the tick retries them).
	 * Tunnel next hops are pinned: other neighbours (a big LAN's hosts
	 * asking for us) never cost a look at the tunnels. */
	if (changed && e->pinned && !(scope & EW_SCOPE_OV))
		kick_overlay(sp, scope, ip);
}

/* ARP payload A, arriving on port IFX (TXI == EW_TUN_NONE) or inside VXLAN
 * tunnel TXI. M is reused for the reply. */
static void
arp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx, uint16_t txi)
{
	const struct ew_tables *t = sp->t;
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;
	struct rte_ether_addr sha, our_mac;
	uint32_t sip, tip, our_ip, scope;
	uint16_t op;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*a)) {
		drop(sp, m, EW_DROP_ARP_BAD);
		return;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = (struct rte_arp_hdr *)(eth + 1);
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
			a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
			a->arp_hlen != 6 || a->arp_plen != 4) {
		drop(sp, m, EW_DROP_ARP_BAD);
		return;
	}
	op = rte_be_to_cpu_16(a->arp_opcode);
	sha = a->arp_data.arp_sha;
	sip = rte_be_to_cpu_32(a->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(a->arp_data.arp_tip);
	if (txi != EW_TUN_NONE) {
		const struct ew_tunnel *tu = &t->tun[txi];

		our_ip = t->ov[tu->ox].addr;
		our_mac = t->ports[tu->ifx].mac;
		scope = EW_SCOPE_OV | tu->id;
		if (sip != tu->peer) {	/* only the tunnel's peer lives there */
			drop(sp, m, EW_DROP_ARP_BAD);
			return;
		}
	} else {
		our_ip = t->ports[ifx].addr;
		our_mac = t->ports[ifx].mac;
		scope = ifx;
		if (((sip ^ our_ip) & ew_prefix_mask(t->ports[ifx].plen)) != 0) {
			drop(sp, m, EW_DROP_ARP_BAD);	/* sender off-link */
			return;
		}
	}
	if (rte_is_multicast_ether_addr(&sha) || rte_is_zero_ether_addr(&sha) ||
			sip == our_ip) {
		drop(sp, m, EW_DROP_ARP_BAD);
		return;
	}
	if (op == RTE_ARP_OP_REQUEST && tip == our_ip) {
		/* RFC 826: the asker is a neighbour worth knowing */
		if (sip != 0)
			learn(sp, scope, sip, &sha, true);
		a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
		a->arp_data.arp_tha = sha;
		a->arp_data.arp_tip = a->arp_data.arp_sip;
		a->arp_data.arp_sha = our_mac;
		a->arp_data.arp_sip = rte_cpu_to_be_32(our_ip);
		eth->dst_addr = sha;
		eth->src_addr = our_mac;
		if (txi != EW_TUN_NONE)
			ov_send_arp(sp, m, txi, &sha);
		else
			send_l2(sp, ifx, m);
		return;
	}
	if (op == RTE_ARP_OP_REPLY && tip == our_ip)
		learn(sp, scope, sip, &sha, false);
	else if (sip != 0)
		learn(sp, scope, sip, &sha, false);	/* refresh only if asked */
	rte_pktmbuf_free(m);
}

/* ---- ICMP ---- */

static bool
icmp_allowed(struct ew_sp *sp)
{
	uint64_t now = sp->now_ms;

	sp->icmp_tokens += (double)(now - sp->icmp_last_ms) * EW_ICMP_RATE / 1000.0;
	sp->icmp_last_ms = now;
	if (sp->icmp_tokens > EW_ICMP_RATE)
		sp->icmp_tokens = EW_ICMP_RATE;
	if (sp->icmp_tokens < 1.0)
		return false;
	sp->icmp_tokens -= 1.0;
	return true;
}

static void
ip_finish(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* The answer to one of our probes: payload = 8 zero bytes, slot, seq,
 * magic. The monitor times it from when worker 0 sent SEQ, nothing the
 * far end echoes. */
static void
probe_answer(struct ew_sp *sp, struct rte_mbuf *m, const uint8_t *pl,
		uint16_t txi)
{
	uint16_t slot, magic;
	uint32_t seq;

	memcpy(&slot, pl + 8, 2);
	memcpy(&seq, pl + 10, 4);
	memcpy(&magic, pl + 14, 2);
	/* only from the tunnel it was sent into, with our marks */
	if (magic != EW_PROBE_ID || slot != sp->t->tun[txi].slot ||
			sp->probe_cb == NULL) {
		drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	sp->probe_cb(sp->probe_arg, slot, seq, EW_MON_ICMP,
			ew_tsc_to_ns(&sp->dp->clock, ew_meta(m)->tsc), 0);
	rte_pktmbuf_free(m);
}

/* ---- STAMP (RFC 8762), unauthenticated ---- */

/* An IPv4/UDP packet with a 44-byte STAMP payload, addresses and ports
 * given (host order), UDP checksum 0; data at the IP header. */
static struct rte_mbuf *
stamp_alloc(struct ew_sp *sp, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, uint8_t ttl, uint8_t **payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sp->dp->mp);
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint16_t len = sizeof(*ip) + sizeof(*udp) + EW_STAMP_LEN;

	if (m == NULL) {
		sp->st->drop[EW_DROP_NO_MBUF]++;
		return NULL;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, len);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(ip, 0, len);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip_finish(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + EW_STAMP_LEN);
	*payload = (uint8_t *)(udp + 1);
	ew_meta(m)->flags = EW_META_TXNTP;	/* worker 0 writes T1/T3 */
	return m;
}

static void
put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, 8);
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return rte_be_to_cpu_64(v);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

/* Our probe SEQ of tunnel SLOT: worker 0 notes when it leaves
 * (ew_dp_probe_tx()). */
static void
probe_meta(struct rte_mbuf *m, uint16_t slot, uint32_t seq)
{
	struct ew_meta *mt = ew_meta(m);

	mt->flags |= EW_META_TXLOG;
	mt->arg = slot;
	mt->nh = seq;
}

/* Session-sender: sequence number, timestamp (T1, by worker 0), error
 * estimate (not externally synchronized, multiplier 1), zeros. */
static int
stamp_send(struct ew_sp *sp, unsigned int txi, uint32_t seq)
{
	const struct ew_tunnel *tu = &sp->t->tun[txi];
	struct rte_mbuf *m;
	uint8_t *pl;

	m = stamp_alloc(sp, sp->t->ov[tu->ox].addr, tu->peer, EW_STAMP_SENDER_PORT,
			EW_STAMP_PORT, 64, &pl);
	if (m == NULL)
		return -1;
	put32(pl, seq);
	pl[13] = 1;			/* error estimate: S=0 Z=0 scale 0 mult 1 */
	probe_meta(m, tu->slot, seq);
	out_tunnel(sp, m, txi, 0);
	return 0;
}

/* Session-reflector, stateless: answer a test packet at our address. */
static void
stamp_reflect(struct ew_sp *sp, struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		const struct rte_udp_hdr *udp, const uint8_t *in, unsigned int ifx,
		uint16_t txi)
{
	uint64_t t2 = ew_tsc_to_ntp(&sp->dp->clock, ew_meta(m)->tsc);
	struct rte_mbuf *r;
	uint8_t *pl;

	r = stamp_alloc(sp, rte_be_to_cpu_32(ip->dst_addr),
			rte_be_to_cpu_32(ip->src_addr), EW_STAMP_PORT,
			rte_be_to_cpu_16(udp->src_port), 255, &pl);
	if (r == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(pl, in, 4);		/* stateless: the sender's sequence */
	pl[13] = 1;
	put64(pl + 16, t2);		/* receive timestamp */
	memcpy(pl + 24, in, 4);		/* sender sequence */
	memcpy(pl + 28, in + 4, 8);	/* sender timestamp */
	memcpy(pl + 36, in + 12, 2);	/* sender error estimate */
	pl[40] = ip->time_to_live;	/* sender TTL */
	rte_pktmbuf_free(m);
	out_ip(sp, r, ifx, txi);
}

/* Session-sender: a reflected packet came back through tunnel TXI. The
 * round trip is the monitor's: from its own send time of the sender
 * sequence number to T4, minus the reflector's time (T3 - T2). The
 * sender timestamp T1 echoed back is not used: the reflector (or anyone
 * in the path) controls it. */
static void
stamp_answer(struct ew_sp *sp, struct rte_mbuf *m, const uint8_t *pl, uint16_t txi)
{
	uint64_t t4 = ew_tsc_to_ns(&sp->dp->clock, ew_meta(m)->tsc);
	uint64_t t2 = ew_ntp_to_ns(get64(pl + 16)), t3 = ew_ntp_to_ns(get64(pl + 4));

	if (sp->probe_cb == NULL || t3 < t2) {
		drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	sp->probe_cb(sp->probe_arg, sp->t->tun[txi].slot, get32(pl + 24),
			EW_MON_STAMP, t4, t3 - t2);
	rte_pktmbuf_free(m);
}

/* ICMP echo probe. */
static int
icmp_probe_send(struct ew_sp *sp, unsigned int txi, uint32_t seq)
{
	const struct ew_tunnel *tu = &sp->t->tun[txi];
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *m;
	uint8_t *pl;
	uint16_t slot, magic = EW_PROBE_ID;

	m = rte_pktmbuf_alloc(sp->dp->mp);
	if (m == NULL) {
		sp->st->drop[EW_DROP_NO_MBUF]++;
		return -1;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
			sizeof(*ip) + sizeof(*ic) + EW_PROBE_TAIL);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return -1;
	}
	memset(ip, 0, sizeof(*ip) + sizeof(*ic) + EW_PROBE_TAIL);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*ic) + EW_PROBE_TAIL);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(sp->t->ov[tu->ox].addr);
	ip->dst_addr = rte_cpu_to_be_32(tu->peer);
	ip_finish(ip);
	ic = (struct rte_icmp_hdr *)(ip + 1);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = rte_cpu_to_be_16(EW_PROBE_ID);
	ic->icmp_seq_nb = rte_cpu_to_be_16((uint16_t)seq);
	pl = (uint8_t *)(ic + 1);	/* 8 zero bytes, slot, seq, magic */
	slot = tu->slot;
	memcpy(pl + 8, &slot, 2);
	memcpy(pl + 10, &seq, 4);
	memcpy(pl + 14, &magic, 2);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + EW_PROBE_TAIL);
	probe_meta(m, slot, seq);
	out_tunnel(sp, m, txi, 0);
	return 0;
}

/* What a packet into tunnel TXI would wait for: 0 nothing (next hops
 * resolved); 1 ARP; 2 ARP, behind packets already held for it. */
static int
tunnel_waiting(struct ew_sp *sp, unsigned int txi)
{
	const struct ew_tunnel *tu = &sp->t->tun[txi];
	const struct nent *e = ent_find(sp, tu->ifx, tu->nh);

	if (e != NULL && e->state == N_REACHABLE) {
		if (tu->encap != EW_ENCAP_VXLAN)
			return 0;
		e = ent_find(sp, EW_SCOPE_OV | tu->id, tu->peer);
		if (e != NULL && e->state == N_REACHABLE)
			return 0;
	}
	return e != NULL && e->nq > 0 ? 2 : 1;
}

int
ew_sp_send_probe(struct ew_sp *sp, unsigned int txi, uint32_t seq,
		unsigned int kinds)
{
	int rc;

	sp->t = __atomic_load_n(&sp->dp->tables, __ATOMIC_ACQUIRE);
	if (sp->t == NULL || txi >= sp->t->n_tunnels)
		return -1;
	rc = tunnel_waiting(sp, txi);
	/* waiting for ARP, one packet is enough (the neighbour's queue is
	 * short and the data's): STAMP, or the one kind asked for; none
	 * while packets wait already (a slow peer would see its queue fill
	 * with our probes, and drops counted as neigh_queue) */
	if (rc == 2)
		return 2;
	if (rc == 1 && kinds == (EW_MON_STAMP | EW_MON_ICMP))
		kinds = EW_MON_STAMP;
	if ((kinds & EW_MON_STAMP) && stamp_send(sp, txi, seq) != 0)
		rc = -1;
	if ((kinds & EW_MON_ICMP) && icmp_probe_send(sp, txi, seq) != 0)
		rc = -1;
	return rc;
}

/* Data at IPv4 addressed to us (LOCAL or OV_LOCAL). */
static void
local_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx, uint16_t txi)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u, len, tmp;
	struct rte_icmp_hdr *ic;

	len = rte_pktmbuf_data_len(m);
	if (ip->next_proto_id == IPPROTO_UDP && !ew_ip_is_fragment(ip) &&
			len >= ihl + sizeof(struct rte_udp_hdr) + EW_STAMP_LEN) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)
				((uint8_t *)ip + ihl);
		const uint8_t *pl = (const uint8_t *)(udp + 1);

		if (udp->dst_port == rte_cpu_to_be_16(EW_STAMP_PORT)) {
			/* never answer another reflector, nor ourselves: two
			 * sites would reflect one packet to each other forever */
			if (udp->src_port == rte_cpu_to_be_16(EW_STAMP_PORT) ||
					ew_tables_is_local(sp->t,
						rte_be_to_cpu_32(ip->src_addr))) {
				drop(sp, m, EW_DROP_STAMP_LOOP);
				return;
			}
			stamp_reflect(sp, m, ip, udp, pl, ifx, txi);
			return;
		}
		if (udp->dst_port == rte_cpu_to_be_16(EW_STAMP_SENDER_PORT) &&
				udp->src_port == rte_cpu_to_be_16(EW_STAMP_PORT) &&
				txi != EW_TUN_NONE) {
			stamp_answer(sp, m, pl, txi);
			return;
		}
	}
	if (ip->next_proto_id != IPPROTO_ICMP || ew_ip_is_fragment(ip) ||
			len < ihl + sizeof(*ic)) {
		drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	ic = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (ic->icmp_type == RTE_IP_ICMP_ECHO_REPLY && txi != EW_TUN_NONE &&
			ic->icmp_ident == rte_cpu_to_be_16(EW_PROBE_ID) &&
			len >= ihl + sizeof(*ic) + EW_PROBE_TAIL) {
		probe_answer(sp, m, (uint8_t *)(ic + 1), txi);
		return;
	}
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		/* echo replies and errors for us are not needed yet */
		drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	if (rte_raw_cksum(ic, len - ihl) != 0xffff) {
		drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, len - ihl);
	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = 64;
	ip_finish(ip);
	out_ip(sp, m, ifx, txi);
}

/* Data at the offending IPv4 header. Send ICMP TYPE/CODE to its source. */
static void
icmp_error(struct ew_sp *sp, struct rte_mbuf *orig, unsigned int ifx,
		uint16_t txi, uint8_t type, uint8_t code, uint16_t mtu)
{
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod(orig, struct rte_ipv4_hdr *);
	uint32_t ohl = (oip->version_ihl & 0xf) * 4u;
	uint32_t quote = RTE_MIN(rte_pktmbuf_data_len(orig), ohl + 8);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *m;
	uint32_t src;

	/* Never answer an ICMP error or a non-first fragment (RFC 1812). */
	if ((oip->next_proto_id == IPPROTO_ICMP && rte_pktmbuf_data_len(orig) > ohl &&
			((const uint8_t *)oip)[ohl] != RTE_IP_ICMP_ECHO_REQUEST &&
			((const uint8_t *)oip)[ohl] != RTE_IP_ICMP_ECHO_REPLY) ||
			(oip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))) {
		rte_pktmbuf_free(orig);
		return;
	}
	if (!icmp_allowed(sp)) {
		drop(sp, orig, EW_DROP_ICMP_RATE);
		return;
	}
	m = rte_pktmbuf_alloc(sp->dp->mp);
	if (m == NULL) {
		drop(sp, orig, EW_DROP_NO_MBUF);
		return;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
			(uint16_t)(sizeof(*ip) + sizeof(*ic) + quote));
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		drop(sp, orig, EW_DROP_NO_MBUF);
		return;
	}
	ic = (struct rte_icmp_hdr *)(ip + 1);
	memcpy(ic + 1, oip, quote);
	src = txi != EW_TUN_NONE ? sp->t->ov[sp->t->tun[txi].ox].addr :
			sp->t->ports[ifx].addr;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*ic) + quote));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = oip->src_addr;
	ip_finish(ip);
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = type;
	ic->icmp_code = code;
	if (type == 3 && code == 4)	/* RFC 1191: next-hop MTU */
		ic->icmp_seq_nb = rte_cpu_to_be_16(mtu);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + quote);
	rte_pktmbuf_free(orig);
	out_ip(sp, m, ifx, txi);
}

/* ---- fragmentation ---- */

/* Data at IPv4 (TTL done), DF clear: fragment to tunnel TXI's overlay MTU,
 * or with TXI EW_TUN_NONE to LAN port IFX's MTU towards next hop NH. */
static void
fragment(struct ew_sp *sp, struct rte_mbuf *m, unsigned int txi, uint8_t tos,
		unsigned int ifx, uint32_t nh)
{
	struct rte_mbuf *frags[64];
	uint16_t mtu = txi != EW_TUN_NONE ? sp->t->ov[sp->t->tun[txi].ox].mtu :
			sp->t->ports[ifx].mtu;
	int n, i;

	n = rte_ipv4_fragment_packet(m, frags, RTE_DIM(frags), mtu,
			sp->dp->mp, sp->dp->mp);
	rte_pktmbuf_free(m);
	if (n < 0) {
		sp->st->drop[EW_DROP_FRAG_FAIL]++;
		return;
	}
	for (i = 0; i < n; i++) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(frags[i], struct rte_ipv4_hdr *);

		memset(ew_meta(frags[i]), 0, sizeof(struct ew_meta));
		ip_finish(ip);
		/* encapsulation prepends into the first segment: give each
		 * fragment a flat copy with headroom */
		if (frags[i]->nb_segs > 1 || rte_pktmbuf_headroom(frags[i]) < EW_TPL_MAX) {
			struct rte_mbuf *c = rte_pktmbuf_copy(frags[i], sp->dp->mp, 0,
					UINT32_MAX);

			rte_pktmbuf_free(frags[i]);
			if (c == NULL || c->nb_segs > 1) {
				rte_pktmbuf_free(c);
				sp->st->drop[EW_DROP_FRAG_FAIL]++;
				continue;
			}
			frags[i] = c;
			memset(ew_meta(c), 0, sizeof(struct ew_meta));
		}
		if (txi != EW_TUN_NONE)
			out_tunnel(sp, frags[i], txi, tos);
		else
			out_port(sp, frags[i], ifx, nh);
	}
}

/* ---- dispatch ---- */

static void sp_handle(struct ew_sp *sp, struct rte_mbuf *m);
static void l2_refresh(struct ew_sp *sp);

void
ew_sp_handle(struct ew_sp *sp, struct rte_mbuf *m)
{
	sp_handle(sp, m);
	if (sp->l2_dirty)
		l2_refresh(sp);
}

static void
sp_handle(struct ew_sp *sp, struct rte_mbuf *m)
{
	struct ew_meta *mt = ew_meta(m);
	const struct ew_tables *t = sp->t;
	uint16_t txi;

	if (t == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	/* the worker names tunnels by stable slot; a packet punted just
	 * before a reload may name one that is gone */
	txi = EW_TUN_NONE;
	if (mt->tun_slot != EW_TUN_NONE) {
		txi = mt->tun_slot < EW_MAX_TUNNELS ? t->tun_of_slot[mt->tun_slot] : EW_SLOT_NONE;
		if (txi == EW_SLOT_NONE) {
			drop(sp, m, EW_DROP_STALE);
			return;
		}
	}
	if (mt->ifx >= t->n_ports) {
		drop(sp, m, EW_DROP_STALE);
		return;
	}
	switch (mt->reason) {
	case EW_PUNT_ARP:
		arp_input(sp, m, mt->ifx, EW_TUN_NONE);
		break;
	case EW_PUNT_OV_ARP:
		arp_input(sp, m, mt->ifx, txi);
		break;
	case EW_PUNT_LOCAL:
		local_input(sp, m, mt->ifx, EW_TUN_NONE);
		break;
	case EW_PUNT_OV_LOCAL:
		local_input(sp, m, mt->ifx, txi);
		break;
	case EW_PUNT_NH_TUN:
		out_tunnel(sp, m, txi, mt->tos);
		break;
	case EW_PUNT_NH_PORT:
		out_port(sp, m, mt->ifx, mt->nh);
		break;
	case EW_PUNT_ICMP_ERR:
		icmp_error(sp, m, mt->ifx, txi, (uint8_t)(mt->arg >> 8),
				(uint8_t)mt->arg, (uint16_t)mt->nh);
		break;
	case EW_PUNT_FRAG:
		fragment(sp, m, txi, mt->tos, 0, 0);
		break;
	case EW_PUNT_FRAG_PORT:
		fragment(sp, m, EW_TUN_NONE, 0, mt->ifx, mt->nh);
		break;
	default:
		rte_pktmbuf_free(m);
	}
}

unsigned int
ew_sp_poll(struct ew_sp *sp, unsigned int budget)
{
	struct rte_mbuf *pk[EW_BURST];
	unsigned int w, done = 0, n, i;

	sp->now_ms = ew_now_ms();
	sp->t = __atomic_load_n(&sp->dp->tables, __ATOMIC_ACQUIRE);
	for (w = 0; w < sp->dp->n_workers && done < budget; w++) {
		do {
			n = rte_ring_sc_dequeue_burst(sp->dp->punt[w], (void **)pk,
					EW_BURST, NULL);
			for (i = 0; i < n; i++)
				ew_sp_handle(sp, pk[i]);
			done += n;
		} while (n == EW_BURST && done < budget);
	}
	return done;
}

/* (SCOPE, IP)'s MAC as a worker word, or 0 when it is not resolved. */
static uint64_t
l2_word_of(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	const struct nent *e = ent_find(sp, scope, ip);

	return e != NULL && e->state == N_REACHABLE ? ew_l2_word(&e->mac) : 0;
}

/* Store V into a word workers read, if it changed. */
static void
l2_store(uint64_t *w, uint64_t v)
{
	if (*w != v)
		__atomic_store_n(w, v, __ATOMIC_RELAXED);
}

/* The generation's per-tunnel MAC cache from the neighbour entries: the
 * workers read it instead of the hash when both words are valid. */
static void
l2_refresh(struct ew_sp *sp)
{
	const struct ew_tables *t = sp->t;
	unsigned int i;

	sp->l2_dirty = false;
	if (t == NULL || t->tun_l2 == NULL)
		return;
	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];

		l2_store(&t->tun_l2[2 * i], l2_word_of(sp, tu->ifx, tu->nh));
		l2_store(&t->tun_l2[2 * i + 1], tu->encap != EW_ENCAP_VXLAN ?
				EW_L2_VALID :
				l2_word_of(sp, EW_SCOPE_OV | tu->id, tu->peer));
	}
	for (i = 0; t->lan_l2 != NULL && i < t->n_lan_nh; i++)
		l2_store(&t->lan_l2[i], t->lan_nh[i].via == 0 ? 0 :
				l2_word_of(sp, t->lan_nh[i].ifx, t->lan_nh[i].via));
}

/* Install a static neighbour: published at once, never asked for, aged or
 * overwritten; packets held for it leave now. */
static void
set_static(struct ew_sp *sp, uint32_t scope, uint32_t ip, const uint8_t *mac)
{
	struct rte_ether_addr a;
	struct nent *e = ent_find(sp, scope, ip);

	memcpy(a.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	if (e == NULL)
		e = ent_new(sp, scope, ip);
	if (e == NULL) {
		SP_LOG(WARNING, "neighbour table full: static entry not installed\n");
		return;
	}
	e->fixed = false;
	learn(sp, scope, ip, &a, true);
	e->fixed = true;
	e->next_ms = UINT64_MAX;
}

static void
sync_static(struct ew_sp *sp, const struct ew_tables *t)
{
	const struct ew_config *cfg = t->cfg;
	unsigned int i, k, tx = 0;

	for (i = 0; i < sp->n_ent; i++)
		if (sp->ent[i].fixed) {
			/* may be gone from the config: resolve it from now on */
			sp->ent[i].fixed = false;
			sp->ent[i].next_ms = sp->now_ms;
		}
	for (i = 0; i < cfg->n_ifaces && i < t->n_ports; i++)
		for (k = 0; k < cfg->ifaces[i].n_neighbors; k++)
			set_static(sp, i, cfg->ifaces[i].neighbors[k].addr,
					cfg->ifaces[i].neighbors[k].mac);
	for (i = 0; i < cfg->n_overlays; i++)
		for (k = 0; k < cfg->overlays[i].n_tunnels; k++, tx++) {
			const struct ew_tunnel_cfg *tc = &cfg->overlays[i].tunnels[k];

			if (tc->peer_mac_set && tx < t->n_tunnels)
				set_static(sp, EW_SCOPE_OV | t->tun[tx].id,
						tc->peer, tc->peer_mac);
		}
}

/* (SCOPE, IP) is needed by the generation: resolve it, keep it fresh,
 * never age it out nor evict it for another. */
static void
pin(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	struct nent *e = ent_find(sp, scope, ip);

	if (e == NULL)
		e = ent_new(sp, scope, ip);
	if (e != NULL)
		e->pinned = true;
}

void
ew_sp_tables_changed(struct ew_sp *sp, const struct ew_tables *t)
{
	unsigned int i;

	sp->t = t;
	sp->now_ms = ew_now_ms();
	sp->l2_dirty = true;	/* a new generation's cache starts empty */
	sync_static(sp, t);
	for (i = 0; i < sp->n_ent; i++)
		sp->ent[i].pinned = false;
	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];

		pin(sp, tu->ifx, tu->nh);
		if (tu->encap == EW_ENCAP_VXLAN)
			pin(sp, EW_SCOPE_OV | tu->id, tu->peer);
	}
	/* LAN routes' gateways (workers read them like tunnel next hops)
	 * and the WAN gateways (replies leave through them) */
	for (i = 0; i < t->n_lan_nh; i++)
		if (t->lan_nh[i].via != 0)
			pin(sp, t->lan_nh[i].ifx, t->lan_nh[i].via);
	for (i = 0; i < t->cfg->n_ifaces && i < t->n_ports; i++)
		if (t->cfg->ifaces[i].gateway != 0)
			pin(sp, i, t->cfg->ifaces[i].gateway);
	ew_sp_tick(sp, sp->now_ms);
}

void
ew_sp_tick(struct ew_sp *sp, uint64_t now_ms)
{
	unsigned int i;

	sp->now_ms = now_ms;
	sp->t = __atomic_load_n(&sp->dp->tables, __ATOMIC_ACQUIRE);
	if (sp->t == NULL)
		return;
	/* Underlay first: an overlay peer's ARP needs the gateway's MAC. */
	for (i = 0; i < sp->n_ent; i++) {
		struct nent *e = &sp->ent[i];

		if (e->state == N_FREE || e->next_ms > now_ms)
			continue;
		if (e->state == N_INCOMPLETE) {
			if (e->probes >= EW_NEIGH_PROBES && !e->pinned) {
				ent_flush_queue(sp, e);
				ent_release(sp, e);
				continue;
			}
			if (e->probes >= EW_NEIGH_PROBES)
				ent_flush_queue(sp, e);	/* keep trying, hold none */
		} else if (e->probes >= EW_NEIGH_PROBES) {
			/* stale: no answer to our refreshes */
			ew_neigh_del(sp->dp->neigh, e->scope, e->ip);
			sp->l2_dirty = true;
			if (!e->pinned) {
				ent_release(sp, e);
				continue;
			}
			e->state = N_INCOMPLETE;
			e->probes = 0;
		}
		arp_request(sp, e);
		e->probes++;
		e->next_ms = now_ms + EW_NEIGH_RETRY_MS;
	}
	if (sp->l2_dirty)
		l2_refresh(sp);
}

unsigned int
ew_sp_neighbours(const struct ew_sp *sp, struct ew_neigh_info *out,
		unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < sp->n_ent && n < max; i++) {
		const struct nent *e = &sp->ent[i];

		if (e->state == N_FREE)
			continue;
		out[n].scope = e->scope;
		out[n].ip = e->ip;
		out[n].mac = e->mac;
		out[n].resolved = e->state == N_REACHABLE;
		out[n].queued = e->nq;
		n++;
	}
	return n;
}
