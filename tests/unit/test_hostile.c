/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hostile input against the worker and the slow path (issue 11, items 2,
 * 3, 6, 7, 9): packets held for ARP are capped in total; LAN packets from
 * our own addresses are dropped and the STAMP reflector refuses loops;
 * overlay ARP keeps its pacing and pinned neighbours are never evicted;
 * punts are policed per reason so a flood costs only itself; echo replies
 * leave by the interface the request came in on.
 *
 * Each test starts from a fresh data plane (rings, neighbour hash), table
 * generation and slow path. Counters are looked up by their names.
 */

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "config/config.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/neigh.h"
#include "fastpath/reasm.h"
#include "fastpath/pmtu.h"
#include "fastpath/worker.h"
#include "tests/common/eal.h"
#include "tests/common/frames.h"
#include "tests/common/slowpath_env.h"

/* lan0 (ifx 0) is a /16 with a LAN route via 10.1.0.254; inet (ifx 1)
 * carries a VXLAN tunnel to an on-link remote, gateway .254, and a second
 * one to another remote (.3), resolved statically and not probed: it
 * sends and asks nothing. */
static const char cfg_text[] =
	"node: { name: hz }\n"
	"interfaces:\n"
	"  - name: lan0\n"
	"    role: lan\n"
	"    device: net_null0\n"
	"    address: 10.1.0.1/16\n"
	"    routes: [{ prefix: 10.50.0.0/16, via: 10.1.0.254 }]\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254,\n"
	"      neighbors: [{ address: 198.51.100.3, mac: \"02:33:00:00:00:03\" }] }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n"
	"    tunnels: [{ name: to-b, wan: inet, remote: 198.51.100.2, peer: 169.254.100.2 },\n"
	"              { name: to-c, wan: inet, remote: 198.51.100.3, peer: 169.254.100.3,\n"
	"                peer_mac: \"02:33:00:00:01:03\", probe: none }]\n"
	"    routes: [{ prefix: 10.2.0.0/16, via: to-b }]\n";

#define LAN_IP		0x0a010001u	/* 10.1.0.1 */
#define LAN_HOST	0x0a01000au	/* 10.1.0.10 */
#define LAN_GW		0x0a0100feu	/* 10.1.0.254, via of 10.50/16 */
#define WAN_IP		0xc6336401u	/* 198.51.100.1 */
#define WAN_GW		0xc63364feu	/* 198.51.100.254 */
#define REMOTE		0xc6336402u	/* 198.51.100.2, the tunnel's nh */
#define OV_IP		0xa9fe6401u	/* 169.254.100.1 */
#define OV_PEER		0xa9fe6402u	/* 169.254.100.2 */
#define POOL_MBUFS	8192u

static const struct rte_ether_addr macs[2] = {
	{ { 0x02, 0xee, 0, 0, 0, 0 } }, { { 0x02, 0xee, 0, 0, 0, 1 } } };
static const struct rte_ether_addr mac_host = { { 0x02, 0x11, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_lgw = { { 0x02, 0x11, 0, 0, 0, 0xfe } };
static const struct rte_ether_addr mac_wgw = { { 0x02, 0x99, 0, 0, 0, 0xfe } };
static const struct rte_ether_addr mac_remote = { { 0x02, 0x99, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr mac_peer = { { 0x02, 0x77, 0, 0, 0, 0x02 } };

static struct rte_mempool *mp;
static struct ew_dp dp;
static struct ew_tables *t;
static struct ew_sp *sp;
static struct ew_worker *w;
static uint64_t now_ms;

/* A drop counter by its name, summed over lcores; -1 if no such name. */
static int64_t
drops(const char *name)
{
	struct ew_lcore_stats *s;
	unsigned int i;
	int64_t v = -1;

	for (i = 0; i < EW_DROP_MAX; i++)
		if (strcmp(ew_drop_names[i], name) == 0) {
			s = ew_dp_stats_snapshot(&dp);
			assert_non_null(s);
			v = (int64_t)s->drop[i] + (int64_t)w->st->drop[i];
			free(s);
		}
	return v;
}

static int
setup(void **state)
{
	(void)state;
	memset(&dp, 0, sizeof(dp));
	dp.mp = mp;
	sp = ew_test_slowpath_start(&dp, "hz.yaml", cfg_text, sizeof(cfg_text) - 1,
			macs);
	if (sp == NULL)
		return -1;
	t = dp.tables;
	now_ms = ew_now_ms();
	ew_sp_tick(sp, now_ms);
	/* the worker's counters live apart from the control thread's */
	w = rte_zmalloc("w", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (w == NULL)
		return -1;
	ew_worker_init(w, &dp, 0, rte_zmalloc("wst", sizeof(*w->st), 64));
	return w->st == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < EW_MAX_IFACES; i++)
		rte_pktmbuf_free_bulk(w->tx[i].m, w->tx[i].n);
	rte_pktmbuf_free_bulk(w->punt, w->n_punt);
	rte_free(w->st);
	ew_reasm_fini(w);
	rte_free(w);
	ew_sp_free(sp);
	ew_dp_fini(&dp);
	ew_tables_free(t);
	return 0;
}

/* ---- frames ---- */

static void
meta(struct rte_mbuf *m, uint8_t reason, unsigned int ifx, uint16_t tx)
{
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ew_meta(m)->reason = reason;
	ew_meta(m)->ifx = (uint8_t)ifx;
	ew_meta(m)->tun_slot = tx;
}

/* Ethernet/ARP to DST (broadcast for requests). */
static struct rte_mbuf *
arp(uint16_t op, const struct rte_ether_addr *sha, uint32_t sip, uint32_t tip,
		unsigned int ifx)
{
	struct rte_mbuf *m = ew_test_arp_frame(mp, op, sha, sip, tip);

	assert_non_null(m);
	meta(m, EW_PUNT_ARP, ifx, EW_TUN_NONE);
	return m;
}

/* IPv4 (data at IP) SRC -> DST: UDP SPORT -> DPORT with PAYLOAD bytes, or
 * ICMP echo request (PROTO ICMP, SPORT = identifier). */
static struct rte_mbuf *
ip4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport, uint16_t dport,
		uint16_t payload, uint8_t ttl)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint16_t l4 = 8, tot = (uint16_t)(20 + l4 + payload);
	struct rte_ipv4_hdr *ip;
	uint8_t *p;

	assert_non_null(m);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, tot);
	assert_non_null(ip);
	memset(ip, 0, tot);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	p = (uint8_t *)(ip + 1);
	memset(p + l4, 0x5a, payload);
	if (proto == IPPROTO_ICMP) {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)p;

		ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
		ic->icmp_ident = rte_cpu_to_be_16(sport);
		ic->icmp_seq_nb = rte_cpu_to_be_16(1);
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, l4 + payload);
	} else {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)p;

		u->src_port = rte_cpu_to_be_16(sport);
		u->dst_port = rte_cpu_to_be_16(dport);
		u->dgram_len = rte_cpu_to_be_16((uint16_t)(l4 + payload));
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	return m;
}

/* Prepend Ethernet to port IFX's MAC (for the worker). */
static struct rte_mbuf *
eth(struct rte_mbuf *m, unsigned int ifx, const struct rte_ether_addr *src)
{
	struct rte_ether_hdr *e = (struct rte_ether_hdr *)
			rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);

	assert_non_null(e);
	e->dst_addr = macs[ifx];
	e->src_addr = *src;
	e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	return m;
}

/* Wrap inner IPv4 M in Ethernet/IPv4/UDP/VXLAN from the tunnel's remote:
 * a frame as it arrives on inet. */
static struct rte_mbuf *vxlan_from(struct rte_mbuf *m, uint32_t remote);

static struct rte_mbuf *
vxlan(struct rte_mbuf *m)
{
	return vxlan_from(m, REMOTE);
}

/* The same from another tunnel's REMOTE. */
static struct rte_mbuf *
vxlan_from(struct rte_mbuf *m, uint32_t remote)
{
	uint16_t inner = (uint16_t)(rte_pktmbuf_pkt_len(m) + RTE_ETHER_HDR_LEN);
	struct rte_ether_hdr *ie;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	uint8_t *vx;

	ie = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	assert_non_null(ie);
	ie->dst_addr = macs[1];
	ie->src_addr = mac_peer;
	ie->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	vx = (uint8_t *)rte_pktmbuf_prepend(m, 8);
	assert_non_null(vx);
	{
		static const uint8_t hdr[8] = { 0x08, 0, 0, 0, 0, 0, 100, 0 };

		rte_memcpy(vx, hdr, sizeof(hdr));
	}
	u = (struct rte_udp_hdr *)rte_pktmbuf_prepend(m, sizeof(*u));
	assert_non_null(u);
	u->src_port = rte_cpu_to_be_16(50000);
	u->dst_port = rte_cpu_to_be_16(4789);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(inner + 16));
	u->dgram_cksum = 0;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, sizeof(*ip));
	assert_non_null(ip);
	ip->type_of_service = 0;
	ip->packet_id = 0;
	ip->fragment_offset = 0;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(inner + 16 + 20));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(remote);
	ip->dst_addr = rte_cpu_to_be_32(WAN_IP);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return eth(m, 1, &mac_remote);
}

/* ---- what the slow path sent ---- */

struct sent {
	unsigned int arp, vxlan, ipv4;
	struct rte_ether_addr last_dst;	/* of the last IPv4 (not VXLAN) frame */
	uint32_t last_ip_dst;
};

/* Take (and free) everything queued for port IFX. */
static struct sent
sent(unsigned int ifx)
{
	struct rte_mbuf *out[64];
	struct sent s;
	unsigned int n, k;

	memset(&s, 0, sizeof(s));
	while ((n = rte_ring_dequeue_burst(dp.ctl_tx[ifx], (void **)out, 64, NULL)) > 0) {
		for (k = 0; k < n; k++) {
			const struct rte_ether_hdr *e = rte_pktmbuf_mtod(out[k],
					const struct rte_ether_hdr *);
			const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(e + 1);
			const struct rte_udp_hdr *u = (const struct rte_udp_hdr *)(ip + 1);

			if (e->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
				s.arp++;
			else if (ip->next_proto_id == IPPROTO_UDP &&
					u->dst_port == rte_cpu_to_be_16(4789))
				s.vxlan++;
			else {
				s.ipv4++;
				s.last_dst = e->dst_addr;
				s.last_ip_dst = rte_be_to_cpu_32(ip->dst_addr);
			}
		}
		rte_pktmbuf_free_bulk(out, n);
	}
	return s;
}

static void
drain(void)
{
	sent(0);
	sent(1);
}

/* Everyone the tests talk to, known the way the slow path learns in any
 * version: they ask us for our address. */
static void
resolve_all(void)
{
	struct rte_mbuf *m;

	ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &mac_host, LAN_HOST, LAN_IP, 0));
	ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &mac_wgw, WAN_GW, WAN_IP, 1));
	ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &mac_remote, REMOTE, WAN_IP, 1));
	/* the overlay peer, inside the tunnel */
	m = arp(RTE_ARP_OP_REQUEST, &mac_peer, OV_PEER, OV_IP, 1);
	meta(m, EW_PUNT_OV_ARP, 1, t->tun[0].slot);
	ew_sp_handle(sp, m);
	drain();
}

/* ---- item 2: packets held for ARP ---- */

static void
t_held_packets_capped(void **state)
{
	struct ew_neigh_info *n = calloc(EW_NEIGH_MAX, sizeof(*n));
	unsigned int i, cnt, held = 0, sweep = 3000;
	unsigned int in_use0 = rte_mempool_in_use_count(mp);

	(void)state;
	assert_non_null(n);
	/* a ping sweep of the /16 LAN: every destination a new neighbour,
	 * each packet punted to wait for its ARP */
	for (i = 0; i < sweep; i++) {
		uint32_t dst = 0x0a010000u + 0x100 + i;
		struct rte_mbuf *m = ip4(0x0a020010, dst, IPPROTO_UDP, 1, 2, 10, 63);

		meta(m, EW_PUNT_NH_PORT, 0, EW_TUN_NONE);
		ew_meta(m)->nh = dst;
		ew_sp_handle(sp, m);
		if (i % 256 == 0)
			drain();
	}
	drain();
	cnt = ew_sp_neighbours(sp, n, EW_NEIGH_MAX);
	for (i = 0; i < cnt; i++)
		held += n[i].queued;
	printf("held %u packets for ARP, mbufs in use %u, neigh_hold_cap %lld\n",
			held, rte_mempool_in_use_count(mp) - in_use0,
			(long long)drops("neigh_hold_cap"));
	/* at most min(1024, mbufs / 16) held in total */
	assert_true(held <= RTE_MIN(1024u, POOL_MBUFS / 16));
	assert_true(held > 0);
	assert_true(rte_mempool_in_use_count(mp) - in_use0 <= RTE_MIN(1024u, POOL_MBUFS / 16));
	/* and what was refused is counted under its own name */
	assert_int_equal(drops("neigh_hold_cap"), sweep - held);
	free(n);
}

/* ---- item 3: spoofed own source, STAMP loops ---- */

static void
t_lan_spoof_self(void **state)
{
	static const uint32_t own[] = { LAN_IP, WAN_IP, OV_IP };
	struct rte_mbuf *m;
	unsigned int i, k;

	(void)state;
	resolve_all();
	for (i = 0; i < RTE_DIM(own); i++) {
		/* UDP 862 -> 862 from one of our own addresses to the far
		 * site's overlay address: the start of a reflector loop */
		m = eth(ip4(own[i], OV_PEER, IPPROTO_UDP, 862, 862, EW_STAMP_LEN, 64),
				0, &mac_host);
		ew_worker_rx(w, t, 0, &m, 1);
		for (k = 0; k < t->n_ports; k++)
			assert_int_equal(w->tx[k].n, 0);
		assert_int_equal(w->n_punt, 0);
	}
	assert_int_equal(drops("lan_spoof_self"), RTE_DIM(own));
	/* positive control: the LAN host itself is forwarded */
	m = eth(ip4(LAN_HOST, OV_PEER, IPPROTO_UDP, 862, 862, EW_STAMP_LEN, 64),
			0, &mac_host);
	ew_worker_rx(w, t, 0, &m, 1);
	assert_int_equal(w->tx[1].n + w->n_punt, 1);
}

/* A STAMP test packet from SRC:SPORT arriving inside the tunnel. */
static void
stamp_in(uint32_t src, uint16_t sport)
{
	struct rte_mbuf *m = ip4(src, OV_IP, IPPROTO_UDP, sport, EW_STAMP_PORT,
			EW_STAMP_LEN, 64);

	meta(m, EW_PUNT_OV_LOCAL, 1, t->tun[0].slot);
	ew_sp_handle(sp, m);
}

static void
t_reflector_refuses_loops(void **state)
{
	struct sent s;

	(void)state;
	resolve_all();
	/* positive control: the peer's session-sender is answered */
	stamp_in(OV_PEER, EW_STAMP_SENDER_PORT);
	s = sent(1);
	assert_int_equal(s.vxlan, 1);
	/* from port 862: another reflector, never answered */
	stamp_in(OV_PEER, EW_STAMP_PORT);
	stamp_in(0x0a02000a, EW_STAMP_PORT);
	/* from one of our own addresses */
	stamp_in(OV_IP, EW_STAMP_SENDER_PORT);
	stamp_in(LAN_IP, EW_STAMP_SENDER_PORT);
	s = sent(1);
	assert_int_equal(s.vxlan, 0);
	assert_int_equal(drops("stamp_loop"), 4);
}

/* ---- item 6: ARP pacing and pinned entries ---- */

static void
t_overlay_arp_paced(void **state)
{
	unsigned int i;
	struct sent s;

	(void)state;
	drain();
	/* the tunnel's next hop answers: the overlay peer is asked at once */
	ew_sp_handle(sp, arp(RTE_ARP_OP_REPLY, &mac_remote, REMOTE, WAN_IP, 1));
	s = sent(1);
	assert_int_equal(s.vxlan, 1);
	/* a big LAN's hosts (random senders) ask for us: each is learned,
	 * none may re-send the overlay's ARP inside its 1 s pacing */
	for (i = 0; i < 200; i++) {
		struct rte_ether_addr a = { { 0x02, 0x33, 0, 0, (uint8_t)(i >> 8), (uint8_t)i } };

		ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &a, 0x0a010200 + i, LAN_IP, 0));
	}
	/* and on the WAN too */
	for (i = 0; i < 50; i++) {
		struct rte_ether_addr a = { { 0x02, 0x34, 0, 0, 0, (uint8_t)i } };

		ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &a, 0xc6336410 + i, WAN_IP, 1));
	}
	s = sent(1);
	printf("overlay ARP frames sent into the tunnel by 250 ARP requests: %u\n",
			s.vxlan);
	assert_int_equal(s.vxlan, 0);
	/* the tick still retries it after the pacing interval */
	now_ms += EW_NEIGH_RETRY_MS + 1;
	ew_sp_tick(sp, now_ms);
	s = sent(1);
	assert_int_equal(s.vxlan, 1);
}

/* The MAC the workers see for (SCOPE, IP), or all zero. */
static struct rte_ether_addr
seen(uint32_t scope, uint32_t ip)
{
	struct rte_ether_addr a;

	if (ew_neigh_get(dp.neigh, scope, ip, &a) != 0)
		memset(&a, 0, sizeof(a));
	return a;
}

static void
t_pinned_never_evicted(void **state)
{
	struct rte_ether_addr s;
	unsigned int i;

	(void)state;
	resolve_all();
	ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &mac_lgw, LAN_GW, LAN_IP, 0));
	drain();
	s = seen(0, LAN_GW);
	assert_true(rte_is_same_ether_addr(&s, &mac_lgw));
	/* more on-link askers than the table holds, each newer than the
	 * LAN route's gateway */
	for (i = 0; i < EW_NEIGH_MAX + 200; i++) {
		struct rte_ether_addr a = { { 0x02, 0x44, 0, (uint8_t)(i >> 16),
			(uint8_t)(i >> 8), (uint8_t)i } };

		if (i % 4096 == 0) {
			now_ms += 1;
			ew_sp_tick(sp, now_ms);
			drain();
		}
		ew_sp_handle(sp, arp(RTE_ARP_OP_REQUEST, &a, 0x0a011000 + i, LAN_IP, 0));
	}
	drain();
	/* the LAN route's gateway, the tunnel's next hop and the WAN
	 * gateway are still there for the workers */
	s = seen(0, LAN_GW);
	assert_true(rte_is_same_ether_addr(&s, &mac_lgw));
	s = seen(1, REMOTE);
	assert_true(rte_is_same_ether_addr(&s, &mac_remote));
	s = seen(1, WAN_GW);
	assert_true(rte_is_same_ether_addr(&s, &mac_wgw));
	/* while unpinned LAN hosts were evicted to make room */
	s = seen(0, 0x0a011000);
	assert_true(rte_is_zero_ether_addr(&s));
}

/* ---- item 7: punt policing ---- */

static unsigned int
ring_count(void)
{
	return rte_ring_count(dp.punt[0]);
}

/* Is the most recent element of the punt ring a punt of REASON? (The
 * ring is drained and freed.) */
static bool
last_punt_is(uint8_t reason)
{
	struct rte_mbuf *out[64], *last = NULL;
	unsigned int n;
	bool r;

	while ((n = rte_ring_dequeue_burst(dp.punt[0], (void **)out, 64, NULL)) > 0) {
		if (last != NULL)
			rte_pktmbuf_free(last);
		last = out[n - 1];
		rte_pktmbuf_free_bulk(out, n - 1);
	}
	r = last != NULL && ew_meta(last)->reason == reason;
	rte_pktmbuf_free(last);
	return r;
}

/* The peer's STAMP answer inside the tunnel: an OV_LOCAL punt. */
static struct rte_mbuf *
probe_answer(void)
{
	return vxlan(ip4(OV_PEER, OV_IP, IPPROTO_UDP, EW_STAMP_PORT,
			EW_STAMP_SENDER_PORT, EW_STAMP_LEN, 255));
}

static void
flood(unsigned int ifx, uint32_t src, uint32_t dst, uint8_t ttl, unsigned int n)
{
	struct rte_mbuf *b[EW_BURST];
	unsigned int i, k;

	for (i = 0; i < n; i += EW_BURST) {
		for (k = 0; k < EW_BURST; k++)
			b[k] = eth(ip4(src, dst, IPPROTO_ICMP, 7, 0, 32, ttl), ifx,
					ifx == 0 ? &mac_host : &mac_wgw);
		ew_worker_rx(w, t, ifx, b, EW_BURST);
		ew_worker_flush(w, t);
	}
}

static void
t_punt_policed(void **state)
{
	uint64_t hz = rte_get_tsc_hz();
	struct rte_mbuf *m;
	int64_t pol;

	(void)state;
	resolve_all();
	/* the neighbour hash as the worker needs it */
	w->rx_tsc = 1000 * hz;
	/* an ICMP flood at the WAN address, faster than the control thread
	 * drains (here: not at all) */
	flood(1, 0xcb007105, WAN_IP, 64, 4096);
	printf("after 4096 pings at the WAN address: %u punted, punt_full %lld, punt_police_local %lld\n",
			ring_count(), (long long)drops("punt_full"),
			(long long)drops("punt_police_local"));
	/* the probe answer and ARP still get through */
	m = probe_answer();
	ew_worker_rx(w, t, 1, &m, 1);
	ew_worker_flush(w, t);
	assert_int_equal(drops("punt_full"), 0);
	assert_true(last_punt_is(EW_PUNT_OV_LOCAL));
	m = arp(RTE_ARP_OP_REPLY, &mac_wgw, WAN_GW, WAN_IP, 1);
	ew_worker_rx(w, t, 1, &m, 1);
	ew_worker_flush(w, t);
	assert_true(last_punt_is(EW_PUNT_ARP));
	pol = drops("punt_police_local");
	assert_true(pol > 4096 - 1024);

	/* TTL 1 from the LAN: ICMP errors policed, probes unaffected */
	flood(0, LAN_HOST, 0x0a02000a, 1, 4096);
	assert_true(drops("punt_police_icmp") > 4096 - 1024);
	m = probe_answer();
	ew_worker_rx(w, t, 1, &m, 1);
	ew_worker_flush(w, t);
	assert_int_equal(drops("punt_full"), 0);
	assert_true(last_punt_is(EW_PUNT_OV_LOCAL));

	/* a second later the bucket has refilled: pings are answered
	 * again, and the flood's second wave is policed again */
	w->rx_tsc += hz;
	flood(1, 0xcb007105, WAN_IP, 64, 64);
	assert_true(ring_count() >= 32);
	assert_true(last_punt_is(EW_PUNT_LOCAL));
	flood(1, 0xcb007105, WAN_IP, 64, 4096);
	assert_true(drops("punt_police_local") > pol + 2048);
}

#define REMOTE_C	0xc6336403u	/* 198.51.100.3, tunnel to-c */
#define OV_PEER_C	0xa9fe6403u	/* 169.254.100.3 */

/* A burst of N packets INNER() through tunnel to-c, never drained. */
static void
flood_c(uint16_t sport, uint16_t dport, uint8_t proto, unsigned int n)
{
	struct rte_mbuf *b[EW_BURST];
	unsigned int i, k;

	for (i = 0; i < n; i += EW_BURST) {
		for (k = 0; k < EW_BURST; k++)
			b[k] = vxlan_from(ip4(OV_PEER_C, OV_IP, proto, sport, dport,
					EW_STAMP_LEN, 255), REMOTE_C);
		ew_worker_rx(w, t, 1, b, EW_BURST);
		ew_worker_flush(w, t);
	}
}

/* A flood through one tunnel (to-c: STAMP tests, or pings at our overlay
 * address from the far site's LAN) costs only that tunnel: the answers to
 * our probes and the ARP of another tunnel on the same WAN (to-b) still
 * reach the control thread. */
static void
t_punt_policed_per_tunnel(void **state)
{
	uint64_t hz = rte_get_tsc_hz();
	struct rte_ether_hdr *ie;
	struct rte_mbuf *m;
	int64_t probe0, probe1, ov0;

	(void)state;
	resolve_all();
	w->rx_tsc = 2000 * hz;
	probe0 = drops("punt_police_probe");
	flood_c(EW_STAMP_SENDER_PORT, EW_STAMP_PORT, IPPROTO_UDP, 4096);
	printf("4096 STAMP tests through to-c: %u punted, punt_police_probe +%lld\n",
			ring_count(), (long long)(drops("punt_police_probe") - probe0));
	probe1 = drops("punt_police_probe");
	assert_true(probe1 - probe0 > 2048);
	m = probe_answer();		/* through to-b */
	ew_worker_rx(w, t, 1, &m, 1);
	ew_worker_flush(w, t);
	assert_int_equal(drops("punt_police_probe"), probe1);
	assert_true(last_punt_is(EW_PUNT_OV_LOCAL));

	/* pings at our overlay address through to-c: to-b's ARP passes */
	ov0 = drops("punt_police_overlay");
	flood_c(7, 0, IPPROTO_ICMP, 4096);
	assert_true(drops("punt_police_overlay") - ov0 > 2048);
	/* the peer's ARP reply inside to-b: the inner frame's Ethernet
	 * header as vxlan() writes it, made an ARP one */
	m = arp(RTE_ARP_OP_REPLY, &mac_peer, OV_PEER, OV_IP, 1);
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	m = vxlan(m);
	ie = rte_pktmbuf_mtod_offset(m, struct rte_ether_hdr *,
			RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + 8 + 8);
	ie->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ew_worker_rx(w, t, 1, &m, 1);
	ew_worker_flush(w, t);
	assert_true(last_punt_is(EW_PUNT_OV_ARP));
}

/* Packets from the tunnel for unresolved LAN hosts, over the next-hop
 * punt rate: what is policed is a drop of the port they arrived on (inet),
 * so that per interface rx = forwarded + drops + punted still holds. */
static void
t_policed_counted_on_arrival(void **state)
{
	uint64_t lan0, inet0, pol0;
	struct rte_mbuf *b[EW_BURST];
	unsigned int i, k;

	(void)state;
	resolve_all();
	w->rx_tsc = 3000 * rte_get_tsc_hz();
	lan0 = w->st->port[0].drops;
	inet0 = w->st->port[1].drops;
	pol0 = drops("punt_police_nexthop");
	for (i = 0; i < 1024; i += EW_BURST) {
		for (k = 0; k < EW_BURST; k++)
			b[k] = vxlan(ip4(0x0a020010, 0x0a010500 + i + k, IPPROTO_UDP,
					1, 2, 10, 63));
		ew_worker_rx(w, t, 1, b, EW_BURST);
		ew_worker_flush(w, t);
	}
	printf("policed %lld; drops: lan0 +%" PRIu64 ", inet +%" PRIu64 "\n",
			(long long)(drops("punt_police_nexthop") - pol0),
			w->st->port[0].drops - lan0, w->st->port[1].drops - inet0);
	assert_true(drops("punt_police_nexthop") - pol0 > 0);
	assert_int_equal(w->st->port[0].drops, lan0);
	assert_int_equal(w->st->port[1].drops - inet0,
			(uint64_t)(drops("punt_police_nexthop") - pol0));
}

/* ---- item 9: replies by the arrival interface ---- */

static void
t_echo_reply_by_arrival(void **state)
{
	struct rte_mbuf *m;
	struct sent lan, wan;

	(void)state;
	resolve_all();
	/* from the WAN, with a spoofed LAN source, to the WAN address */
	m = ip4(LAN_HOST, WAN_IP, IPPROTO_ICMP, 0x77, 0, 32, 64);
	meta(m, EW_PUNT_LOCAL, 1, EW_TUN_NONE);
	ew_sp_handle(sp, m);
	lan = sent(0);
	wan = sent(1);
	printf("echo reply: %u IPv4 frames into the LAN, %u out of the WAN\n",
			lan.ipv4, wan.ipv4);
	assert_int_equal(lan.ipv4, 0);
	/* out of inet, towards its gateway (the only neighbour that can
	 * route an off-link address there) */
	assert_int_equal(wan.ipv4, 1);
	assert_true(rte_is_same_ether_addr(&wan.last_dst, &mac_wgw));
	/* positive control: the LAN host pinging the WAN address from the
	 * LAN gets its answer in the LAN */
	m = ip4(LAN_HOST, WAN_IP, IPPROTO_ICMP, 0x78, 0, 32, 64);
	meta(m, EW_PUNT_LOCAL, 0, EW_TUN_NONE);
	ew_sp_handle(sp, m);
	lan = sent(0);
	wan = sent(1);
	assert_int_equal(lan.ipv4, 1);
	assert_int_equal(wan.ipv4, 0);
	assert_true(rte_is_same_ether_addr(&lan.last_dst, &mac_host));
}

/* ---- issue 12 item 1: underlay frag needed ---- */

/* An ICMP frag needed (NEXT_HOP) from the WAN gateway quoting QLEN bytes
 * of Q, punted from inet as the worker does. */
static struct rte_mbuf *
frag_needed(const uint8_t *q, uint16_t qlen, uint16_t next_hop)
{
	struct rte_mbuf *m = ip4(WAN_GW, WAN_IP, IPPROTO_ICMP, 0, 0, qlen, 64);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);

	ic->icmp_type = 3;
	ic->icmp_code = 4;
	ic->icmp_ident = 0;
	ic->icmp_seq_nb = rte_cpu_to_be_16(next_hop);
	memcpy(ic + 1, q, qlen);
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + qlen);
	meta(m, EW_PUNT_LOCAL, 1, EW_TUN_NONE);
	return m;
}

/* A frag needed quoting our tunnel's header lowers that tunnel's path
 * MTU (not the other's), tells the LAN host whose DF packet it was, and
 * ages out; one quoting anything else is counted and changes nothing. */
static void
t_pmtu_frag_needed(void **state)
{
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	uint8_t q[576];
	int64_t spoof = drops("icmp_frag_spoof");
	struct sent s;

	(void)state;
	resolve_all();
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), 1500);
	/* what to-b sends for a 1450-byte DF packet from the LAN host */
	m = ip4(LAN_HOST, 0x0a02000a, IPPROTO_UDP, 1000, 2000, 1450 - 28, 64);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = eth(m, 0, &mac_host);
	ew_worker_rx(w, t, 0, &m, 1);
	assert_int_equal(w->tx[1].n, 1);
	memcpy(q, rte_pktmbuf_mtod_offset(w->tx[1].m[0], uint8_t *, 14), sizeof(q));
	rte_pktmbuf_free(w->tx[1].m[0]);
	w->tx[1].n = 0;

	/* not our tunnel: another remote, another VNI, a bad checksum */
	q[19] ^= 0x10;
	ew_sp_handle(sp, frag_needed(q, 548, 1400));
	q[19] ^= 0x10;
	q[34] ^= 1;
	ew_sp_handle(sp, frag_needed(q, 548, 1400));
	q[34] ^= 1;
	m = frag_needed(q, 548, 1400);
	rte_pktmbuf_mtod_offset(m, uint8_t *, 30)[0] ^= 1;
	ew_sp_handle(sp, m);
	assert_int_equal(drops("icmp_frag_spoof"), spoof + 3);
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), 1500);
	assert_int_equal(sent(0).ipv4, 0);

	/* ours: to-b only goes down, and the host hears of it */
	ew_sp_handle(sp, frag_needed(q, 548, 1400));
	assert_int_equal(drops("icmp_frag_spoof"), spoof + 3);
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), 1400);
	assert_int_equal(ew_pmtu_inner(t->tun_mtu[0]), 1350);
	assert_int_equal(ew_pmtu_path(t->tun_mtu[1]), 1500);
	s = sent(0);
	assert_int_equal(s.ipv4, 1);
	assert_int_equal(s.last_ip_dst, LAN_HOST);
	/* never raised by one, never below the floor */
	ew_sp_handle(sp, frag_needed(q, 548, 1450));
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), 1400);
	ew_sp_handle(sp, frag_needed(q, 548, 200));
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), EW_PMTU_MIN);
	drain();
	/* kept across a reload's publication, then aged out */
	ew_sp_tables_changed(sp, t);
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), EW_PMTU_MIN);
	ew_sp_tick(sp, ew_now_ms() + EW_PMTU_AGE_MS - 1000);
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), EW_PMTU_MIN);
	ew_sp_tick(sp, ew_now_ms() + EW_PMTU_AGE_MS + 1000);
	assert_int_equal(ew_pmtu_path(t->tun_mtu[0]), 1500);
	drain();
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "512", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level", "*:error", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_held_packets_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lan_spoof_self, setup, teardown),
		cmocka_unit_test_setup_teardown(t_reflector_refuses_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(t_overlay_arp_paced, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pinned_never_evicted, setup, teardown),
		cmocka_unit_test_setup_teardown(t_punt_policed, setup, teardown),
		cmocka_unit_test_setup_teardown(t_punt_policed_per_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(t_policed_counted_on_arrival, setup, teardown),
		cmocka_unit_test_setup_teardown(t_echo_reply_by_arrival, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pmtu_frag_needed, setup, teardown),
	};
	int rc;

	(void)argc;
	if (ew_test_eal_init("ewhostile", eal) < 0)
		return 1;
	if (ew_meta_register() != 0)
		return 1;
	mp = rte_pktmbuf_pool_create("hz", POOL_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(mp);
	ew_test_eal_cleanup();
	return rc;
}
