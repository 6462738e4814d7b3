/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the packet path: the first input byte picks the
 * arrival interface (LAN, or one of two WANs), the rest is the frame. It
 * goes through the worker with real tables and resolved neighbours; what
 * the worker punts goes through the control thread's slow path (ARP, ICMP,
 * STAMP, fragmentation). Every frame must end transmitted, punted, or
 * counted as a drop; nothing may read out of bounds (ASan).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/neigh.h"
#include "fastpath/worker.h"
#include "tests/common/fixtures.h"

static const char cfg_text[] =
	"node: { name: fz }\n"
	EW_TEST_SITE_A
	"classes:\n"
	"  - { name: gre-udp, match: [{ proto: udp, dst_port: 5000-5100 }], overlays: [silver], dscp: 46 }\n"
	"  - { name: bal, match: [{ proto: tcp, dst: 10.3.0.0/16 }], overlays: [gold, silver], balance: flow }\n"
	"  - { name: default, overlays: [gold, silver] }\n";

static struct ew_dp dp;
static struct ew_tables *t;
static struct ew_worker *w;
static struct ew_sp *sp;
static struct ew_lcore_stats *st;
static uint64_t runs, fake_ms = 1000000;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[64];
	char *eal[] = { (*argv)[0], "--no-huge", "-m", "256", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level=0", "--file-prefix",
		prefix, NULL };
	static const struct rte_ether_addr macs[3] = {
		{ { 0x02, 0xa0, 0, 0, 0, 0 } }, { { 0x02, 0xa0, 0, 0, 0, 1 } },
		{ { 0x02, 0xa0, 0, 0, 0, 2 } } };
	static const uint16_t ports[3] = { 0, 1, 2 };
	struct rte_ether_addr m = { { 0x02, 0x99, 0, 0, 0, 1 } };
	struct ew_config *cfg;
	struct ew_diag d;
	char err[128];

	snprintf(prefix, sizeof(prefix), "ewfuzz-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		abort();
	dp.mp = rte_pktmbuf_pool_create("fz", 8192, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (dp.mp == NULL || ew_dp_init(&dp, 1, 3, err, sizeof(err)) != 0)
		abort();
	cfg = ew_config_load_string("fz.yaml", cfg_text, sizeof(cfg_text) - 1, &d);
	if (cfg == NULL)
		abort();
	t = ew_tables_build(cfg, macs, ports, NULL, NULL, err, sizeof(err));
	if (t == NULL)
		abort();
	dp.tables = t;
	/* neighbours resolved, so encapsulation and LAN delivery run too */
	ew_neigh_set(dp.neigh, 1, 0xc6336402, &m);
	ew_neigh_set(dp.neigh, 2, 0xcb00717e, &m);
	ew_neigh_set(dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &m);
	ew_neigh_set(dp.neigh, 0, 0x0a01000a, &m);
	ew_neigh_set(dp.neigh, 0, 0x0a0100fe, &m);
	st = rte_zmalloc("st", sizeof(*st), 64);
	w = rte_zmalloc("w", sizeof(*w), 64);
	sp = ew_sp_create(&dp);
	if (st == NULL || w == NULL || sp == NULL)
		abort();
	ew_worker_init(w, &dp, 0, st);
	ew_sp_tables_changed(sp, t);
	return 0;
}

static uint64_t
drops(void)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < t->n_ports; i++)
		n += st->port[i].drops;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *out[64];
	uint64_t d0 = drops(), out_n = 0;
	unsigned int ifx, i, k, n;
	uint8_t *p;

	if (size < 1 || size > 1 + RTE_MBUF_DEFAULT_DATAROOM - 64)
		return 0;
	ifx = data[0] % 3;
	/* the slow path's clock moves on, so held packets and neighbours
	 * age out as they would (and ageing gets fuzzed too) */
	if (++runs % 256 == 0)
		ew_sp_tick(sp, fake_ms += 500);
	m = rte_pktmbuf_alloc(dp.mp);
	if (m == NULL)
		return 0;	/* the pool is held by queued packets: not a bug */
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(size - 1));
	if (size > 1)
		memcpy(p, data + 1, size - 1);
	ew_worker_rx(w, t, ifx, &m, 1);
	/* what the worker decided */
	for (k = 0; k < t->n_ports; k++) {
		out_n += w->tx[k].n;
		rte_pktmbuf_free_bulk(w->tx[k].m, w->tx[k].n);
		w->tx[k].n = 0;
	}
	out_n += w->n_punt;
	/* an ICMP error punt is also a counted drop: count it once */
	for (i = 0; i < w->n_punt; i++)
		if (ew_meta(w->punt[i])->reason == EW_PUNT_ICMP_ERR)
			out_n--;
	if (out_n + (drops() - d0) != 1) {
		fprintf(stderr, "packet accounting: %lu out, %lu dropped\n",
				(unsigned long)out_n, (unsigned long)(drops() - d0));
		abort();
	}
	/* the slow path takes the punts (ARP, ICMP, STAMP, fragmentation) */
	for (i = 0; i < w->n_punt; i++)
		ew_sp_handle(sp, w->punt[i]);
	w->n_punt = 0;
	for (k = 0; k < t->n_ports; k++)
		while ((n = rte_ring_dequeue_burst(dp.ctl_tx[k], (void **)out, 64, NULL)) > 0)
			rte_pktmbuf_free_bulk(out, n);
	return 0;
}
