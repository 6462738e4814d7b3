/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's per-packet work without ports: frames from a pcap go
 * through ew_worker_rx() in bursts of 32 on interface IFX, with the tables
 * built from a config file (bench_layout.py) and its static neighbours
 * installed by the slow path, exactly as edgewayd does. What the worker
 * queues for transmit is freed, not sent.
 *
 *   bench_loop CONFIG PCAP IFNAME PACKETS
 *
 * Prints packets out, drops, TSC cycles per packet of ew_worker_rx(). Under
 * `valgrind --tool=callgrind --toggle-collect=ew_worker_rx` the instruction
 * count divided by PACKETS is the instructions per packet of the loop body
 * (parse, classify, route, encapsulate), without the PMDs' RX/TX.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/worker.h"

#define BURST 32

struct frame {
	uint16_t len;
	uint8_t *data;
};

/* Frames of a classic little-endian pcap file, or NULL. */
static struct frame *
read_pcap(const char *path, unsigned int *n_out)
{
	FILE *f = fopen(path, "rb");
	uint32_t hdr[6], rec[4];
	struct frame *fr = NULL;
	unsigned int n = 0, cap = 0;

	if (f == NULL || fread(hdr, 4, 6, f) != 6 || hdr[0] != 0xa1b2c3d4) {
		fprintf(stderr, "%s: not a pcap file\n", path);
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	while (fread(rec, 4, 4, f) == 4) {
		if (rec[2] > 9000 || rec[2] < 14)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			fr = realloc(fr, cap * sizeof(*fr));
			if (fr == NULL)
				abort();
		}
		fr[n].len = (uint16_t)rec[2];
		fr[n].data = malloc(rec[2]);
		if (fr[n].data == NULL || fread(fr[n].data, 1, rec[2], f) != rec[2])
			break;
		n++;
	}
	fclose(f);
	*n_out = n;
	return fr;
}

int
main(int argc, char **argv)
{
	char prefix[64], err[128];
	char *eal[] = { argv[0], "--no-huge", "-m", "512", "--no-pci",
		"--log-level", "lib.eal:error", prefix, NULL };
	struct rte_ether_addr macs[EW_MAX_IFACES];
	uint16_t ports[EW_MAX_IFACES];
	struct ew_dp dp;
	struct ew_tables *t;
	struct ew_worker *w;
	struct ew_lcore_stats *st;
	struct ew_sp *sp;
	struct ew_config *cfg;
	struct ew_diag d;
	struct frame *fr;
	unsigned int n_fr, i, k, ifx = 0;
	uint64_t total, done = 0, out = 0, drops = 0, cycles = 0, t0;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_loop CONFIG PCAP IFNAME PACKETS\n");
		return 2;
	}
	total = strtoull(argv[4], NULL, 10);
	snprintf(prefix, sizeof(prefix), "--file-prefix=ewloop-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		return 1;
	cfg = ew_config_load(argv[1], &d);
	if (cfg == NULL) {
		ew_diag_print(&d, stderr);
		return 1;
	}
	fr = read_pcap(argv[2], &n_fr);
	if (fr == NULL || n_fr == 0)
		return 1;
	for (i = 0; i < cfg->n_ifaces; i++) {
		/* the receiving port has net_pcap's MAC, as in the pcap */
		struct rte_ether_addr m = { { 0x02, 0x70, 0x63, 0x61, 0x70, 0 } };

		if (strcmp(cfg->ifaces[i].name, argv[3]) == 0)
			ifx = i;
		else
			m.addr_bytes[5] = (uint8_t)(0x80 + i);
		macs[i] = m;
		ports[i] = (uint16_t)i;
	}
	memset(&dp, 0, sizeof(dp));
	dp.mp = rte_pktmbuf_pool_create("loop", 4096, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (dp.mp == NULL || ew_dp_init(&dp, 1, cfg->n_ifaces, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_loop: %s\n", dp.mp == NULL ? "no mempool" : err);
		return 1;
	}
	t = ew_tables_build(cfg, macs, ports, NULL, NULL, err, sizeof(err));
	if (t == NULL) {
		fprintf(stderr, "bench_loop: %s\n", err);
		return 1;
	}
	dp.tables = t;
	st = rte_zmalloc("st", sizeof(*st), 64);
	w = rte_zmalloc("w", sizeof(*w), 64);
	sp = ew_sp_create(&dp);
	if (st == NULL || w == NULL || sp == NULL)
		return 1;
	ew_worker_init(w, &dp, 0, st);
	ew_sp_tables_changed(sp, t);	/* installs the static neighbours */

	while (done < total) {
		struct rte_mbuf *m[BURST];
		unsigned int n = total - done < BURST ? (unsigned int)(total - done) : BURST;

		if (rte_pktmbuf_alloc_bulk(dp.mp, m, n) != 0)
			abort();
		for (i = 0; i < n; i++) {
			const struct frame *f = &fr[(done + i) % n_fr];

			memcpy(rte_pktmbuf_append(m[i], f->len), f->data, f->len);
		}
		t0 = rte_rdtsc();
		ew_worker_rx(w, t, ifx, m, (uint16_t)n);
		cycles += rte_rdtsc() - t0;
		for (k = 0; k < t->n_ports; k++) {
			out += w->tx[k].n;
			rte_pktmbuf_free_bulk(w->tx[k].m, w->tx[k].n);
			w->tx[k].n = 0;
		}
		rte_pktmbuf_free_bulk(w->punt, w->n_punt);
		w->n_punt = 0;
		done += n;
	}
	for (k = 0; k < t->n_ports; k++)
		drops += st->port[k].drops;
	printf("packets,%lu\nout,%lu\ndrops,%lu\ncycles_per_packet,%.1f\n",
			(unsigned long)done, (unsigned long)out,
			(unsigned long)drops, (double)cycles / (double)done);
	for (k = 0; k < EW_DROP_MAX; k++)
		if (st->drop[k] != 0)
			printf("drop_%s,%lu\n", ew_drop_names[k],
					(unsigned long)st->drop[k]);
	return out == done ? 0 : 1;
}
