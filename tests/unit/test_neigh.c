/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow path's neighbour table against hostile ARP: unsolicited and
 * gratuitous replies, poisoning of fresh entries, static entries, and the
 * table's bound with eviction (issue 7). ARP frames go through
 * ew_sp_handle() as the worker would punt them; what the workers would see
 * is read back from the lock-free neighbour hash. lan0 runs ARP strict
 * (the behaviour before issue 12); inet the default, normal: it follows
 * gratuitous ARP and known hosts' requests, within limits.
 */

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
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "config/config.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/neigh.h"
#include "fastpath/worker.h"
#include "tests/common/eal.h"
#include "tests/common/frames.h"
#include "tests/common/slowpath_env.h"

/* lan0 is a /16 so the table can be flooded from on-link senders. */
static const char cfg_text[] =
	"node: { name: nb }\n"
	"interfaces:\n"
	"  - name: lan0\n"
	"    role: lan\n"
	"    device: net_null0\n"
	"    address: 10.1.0.1/16\n"
	"    arp: strict\n"
	"    neighbors: [ { address: 10.1.0.200, mac: \"02:00:00:00:00:c8\" } ]\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254,\n"
	"      neighbors: [ { address: 198.51.100.200, mac: \"02:00:00:00:01:c8\" } ] }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n"
	"    tunnels: [{ name: to-b, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2 }]\n";

static struct ew_dp dp;
static struct ew_tables *t;
static struct ew_sp *sp;
static uint64_t now_ms;

static struct rte_mbuf *
arp(uint16_t op, const struct rte_ether_addr *sha, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m = ew_test_arp_frame(dp.mp, op, sha, sip, tip);

	assert_non_null(m);
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ew_meta(m)->reason = EW_PUNT_ARP;
	ew_meta(m)->ifx = 0;
	ew_meta(m)->tun_slot = EW_TUN_NONE;
	return m;
}

/* Feed one frame; drop whatever the slow path wanted to send. */
static void
feed(struct rte_mbuf *m)
{
	struct rte_mbuf *out[64];
	unsigned int k, n;

	ew_sp_handle(sp, m);
	for (k = 0; k < t->n_ports; k++)
		while ((n = rte_ring_dequeue_burst(dp.ctl_tx[k], (void **)out, 64, NULL)) > 0)
			rte_pktmbuf_free_bulk(out, n);
}

static struct rte_ether_addr
mac_n(uint32_t n)
{
	struct rte_ether_addr a = { { 0x02, 0x10, (uint8_t)(n >> 24),
		(uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n } };
	return a;
}

/* The MAC the workers see for (lan0, IP), or all zero. */
static struct rte_ether_addr
seen(uint32_t ip)
{
	struct rte_ether_addr a;

	memset(&a, 0, sizeof(a));
	if (ew_neigh_get(dp.neigh, 0, ip, &a) != 0)
		memset(&a, 0, sizeof(a));
	return a;
}

static void
t_request_learns(void **state)
{
	struct rte_ether_addr a = mac_n(1), s;

	feed(arp(RTE_ARP_OP_REQUEST, &a, 0x0a010010, 0x0a010001));
	s = seen(0x0a010010);
	assert_true(rte_is_same_ether_addr(&s, &a));
}

static void
t_unsolicited_reply_ignored(void **state)
{
	struct rte_ether_addr a = mac_n(2), s;

	/* a reply (and a gratuitous one) for an address we never asked
	 * about creates nothing */
	feed(arp(RTE_ARP_OP_REPLY, &a, 0x0a010020, 0x0a010001));
	feed(arp(RTE_ARP_OP_REQUEST, &a, 0x0a010021, 0x0a010021));
	s = seen(0x0a010020);
	assert_true(rte_is_zero_ether_addr(&s));
	s = seen(0x0a010021);
	assert_true(rte_is_zero_ether_addr(&s));
}

static void
t_poisoning_refused(void **state)
{
	struct rte_ether_addr good = mac_n(3), evil = mac_n(0xbad), s;

	feed(arp(RTE_ARP_OP_REQUEST, &good, 0x0a010030, 0x0a010001));
	/* someone else claims the fresh entry's address: by reply ... */
	feed(arp(RTE_ARP_OP_REPLY, &evil, 0x0a010030, 0x0a010001));
	/* ... by gratuitous ARP ... */
	feed(arp(RTE_ARP_OP_REQUEST, &evil, 0x0a010030, 0x0a010030));
	/* ... and by asking us for our address */
	feed(arp(RTE_ARP_OP_REQUEST, &evil, 0x0a010030, 0x0a010001));
	s = seen(0x0a010030);
	assert_true(rte_is_same_ether_addr(&s, &good));
	/* nor may anyone claim our own address */
	feed(arp(RTE_ARP_OP_REQUEST, &evil, 0x0a010001, 0x0a010001));
	s = seen(0x0a010001);
	assert_true(rte_is_zero_ether_addr(&s));
}

static void
t_stale_entry_may_change(void **state)
{
	struct rte_ether_addr old = mac_n(4), nu = mac_n(5), s;

	feed(arp(RTE_ARP_OP_REQUEST, &old, 0x0a010040, 0x0a010001));
	/* past the reachable time the host may have a new NIC */
	now_ms += 2 * EW_NEIGH_REACHABLE_MS;
	ew_sp_tick(sp, now_ms);
	feed(arp(RTE_ARP_OP_REQUEST, &nu, 0x0a010040, 0x0a010001));
	s = seen(0x0a010040);
	assert_true(rte_is_same_ether_addr(&s, &nu));
}

static void
t_static_entry_fixed(void **state)
{
	struct rte_ether_addr evil = mac_n(0xbad), want = { { 2, 0, 0, 0, 0, 0xc8 } }, s;

	s = seen(0x0a0100c8);
	assert_true(rte_is_same_ether_addr(&s, &want));
	feed(arp(RTE_ARP_OP_REPLY, &evil, 0x0a0100c8, 0x0a010001));
	feed(arp(RTE_ARP_OP_REQUEST, &evil, 0x0a0100c8, 0x0a010001));
	now_ms += 10 * EW_NEIGH_REACHABLE_MS;	/* and it never ages out */
	ew_sp_tick(sp, now_ms);
	feed(arp(RTE_ARP_OP_REQUEST, &evil, 0x0a0100c8, 0x0a010001));
	s = seen(0x0a0100c8);
	assert_true(rte_is_same_ether_addr(&s, &want));
}

/* What workers read instead of the hash: the per-tunnel and per-via MAC
 * words of the generation, kept in step with the entries. */
static void
t_mac_cache(void **state)
{
	struct rte_ether_addr gw = mac_n(0x9e), got;
	struct rte_mbuf *m;

	/* the tunnel's gateway is pinned and asked for, not yet known */
	assert_int_equal(t->tun_l2[0] & EW_L2_VALID, 0);
	assert_int_equal(t->tun_l2[1] & EW_L2_VALID, 0);	/* VXLAN peer */
	m = arp(RTE_ARP_OP_REPLY, &gw, 0xc63364fe, 0xc6336401);
	ew_meta(m)->ifx = 1;
	feed(m);
	assert_true(t->tun_l2[0] & EW_L2_VALID);
	ew_l2_mac(t->tun_l2[0], &got);
	assert_true(rte_is_same_ether_addr(&got, &gw));
	/* the peer inside the overlay is still unknown: no shortcut yet */
	assert_int_equal(t->tun_l2[1] & EW_L2_VALID, 0);
}

/* ---- ARP normal mode, on inet (ifx 1) ---- */

static struct rte_mbuf *
arp1(uint16_t op, const struct rte_ether_addr *sha, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m = arp(op, sha, sip, tip);

	ew_meta(m)->ifx = 1;
	return m;
}

static bool
seen1_is(uint32_t ip, const struct rte_ether_addr *want)
{
	struct rte_ether_addr a;

	if (ew_neigh_get(dp.neigh, 1, ip, &a) != 0)
		return false;
	return rte_is_same_ether_addr(&a, want);
}

static uint64_t
moves(void)
{
	struct ew_lcore_stats *st = ew_dp_stats_snapshot(&dp);
	uint64_t v = st->arp_moves;

	free(st);
	return v;
}

static uint64_t
moves_limited(void)
{
	struct ew_lcore_stats *st = ew_dp_stats_snapshot(&dp);
	uint64_t v = st->arp_moves_limited;

	free(st);
	return v;
}

static void
tick_ms(unsigned int ms)
{
	now_ms += ms;
	ew_sp_tick(sp, now_ms);
}

/* A gratuitous ARP (request or reply) moves a known host at once; the
 * move is counted. Unknown addresses are not created by it. */
static void
t_garp_follows(void **state)
{
	struct rte_ether_addr a = mac_n(0x50), b = mac_n(0x51), c = mac_n(0x52);
	uint64_t m0 = moves();

	feed(arp1(RTE_ARP_OP_REQUEST, &a, 0xc6336432, 0xc6336401));
	assert_true(seen1_is(0xc6336432, &a));
	feed(arp1(RTE_ARP_OP_REQUEST, &b, 0xc6336432, 0xc6336432));
	assert_true(seen1_is(0xc6336432, &b));
	assert_int_equal(moves(), m0 + 1);
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REPLY, &c, 0xc6336432, 0xc6336432));	/* arping -A */
	assert_true(seen1_is(0xc6336432, &c));
	assert_int_equal(moves(), m0 + 2);
	/* nobody we know: nothing created */
	feed(arp1(RTE_ARP_OP_REQUEST, &a, 0xc6336433, 0xc6336433));
	assert_false(seen1_is(0xc6336433, &a));
	/* a plain unsolicited reply still changes nothing */
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REPLY, &a, 0xc6336432, 0xc6336401));
	assert_true(seen1_is(0xc6336432, &c));
}

/* A known host's request (to us or to anyone) with a new MAC moves it;
 * moves of one address are rate-limited to one a second, the rest
 * counted. */
static void
t_request_follows_rate_limited(void **state)
{
	struct rte_ether_addr a = mac_n(0x60), b = mac_n(0x61), c = mac_n(0x62);
	uint64_t l0 = moves_limited();

	feed(arp1(RTE_ARP_OP_REQUEST, &a, 0xc6336440, 0xc6336401));
	feed(arp1(RTE_ARP_OP_REQUEST, &b, 0xc6336440, 0xc6336401));
	assert_true(seen1_is(0xc6336440, &b));
	/* flapping within the second: held back, counted */
	feed(arp1(RTE_ARP_OP_REQUEST, &c, 0xc6336440, 0xc6336499));
	feed(arp1(RTE_ARP_OP_REQUEST, &a, 0xc6336440, 0xc6336440));
	assert_true(seen1_is(0xc6336440, &b));
	assert_int_equal(moves_limited(), l0 + 2);
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REQUEST, &c, 0xc6336440, 0xc6336499));
	assert_true(seen1_is(0xc6336440, &c));
}

/* Static entries never move, whatever the mode. */
static void
t_static_never_moves(void **state)
{
	struct rte_ether_addr evil = mac_n(0xbad), want = { { 2, 0, 0, 0, 1, 0xc8 } };

	assert_true(seen1_is(0xc63364c8, &want));
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REQUEST, &evil, 0xc63364c8, 0xc63364c8));
	feed(arp1(RTE_ARP_OP_REPLY, &evil, 0xc63364c8, 0xc63364c8));
	feed(arp1(RTE_ARP_OP_REQUEST, &evil, 0xc63364c8, 0xc6336401));
	tick_ms(1100);
	assert_true(seen1_is(0xc63364c8, &want));
}

/* The tunnel's gateway (pinned): a new MAC is followed only once the old
 * one stays silent for EW_NEIGH_VERIFY_MS; if the old owner answers, the
 * entry stays. */
static void
t_pinned_moves_only_when_owner_silent(void **state)
{
	struct rte_ether_addr gw = mac_n(0x9e), evil = mac_n(0xbad), nu = mac_n(0x9f);
	struct rte_ether_addr got;
	struct ew_lcore_stats *st;
	uint64_t refused;

	assert_true(seen1_is(0xc63364fe, &gw));		/* from t_mac_cache */
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REQUEST, &evil, 0xc63364fe, 0xc63364fe));
	assert_true(seen1_is(0xc63364fe, &gw));		/* not yet */
	feed(arp1(RTE_ARP_OP_REPLY, &gw, 0xc63364fe, 0xc6336401));	/* owner */
	tick_ms(EW_NEIGH_VERIFY_MS + 100);
	assert_true(seen1_is(0xc63364fe, &gw));
	st = ew_dp_stats_snapshot(&dp);
	refused = st->arp_moves_refused;
	free(st);
	assert_int_equal(refused, 1);
	/* a real move (VRRP failover, replaced router): the old MAC is
	 * silent, the new one is followed after the verify time */
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REPLY, &nu, 0xc63364fe, 0xc63364fe));
	assert_true(seen1_is(0xc63364fe, &gw));
	tick_ms(EW_NEIGH_VERIFY_MS + 100);
	assert_true(seen1_is(0xc63364fe, &nu));
	ew_l2_mac(t->tun_l2[0], &got);			/* the tunnel's cache too */
	assert_true(rte_is_same_ether_addr(&got, &nu));
	/* under an ARP flood the owner's answer may be what was policed: a
	 * window in which ARP punts were lost moves nothing */
	tick_ms(1100);
	feed(arp1(RTE_ARP_OP_REQUEST, &evil, 0xc63364fe, 0xc63364fe));
	dp.stats[1].drop[EW_DROP_POLICE_ARP] += 500;	/* a worker's */
	tick_ms(EW_NEIGH_VERIFY_MS + 100);
	assert_true(seen1_is(0xc63364fe, &nu));
	st = ew_dp_stats_snapshot(&dp);
	refused = st->arp_moves_refused;
	free(st);
	assert_int_equal(refused, 2);
}

static void
t_bound_and_eviction(void **state)
{
	struct ew_neigh_info *n = calloc(EW_NEIGH_MAX + 1, sizeof(*n));
	unsigned int i, cnt, gw = 0, stat = 0;
	uint32_t flood = EW_NEIGH_MAX + 500;

	assert_non_null(n);
	/* more on-link askers than the table holds */
	for (i = 0; i < flood; i++) {
		struct rte_ether_addr a = mac_n(0x100000 + i);

		if (i % 4096 == 0)
			ew_sp_tick(sp, ++now_ms);
		feed(arp(RTE_ARP_OP_REQUEST, &a, 0x0a010000 + 0x1000 + i, 0x0a010001));
	}
	cnt = ew_sp_neighbours(sp, n, EW_NEIGH_MAX + 1);
	assert_true(cnt <= EW_NEIGH_MAX);
	assert_true(cnt >= EW_NEIGH_MAX - 16);
	for (i = 0; i < cnt; i++) {
		gw += n[i].scope == 1 && n[i].ip == 0xc63364fe;	/* pinned: a tunnel's */
		stat += n[i].scope == 0 && n[i].ip == 0x0a0100c8;	/* static */
	}
	assert_int_equal(gw, 1);
	assert_int_equal(stat, 1);
	/* the newest asker is in, an early one was evicted */
	{
		struct rte_ether_addr s = seen(0x0a010000 + 0x1000 + flood - 1);
		struct rte_ether_addr want = mac_n(0x100000 + flood - 1);

		assert_true(rte_is_same_ether_addr(&s, &want));
		s = seen(0x0a010000 + 0x1000 + 1);
		assert_true(rte_is_zero_ether_addr(&s));
	}
	free(n);
}

int
main(int argc, char **argv)
{
	int rc;
	char *eal[] = { argv[0], "--no-huge", "-m", "256", "--no-pci",
		"--log-level", "*:error", NULL };
	static const struct rte_ether_addr macs[2] = {
		{ { 0x02, 0xee, 0, 0, 0, 0 } }, { { 0x02, 0xee, 0, 0, 0, 1 } } };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_request_learns),
		cmocka_unit_test(t_unsolicited_reply_ignored),
		cmocka_unit_test(t_poisoning_refused),
		cmocka_unit_test(t_stale_entry_may_change),
		cmocka_unit_test(t_static_entry_fixed),
		cmocka_unit_test(t_mac_cache),
		cmocka_unit_test(t_bound_and_eviction),
		cmocka_unit_test(t_garp_follows),
		cmocka_unit_test(t_request_follows_rate_limited),
		cmocka_unit_test(t_static_never_moves),
		cmocka_unit_test(t_pinned_moves_only_when_owner_silent),
	};

	(void)argc;
	if (ew_test_eal_init("ewneigh", eal) < 0)
		return 1;
	dp.mp = rte_pktmbuf_pool_create("nb", 8192, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (dp.mp == NULL)
		return 1;
	sp = ew_test_slowpath_start(&dp, "nb.yaml", cfg_text, sizeof(cfg_text) - 1,
			macs);
	if (sp == NULL)
		return 1;
	t = dp.tables;
	now_ms = ew_now_ms();
	ew_sp_tick(sp, now_ms);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ew_test_eal_cleanup();
	return rc;
}
