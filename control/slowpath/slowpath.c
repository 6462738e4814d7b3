/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow path's frame: create/free, the drain of the workers' punt rings,
 * dispatch by punt reason to arp.c, icmp.c, stamp.c, frag.c and neigh.c,
 * and the send path every reply and held packet leaves by (out through a
 * port or a tunnel, resolving next hops, onto the per-port rings that
 * worker 0 drains). Also the probe sender the monitor calls.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/encap.h"

RTE_LOG_REGISTER_SUFFIX(ew_sp_logtype, slowpath, INFO);

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
	ew_sp_neigh_init(sp);
	sp->st = ew_dp_my_stats(dp);
	sp->now_ms = ew_now_ms();
	sp->icmp_tokens = EW_ICMP_RATE;
	sp->icmp_last_ms = sp->now_ms;
	sp->tsc_hz = rte_get_tsc_hz();
	return sp;
}

void
ew_sp_free(struct ew_sp *sp)
{
	if (sp == NULL)
		return;
	ew_sp_neigh_free(sp);
	free(sp);
}

void
ew_sp_set_probe_cb(struct ew_sp *sp, ew_probe_cb cb, void *arg)
{
	sp->probe_cb = cb;
	sp->probe_arg = arg;
}

void
ew_sp_drop(struct ew_sp *sp, struct rte_mbuf *m, enum ew_drop r)
{
	sp->st->drop[r]++;
	rte_pktmbuf_free(m);
}

/* ---- sending: per-port rings that worker 0 drains ---- */

void
ew_sp_send_l2(struct ew_sp *sp, unsigned int ifx, struct rte_mbuf *m)
{
	/* counted as sent by the worker that transmits it */
	if (rte_ring_sp_enqueue(sp->dp->ctl_tx[ifx], m) != 0)
		ew_sp_drop(sp, m, EW_DROP_TX_FULL);
}

/* Data at IPv4 (TTL handled): encapsulate into tunnel TX and send. */
void
ew_sp_out_tunnel(struct ew_sp *sp, struct rte_mbuf *m, unsigned int tun,
		uint8_t tos)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	const struct rte_ether_addr *nh, *peer = NULL;
	struct rte_ether_addr nh_mac, peer_mac;
	struct ew_meta *mt = ew_meta(m);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	mt->reason = EW_PUNT_NH_TUN;
	mt->tun_slot = tu->slot;
	mt->tos = tos;
	nh = ew_sp_resolve(sp, tu->ifx, tu->nh, NULL);
	if (nh == NULL) {
		ew_sp_resolve(sp, tu->ifx, tu->nh, m);
		return;
	}
	nh_mac = *nh;
	if (tu->encap == EW_ENCAP_VXLAN) {
		peer = ew_sp_resolve(sp, EW_SCOPE_OV | tu->id, tu->peer, NULL);
		if (peer == NULL) {
			ew_sp_resolve(sp, EW_SCOPE_OV | tu->id, tu->peer, m);
			return;
		}
		peer_mac = *peer;
	}
	if (ew_encap(m, tu, &nh_mac, &peer_mac,
			ew_flow_hash(ip, rte_pktmbuf_data_len(m)),
			(uint8_t)((tos & 0xfc) | (ip->type_of_service & 3))) != 0) {
		ew_sp_drop(sp, m, EW_DROP_NO_MBUF);
		return;
	}
	sp->st->tunnel[tu->slot].tx_packets++;
	sp->st->tunnel[tu->slot].tx_bytes += rte_pktmbuf_pkt_len(m);
	ew_sp_send_l2(sp, tu->ifx, m);
}

/* Data at IPv4 (TTL handled): send out of port IFX to next hop NH. */
void
ew_sp_out_port(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint32_t nh)
{
	const struct rte_ether_addr *mac;
	struct rte_ether_hdr *eth;
	struct ew_meta *mt = ew_meta(m);

	mt->reason = EW_PUNT_NH_PORT;
	mt->ifx = (uint8_t)ifx;
	mt->nh = nh;
	mac = ew_sp_resolve(sp, ifx, nh, NULL);
	if (mac == NULL) {
		ew_sp_resolve(sp, ifx, nh, m);
		return;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	if (eth == NULL) {
		ew_sp_drop(sp, m, EW_DROP_NO_MBUF);
		return;
	}
	eth->dst_addr = *mac;
	eth->src_addr = sp->t->ports[ifx].mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ew_sp_send_l2(sp, ifx, m);
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
void
ew_sp_out_ip(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr), nh;

	if (tun != EW_TUN_NONE) {
		ew_sp_out_tunnel(sp, m, tun, 0);
		return;
	}
	nh = port_nexthop(sp->t, ifx, dst);
	if (nh == 0) {
		ew_sp_drop(sp, m, EW_DROP_NO_ROUTE);
		return;
	}
	ew_sp_out_port(sp, m, ifx, nh);
}

/* Re-dispatch a held packet whose neighbour got resolved. */
void
ew_sp_output(struct ew_sp *sp, struct rte_mbuf *m)
{
	struct ew_meta *mt = ew_meta(m);
	/* held across a reload: the tunnel is found again by its slot */
	uint16_t tun = mt->tun_slot < EW_MAX_TUNNELS ? sp->t->tun_of_slot[mt->tun_slot] :
			EW_SLOT_NONE;

	if (mt->reason == EW_PUNT_NH_TUN && tun != EW_SLOT_NONE)
		ew_sp_out_tunnel(sp, m, tun, mt->tos);
	else if (mt->reason == EW_PUNT_NH_PORT && mt->ifx < sp->t->n_ports)
		ew_sp_out_port(sp, m, mt->ifx, mt->nh);
	else if (mt->reason == EW_PUNT_OV_ARP && tun != EW_SLOT_NONE) {
		/* a held ARP frame for inside a VXLAN overlay */
		struct rte_ether_addr dst =
			rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr;

		ew_sp_ov_send_arp(sp, m, tun, &dst);
	} else
		ew_sp_drop(sp, m, EW_DROP_NEIGH_QUEUE);
}

int
ew_sp_send_probe(struct ew_sp *sp, unsigned int tun, uint32_t seq,
		unsigned int kinds)
{
	int rc;

	sp->t = __atomic_load_n(&sp->dp->tables, __ATOMIC_ACQUIRE);
	if (sp->t == NULL || tun >= sp->t->n_tunnels)
		return -1;
	rc = ew_sp_tunnel_waiting(sp, tun);
	/* waiting for ARP, one packet is enough (the neighbour's queue is
	 * short and the data's): STAMP, or the one kind asked for; none
	 * while packets wait already (a slow peer would see its queue fill
	 * with our probes, and drops counted as neigh_queue) */
	if (rc == 2)
		return 2;
	if (rc == 1 && kinds == (EW_MON_STAMP | EW_MON_ICMP))
		kinds = EW_MON_STAMP;
	if ((kinds & EW_MON_STAMP) && ew_sp_stamp_send(sp, tun, seq) != 0)
		rc = -1;
	if ((kinds & EW_MON_ICMP) && ew_sp_icmp_probe_send(sp, tun, seq) != 0)
		rc = -1;
	return rc;
}

/* ---- dispatch ---- */

/* Data at IPv4 addressed to us (LOCAL or OV_LOCAL): STAMP (stamp.c),
 * else ICMP (icmp.c), which drops what is neither. */
static void
local_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx, uint16_t tun)
{
	if (ew_sp_stamp_input(sp, m, ifx, tun))
		return;
	ew_sp_icmp_input(sp, m, ifx, tun);
}

static void
sp_handle(struct ew_sp *sp, struct rte_mbuf *m)
{
	struct ew_meta *mt = ew_meta(m);
	const struct ew_tables *t = sp->t;
	uint16_t tun;

	if (t == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	/* the worker names tunnels by stable slot; a packet punted just
	 * before a reload may name one that is gone */
	tun = EW_TUN_NONE;
	if (mt->tun_slot != EW_TUN_NONE) {
		tun = mt->tun_slot < EW_MAX_TUNNELS ? t->tun_of_slot[mt->tun_slot] : EW_SLOT_NONE;
		if (tun == EW_SLOT_NONE) {
			ew_sp_drop(sp, m, EW_DROP_STALE);
			return;
		}
	}
	if (mt->ifx >= t->n_ports) {
		ew_sp_drop(sp, m, EW_DROP_STALE);
		return;
	}
	switch (mt->reason) {
	case EW_PUNT_ARP:
		ew_sp_arp_input(sp, m, mt->ifx, EW_TUN_NONE);
		break;
	case EW_PUNT_OV_ARP:
		ew_sp_arp_input(sp, m, mt->ifx, tun);
		break;
	case EW_PUNT_LOCAL:
		local_input(sp, m, mt->ifx, EW_TUN_NONE);
		break;
	case EW_PUNT_OV_LOCAL:
		local_input(sp, m, mt->ifx, tun);
		break;
	case EW_PUNT_NH_TUN:
		ew_sp_out_tunnel(sp, m, tun, mt->tos);
		break;
	case EW_PUNT_NH_PORT:
		ew_sp_out_port(sp, m, mt->ifx, mt->nh);
		break;
	case EW_PUNT_ICMP_ERR:
		ew_sp_icmp_error(sp, m, mt->ifx, tun, (uint8_t)(mt->arg >> 8),
				(uint8_t)mt->arg, (uint16_t)mt->nh);
		break;
	case EW_PUNT_FRAG:
		ew_sp_fragment(sp, m, tun, mt->tos, 0, 0);
		break;
	case EW_PUNT_FRAG_PORT:
		ew_sp_fragment(sp, m, EW_TUN_NONE, 0, mt->ifx, mt->nh);
		break;
	default:
		rte_pktmbuf_free(m);
	}
}

void
ew_sp_handle(struct ew_sp *sp, struct rte_mbuf *m)
{
	sp_handle(sp, m);
	if (sp->l2_dirty)
		ew_sp_l2_refresh(sp);
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
