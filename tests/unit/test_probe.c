/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Probe answers as the slow path sees them, and the monitor state's
 * lifetime (issue 11):
 * - a STAMP reflector (or an attacker inside the tunnel) echoes the sender
 *   timestamp T1 back; the round trip must not be computed from it but
 *   from the time we sent that sequence number (item 10);
 * - the round trip starts when worker 0 sent the probe, not when the
 *   control thread queued it (a loaded machine can hold it there for
 *   milliseconds): worker 0 notes the time, nothing echoed is trusted;
 * - a tunnel's monitor state read by another thread (the telemetry thread
 *   is an RCU reader) must not be freed under it when the tunnel stops
 *   being probed (item 4).
 * Answers go through ew_sp_handle() as a worker would punt them.
 */

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "config/config.h"
#include "control/daemon.h"
#include "control/probe.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/ntp.h"
#include "fastpath/reasm.h"
#include "fastpath/worker.h"
#include "tests/common/eal.h"
#include "tests/common/slowpath_env.h"

#define MS 1000000ull

static const char cfg_text[] =
	"node: { name: pb }\n"
	"interfaces:\n"
	"  - { name: lan0, role: lan, device: net_null0, address: 10.1.0.1/24 }\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254 }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: gre\n    address: 169.254.100.1/24\n"
	"    tunnels: [{ name: to-b, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2, probe: stamp }]\n";

static struct ew_daemon *d;
static struct ew_tables *t;

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

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A reflected STAMP packet for SEQ as it arrives through tunnel 0 at
 * T4 = now: the reflector says T2 = T3 (no time of its own), and the
 * sender timestamp it echoes is T1 = T4 - T1_AGO_NS (forged). */
static struct rte_mbuf *
stamp_reply(uint32_t seq, uint64_t t1_ago_ns)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->dp.mp);
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint64_t tsc = rte_rdtsc(), t4 = ew_tsc_to_ns(&d->dp.clock, tsc);
	uint8_t *pl;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, sizeof(*ip) + sizeof(*udp) + EW_STAMP_LEN));
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	memset(ip, 0, sizeof(*ip) + sizeof(*udp) + EW_STAMP_LEN);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + EW_STAMP_LEN);
	ip->time_to_live = 255;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(0xa9fe6402);	/* 169.254.100.2 */
	ip->dst_addr = rte_cpu_to_be_32(0xa9fe6401);	/* 169.254.100.1 */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(EW_STAMP_PORT);
	udp->dst_port = rte_cpu_to_be_16(EW_STAMP_SENDER_PORT);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + EW_STAMP_LEN);
	pl = (uint8_t *)(udp + 1);
	put32(pl, seq);						/* reflector seq */
	put64(pl + 4, ew_ns_to_ntp(t4 - 50 * 1000));		/* T3 */
	put64(pl + 16, ew_ns_to_ntp(t4 - 50 * 1000));		/* T2 */
	put32(pl + 24, seq);					/* sender seq */
	put64(pl + 28, ew_ns_to_ntp(t4 - t1_ago_ns));		/* T1, forged */
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ew_meta(m)->reason = EW_PUNT_OV_LOCAL;
	ew_meta(m)->ifx = 1;
	ew_meta(m)->tun_slot = t->tun[0].slot;
	ew_meta(m)->tsc = tsc;
	return m;
}

static struct ew_mon *
new_mon(unsigned int slot)
{
	struct ew_mon *m = ew_probe_watch(d->probe, slot, 50, 5, 100 * MS);

	assert_non_null(m);
	return m;
}

static uint64_t
send_probe(struct ew_mon *m)
{
	uint32_t seq = ew_mon_sent(m, ew_probe_now_ns(d->probe));

	ew_sp_send_probe(d->sp, 0, seq, ew_mon_kinds(m, seq));
	return seq;
}

/* The answer to a probe sent 20 ms ago says it was sent 1 ms ago (or
 * 10 s ago): the round trip is still about 20 ms. */
static void
t_stamp_forged_t1(void **state)
{
	unsigned int slot = t->tun[0].slot;
	struct ew_mon *m = new_mon(slot);
	uint32_t seq;

	seq = send_probe(m);
	sleep_ms(20);
	ew_sp_handle(d->sp, stamp_reply(seq, 1 * MS));
	assert_int_equal(m->answered, 1);
	printf("forged T1 = T4 - 1 ms: rtt %.3f ms (sent 20 ms before)\n",
			m->rtt_ns / 1e6);
	assert_true(m->rtt_ns >= 19 * MS && m->rtt_ns < 500 * MS);

	seq = send_probe(m);
	sleep_ms(20);
	ew_sp_handle(d->sp, stamp_reply(seq, 10000 * MS));
	assert_int_equal(m->answered, 2);
	printf("forged T1 = T4 - 10 s: rtt %.3f ms (sent 20 ms before)\n",
			m->rtt_ns / 1e6);
	assert_true(m->rtt_ns >= 19 * MS && m->rtt_ns < 500 * MS);
	ew_probe_forget_tunnel(d->probe, slot);
}

/* Probe SEQ of tunnel slot SLOT as the control thread queues it for
 * worker 0 (the wire format does not matter here, only the marks). */
static void
queue_probe(unsigned int slot, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->dp.mp);
	struct ew_meta *mt;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 64));
	memset(rte_pktmbuf_mtod(m, void *), 0, 64);
	mt = ew_meta(m);
	memset(mt, 0, sizeof(*mt));
	mt->flags = EW_META_TXNTP | EW_META_TXLOG;
	mt->arg = (uint16_t)slot;
	mt->nh = seq;
	assert_int_equal(rte_ring_enqueue(d->dp.ctl_tx[1], m), 0);
}

/* Worker 0 sends what the control thread queued; the frames are dropped
 * here (no ports in this test). */
static void
worker0_sends(void)
{
	struct ew_worker *w = rte_zmalloc(NULL, sizeof(*w), RTE_CACHE_LINE_SIZE);
	unsigned int i, j;

	assert_non_null(w);
	ew_worker_init(w, &d->dp, 0, &d->dp.stats[rte_lcore_id()]);
	ew_worker_drain_ctl(w, t);
	for (i = 0; i < EW_MAX_IFACES; i++)
		for (j = 0; j < w->tx[i].n; j++)
			rte_pktmbuf_free(w->tx[i].m[j]);
	ew_reasm_fini(w);
	rte_free(w);
}

/* A probe waits 200 ms in the control-to-worker queue (a busy worker, a
 * loaded machine), then is answered 20 ms after it left: the round trip
 * is about 20 ms, from worker 0's transmit time, not 220 ms from the
 * queue, nor the 1 ms the forged T1 claims. */
static void
t_rtt_from_wire(void **state)
{
	unsigned int slot = t->tun[0].slot;
	struct ew_mon *m = new_mon(slot);
	uint64_t tsc;
	uint32_t seq;

	seq = ew_mon_sent(m, ew_probe_now_ns(d->probe));
	sleep_ms(200);
	queue_probe(slot, seq);
	worker0_sends();
	assert_int_equal(ew_dp_probe_tx(&d->dp, slot, seq, &tsc), 0);
	/* another sequence number, or another tunnel, is not known */
	assert_int_equal(ew_dp_probe_tx(&d->dp, slot, seq + 1, &tsc), -1);
	assert_int_equal(ew_dp_probe_tx(&d->dp, slot + 1, seq, &tsc), -1);
	sleep_ms(20);
	ew_sp_handle(d->sp, stamp_reply(seq, 1 * MS));
	assert_int_equal(m->answered, 1);
	printf("queued 200 ms, answered 20 ms after worker 0 sent it: rtt %.3f ms\n",
			m->rtt_ns / 1e6);
	assert_true(m->rtt_ns >= 20 * MS && m->rtt_ns < 200 * MS);

	/* EW_PROBE_TX_DEPTH probes later its entry is another's: the queue
	 * time is all we have, and the round trip counts from it */
	seq = ew_mon_sent(m, ew_probe_now_ns(d->probe));
	sleep_ms(50);
	queue_probe(slot, seq);
	queue_probe(slot, seq + EW_PROBE_TX_DEPTH);
	worker0_sends();
	assert_int_equal(ew_dp_probe_tx(&d->dp, slot, seq, &tsc), -1);
	ew_sp_handle(d->sp, stamp_reply(seq, 1 * MS));
	assert_int_equal(m->answered, 2);
	assert_true(m->rtt_ns >= 50 * MS && m->rtt_ns < 500 * MS);
	ew_probe_forget_tunnel(d->probe, slot);
}

/* A peer (here the WAN gateway) that does not answer ARP yet, 20 probe
 * rounds: one probe waits for the answer, the others are not sent, and
 * nothing is dropped from the neighbour's queue (before: 8 held, 12
 * dropped as neigh_queue, as a slow far site started). */
static void
t_one_probe_waits_for_arp(void **state)
{
	struct ew_lcore_stats *st = &d->dp.stats[rte_lcore_id()];
	uint64_t drops0 = st->drop[EW_DROP_NEIGH_QUEUE];
	unsigned int i, held = 0, skipped = 0;
	int rc;

	for (i = 0; i < 20; i++) {
		rc = ew_sp_send_probe(d->sp, 0, 1000 + i, EW_MON_STAMP | EW_MON_ICMP);
		held += rc == 1;
		skipped += rc == 2;
	}
	printf("20 probes to an unresolved next hop: %u held, %u not sent, neigh_queue +%" PRIu64 "\n",
			held, skipped, st->drop[EW_DROP_NEIGH_QUEUE] - drops0);
	assert_int_equal(st->drop[EW_DROP_NEIGH_QUEUE], drops0);
	assert_true(held <= 1);
	assert_int_equal(held + skipped, 20);
}

/* A tunnel stops being probed (probe: none) while an RCU reader (the
 * telemetry thread) has its monitor state in hand: the state stays valid
 * until the reader has passed a quiescent state. */
static void
t_forget_waits_for_readers(void **state)
{
	unsigned int slot = t->tun[0].slot, reader = d->dp.n_workers;
	struct ew_mon *m = new_mon(slot);
	const struct ew_mon *seen;

	assert_int_equal(rte_rcu_qsbr_thread_register(d->dp.qs, reader), 0);
	rte_rcu_qsbr_thread_online(d->dp.qs, reader);
	seen = ew_probe_mon(d->probe, slot);		/* what ew_probe_path() reads */
	assert_ptr_equal(seen, m);
	ew_probe_forget_tunnel(d->probe, slot);
	assert_null(ew_probe_mon(d->probe, slot));
	/* still readable: these are what free() overwrites first */
	assert_int_equal(seen->window, 50);
	assert_int_equal(seen->down_after, 5);
	assert_int_equal(seen->timeout_ns, 100 * MS);
	/* not freed while the reader is online */
	ew_probe_reclaim(d->probe);
	assert_ptr_equal(ew_probe_retired(d->probe), m);
	assert_int_equal(seen->window, 50);
	rte_rcu_qsbr_thread_offline(d->dp.qs, reader);
	/* the reader passed a quiescent state: freed now */
	ew_probe_reclaim(d->probe);
	assert_null(ew_probe_retired(d->probe));
	rte_rcu_qsbr_thread_unregister(d->dp.qs, reader);
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "256", "--no-pci",
		"--log-level", "*:error", NULL };
	static const struct rte_ether_addr macs[2] = {
		{ { 0x02, 0xee, 0, 0, 0, 0 } }, { { 0x02, 0xee, 0, 0, 0, 1 } } };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_stamp_forged_t1),
		cmocka_unit_test(t_rtt_from_wire),
		cmocka_unit_test(t_one_probe_waits_for_arp),
		cmocka_unit_test(t_forget_waits_for_readers),
	};
	int rc;

	(void)argc;
	/* freed memory is overwritten at once: a use after free shows in a
	 * plain build too (ASan reports it anyway) */
	mallopt(M_PERTURB, 0x5a);
	if (ew_test_eal_init("ewprobe", eal) < 0)
		return 1;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return 1;
	d->dp.mp = rte_pktmbuf_pool_create("pb", 4096, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (d->dp.mp == NULL)
		return 1;
	d->sp = ew_test_slowpath_start(&d->dp, "pb.yaml", cfg_text,
			sizeof(cfg_text) - 1, macs);
	if (d->sp == NULL)
		return 1;
	t = d->dp.tables;
	d->probe = ew_probe_init(&d->dp, d->sp);
	if (d->probe == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ew_probe_fini(d->probe);
	ew_sp_free(d->sp);
	ew_test_eal_cleanup();
	return rc;
}
