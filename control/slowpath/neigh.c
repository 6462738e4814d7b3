/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour state of the slow path, (scope, IPv4) -> MAC: a fixed table
 * with hash chains and bounded eviction; resolution with a short queue of
 * held packets per entry (and a cap on all of them); learning what ARP
 * tells us; static entries from the config; entries pinned for tunnels and
 * gateways; retries, refresh and ageing on the tick. It publishes to the
 * workers' rte_hash (fastpath/neigh.c) and to each generation's
 * per-tunnel MAC cache. ARP packets themselves are arp.c's.
 */
#include <string.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/neigh.h"

#define EW_NEIGH_EVICT_SAMPLE	64	/* entries looked at per eviction */

static void
ent_flush_queue(struct ew_sp *sp, struct ew_nent *e)
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
ew_sp_neigh_init(struct ew_sp *sp)
{
	sp->free_head = -1;
	memset(sp->head, -1, sizeof(sp->head));
	/* a sweep of unresolved destinations must not empty the pool */
	sp->held_max = RTE_MIN(EW_NEIGH_HOLD_MAX, sp->dp->mp->size / 16);
}

/* Drop every packet still held. */
void
ew_sp_neigh_free(struct ew_sp *sp)
{
	unsigned int i;

	for (i = 0; i < sp->n_ent; i++)
		ent_flush_queue(sp, &sp->ent[i]);
}

static inline uint32_t
ent_hash(uint32_t scope, uint32_t ip)
{
	uint64_t h = ((uint64_t)scope << 32 | ip) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) & (EW_NHASH_SIZE - 1);
}

static struct ew_nent *
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
ent_release(struct ew_sp *sp, struct ew_nent *e)
{
	int32_t idx = (int32_t)(e - sp->ent), *pp;

	for (pp = &sp->head[ent_hash(e->scope, e->ip)]; *pp >= 0;
			pp = &sp->ent[*pp].next)
		if (*pp == idx) {
			*pp = e->next;
			break;
		}
	e->state = EW_N_FREE;
	e->next = sp->free_head;
	sp->free_head = idx;
}

static struct ew_nent *
ent_new(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	unsigned int i;
	struct ew_nent *e = NULL;
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
			struct ew_nent *c;

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
	e->state = EW_N_INCOMPLETE;
	h = ent_hash(scope, ip);
	e->next = sp->head[h];
	sp->head[h] = (int32_t)(e - sp->ent);
	return e;
}

/* Resolve (SCOPE, IP): returns the MAC if known, else asks and returns
 * NULL; M (if not NULL) is queued on the entry or dropped. */
const struct rte_ether_addr *
ew_sp_resolve(struct ew_sp *sp, uint32_t scope, uint32_t ip,
		struct rte_mbuf *m)
{
	struct ew_nent *e = ent_find(sp, scope, ip);

	if (e != NULL && e->state == EW_N_REACHABLE)
		return &e->mac;
	if (e == NULL) {
		e = ent_new(sp, scope, ip);
		if (e == NULL) {
			if (m != NULL)
				ew_sp_drop(sp, m, EW_DROP_NEIGH_QUEUE);
			return NULL;
		}
	}
	if (m != NULL) {
		if (e->nq >= EW_NEIGH_QLEN)
			ew_sp_drop(sp, m, EW_DROP_NEIGH_QUEUE);
		else if (sp->n_held >= sp->held_max)
			ew_sp_drop(sp, m, EW_DROP_NEIGH_HOLD_CAP);
		else {
			e->q[e->nq++] = m;
			sp->n_held++;
		}
	}
	if (e->next_ms <= sp->now_ms) {
		ew_sp_arp_request(sp, e);
		e->probes++;
		e->next_ms = sp->now_ms + EW_NEIGH_RETRY_MS;
	}
	return NULL;
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
		struct ew_nent *e;

		if (tu->encap != EW_ENCAP_VXLAN || tu->ifx != scope || tu->nh != ip)
			continue;
		e = ent_find(sp, EW_SCOPE_OV | tu->id, tu->peer);
		if (e != NULL && e->state == EW_N_INCOMPLETE && e->waiting_ul) {
			ew_sp_arp_request(sp, e);
			e->next_ms = sp->now_ms + EW_NEIGH_RETRY_MS;
		}
	}
}

/* E's MAC is MAC, confirmed now: publish and release held packets. */
static void
ent_confirm(struct ew_sp *sp, struct ew_nent *e,
		const struct rte_ether_addr *mac)
{
	struct rte_mbuf *q[EW_NEIGH_QLEN];
	unsigned int i, nq;
	bool changed;

	changed = e->state != EW_N_REACHABLE ||
			!rte_is_same_ether_addr(&e->mac, mac);
	if (changed) {
		if (ew_neigh_set(sp->dp->neigh, e->scope, e->ip, mac) != 0) {
			SP_LOG(WARNING, "neighbour table full\n");
			return;
		}
		sp->l2_dirty = true;
	}
	e->mac = *mac;
	e->state = EW_N_REACHABLE;
	e->asked = false;
	e->probes = 0;
	e->verify_ms = 0;
	e->confirmed_ms = sp->now_ms;
	e->next_ms = sp->now_ms + EW_NEIGH_REACHABLE_MS;
	nq = e->nq;
	memcpy(q, e->q, nq * sizeof(q[0]));
	sp->n_held -= nq;
	e->nq = 0;
	for (i = 0; i < nq; i++)
		ew_sp_output(sp, q[i]);
	/* a newly usable underlay neighbour: the overlay peers behind it ask
	 * now (a refresh, or a static entry installed again with each
	 * generation, changes nothing they wait for; the tick retries them).
	 * Tunnel next hops are pinned: other neighbours (a big LAN's hosts
	 * asking for us) never cost a look at the tunnels. */
	if (changed && e->pinned && !(e->scope & EW_SCOPE_OV))
		kick_overlay(sp, e->scope, e->ip);
}

/* E moves to MAC: logged, counted, published. */
static void
ent_move(struct ew_sp *sp, struct ew_nent *e, const struct rte_ether_addr *mac)
{
	char a[RTE_ETHER_ADDR_FMT_SIZE], b[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(a, sizeof(a), &e->mac);
	rte_ether_format_addr(b, sizeof(b), mac);
	SP_LOG(NOTICE, "ARP: %u.%u.%u.%u on %s moved from %s to %s\n",
			e->ip >> 24, (e->ip >> 16) & 0xff, (e->ip >> 8) & 0xff,
			e->ip & 0xff, e->scope < sp->t->n_ports ?
			sp->t->ports[e->scope].name : "overlay", a, b);
	sp->st->arp_moves++;
	e->moved_ms = sp->now_ms;
	ent_confirm(sp, e, mac);
}

/* ARP punts the workers could not hand over (policed, ring full), all
 * lcores: while it grows, an owner's answer may have been among them. */
static uint64_t
arp_lost(const struct ew_dp *dp)
{
	uint64_t n = 0;
	unsigned int l;

	for (l = 0; l < dp->stats_lcores; l++)
		n += dp->stats[l].drop[EW_DROP_POLICE_ARP] +
				dp->stats[l].drop[EW_DROP_PUNT_FULL];
	return n;
}

/* ARP normal mode: known entry E (reachable) announced with another MAC.
 * At most one move per address per EW_NEIGH_MOVE_MS (the rest counted);
 * a pinned entry (a tunnel's or a route's next hop) asks its old MAC
 * first and moves only if that stays silent for EW_NEIGH_VERIFY_MS. */
static void
ent_follow(struct ew_sp *sp, struct ew_nent *e, const struct rte_ether_addr *mac)
{
	if (e->moved_ms != 0 && sp->now_ms - e->moved_ms < EW_NEIGH_MOVE_MS) {
		sp->st->arp_moves_limited++;
		return;
	}
	if (!e->pinned) {
		ent_move(sp, e, mac);
		return;
	}
	e->cand = *mac;
	if (e->verify_ms == 0) {
		e->verify_ms = sp->now_ms + EW_NEIGH_VERIFY_MS;
		e->verify_lost = arp_lost(sp->dp);
		ew_sp_arp_probe_old(sp, e);
	}
}

/* ARP says (SCOPE, IP) is at MAC: learn it (FLAGS: EW_LEARN_*) unless the
 * checks against spoofing and poisoning say no. */
void
ew_sp_learn(struct ew_sp *sp, uint32_t scope, uint32_t ip,
		const struct rte_ether_addr *mac, unsigned int flags)
{
	struct ew_nent *e = ent_find(sp, scope, ip);
	bool create = flags & EW_LEARN_CREATE;

	if (e == NULL) {
		if (!create)
			return;
		e = ent_new(sp, scope, ip);
		if (e == NULL)
			return;
	} else if (e->fixed) {
		return;		/* static entries come from the config only */
	} else if (e->verify_ms != 0 && rte_is_same_ether_addr(&e->mac, mac)) {
		/* the old MAC still speaks for its address: no move */
		SP_LOG(WARNING, "ARP: a pinned neighbour's owner still answers: move refused\n");
		sp->st->arp_moves_refused++;
		e->verify_ms = 0;
		return;
	} else if (e->state == EW_N_REACHABLE &&
			!rte_is_same_ether_addr(&e->mac, mac) &&
			(flags & EW_LEARN_FOLLOW)) {
		ent_follow(sp, e, mac);
		return;
	} else if (e->state == EW_N_REACHABLE && !e->asked && !create) {
		/* unsolicited reply for an entry we did not ask about: do not
		 * let it overwrite what we know (ARP spoofing) */
		return;
	} else if (e->state == EW_N_REACHABLE && !e->asked &&
			!rte_is_same_ether_addr(&e->mac, mac) &&
			sp->now_ms - e->confirmed_ms < EW_NEIGH_REACHABLE_MS) {
		/* someone else claims a fresh entry's address by asking us:
		 * keep the entry until it goes stale (poisoning) */
		SP_LOG(DEBUG, "ARP: refused a new MAC for a fresh entry\n");
		return;
	}
	ent_confirm(sp, e, mac);
}

/* What a packet into tunnel TXI would wait for: 0 nothing (next hops
 * resolved); 1 ARP; 2 ARP, behind packets already held for it. */
int
ew_sp_tunnel_waiting(struct ew_sp *sp, unsigned int tun)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	const struct ew_nent *e = ent_find(sp, tu->ifx, tu->nh);

	if (e != NULL && e->state == EW_N_REACHABLE) {
		if (tu->encap != EW_ENCAP_VXLAN)
			return 0;
		e = ent_find(sp, EW_SCOPE_OV | tu->id, tu->peer);
		if (e != NULL && e->state == EW_N_REACHABLE)
			return 0;
	}
	return e != NULL && e->nq > 0 ? 2 : 1;
}

/* (SCOPE, IP)'s MAC as a worker word, or 0 when it is not resolved. */
static uint64_t
l2_word_of(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	const struct ew_nent *e = ent_find(sp, scope, ip);

	return e != NULL && e->state == EW_N_REACHABLE ?
			ew_l2_word(&e->mac) : 0;
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
void
ew_sp_l2_refresh(struct ew_sp *sp)
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
	struct ew_nent *e = ent_find(sp, scope, ip);

	memcpy(a.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	if (e == NULL)
		e = ent_new(sp, scope, ip);
	if (e == NULL) {
		SP_LOG(WARNING, "neighbour table full: static entry not installed\n");
		return;
	}
	e->fixed = false;
	ew_sp_learn(sp, scope, ip, &a, EW_LEARN_CREATE);
	e->fixed = true;
	e->next_ms = UINT64_MAX;
}

static void
sync_static(struct ew_sp *sp, const struct ew_tables *t)
{
	const struct ew_config *cfg = t->cfg;
	unsigned int i, k, tun = 0;

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
		for (k = 0; k < cfg->overlays[i].n_tunnels; k++, tun++) {
			const struct ew_tunnel_cfg *tc = &cfg->overlays[i].tunnels[k];

			if (tc->peer_mac_set && tun < t->n_tunnels)
				set_static(sp, EW_SCOPE_OV | t->tun[tun].id,
						tc->peer, tc->peer_mac);
		}
}

/* (SCOPE, IP) is needed by the generation: resolve it, keep it fresh,
 * never age it out nor evict it for another. */
static void
pin(struct ew_sp *sp, uint32_t scope, uint32_t ip)
{
	struct ew_nent *e = ent_find(sp, scope, ip);

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
	ew_sp_pmtu_publish(sp);
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
		struct ew_nent *e = &sp->ent[i];

		if (e->verify_ms != 0 && e->verify_ms <= now_ms) {
			/* the old MAC stayed silent: follow the new one,
			 * unless its answer may have been lost in a flood */
			if (arp_lost(sp->dp) != e->verify_lost) {
				SP_LOG(WARNING, "ARP: punts were lost while a pinned neighbour was asked: move refused\n");
				sp->st->arp_moves_refused++;
			} else if (e->state == EW_N_REACHABLE && !e->fixed) {
				ent_move(sp, e, &e->cand);
			}
			e->verify_ms = 0;
		}
		if (e->state == EW_N_FREE || e->next_ms > now_ms)
			continue;
		if (e->state == EW_N_INCOMPLETE) {
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
			e->state = EW_N_INCOMPLETE;
			e->probes = 0;
		}
		ew_sp_arp_request(sp, e);
		e->probes++;
		e->next_ms = now_ms + EW_NEIGH_RETRY_MS;
	}
	if (sp->l2_dirty)
		ew_sp_l2_refresh(sp);
	ew_sp_pmtu_tick(sp);
}

unsigned int
ew_sp_neighbours(const struct ew_sp *sp, struct ew_neigh_info *out,
		unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < sp->n_ent && n < max; i++) {
		const struct ew_nent *e = &sp->ent[i];

		if (e->state == EW_N_FREE)
			continue;
		out[n].scope = e->scope;
		out[n].ip = e->ip;
		out[n].mac = e->mac;
		out[n].resolved = e->state == EW_N_REACHABLE;
		out[n].queued = e->nq;
		n++;
	}
	return n;
}
