/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "fastpath/dataplane.h"
#include "fastpath/neigh.h"
#include "fastpath/port.h"

int ew_meta_offset = -1;

int
ew_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "ew_meta",
		.size = sizeof(struct ew_meta),
		.align = __alignof__(struct ew_meta),
	};

	if (ew_meta_offset >= 0)
		return 0;
	ew_meta_offset = rte_mbuf_dynfield_register(&desc);
	return ew_meta_offset < 0 ? -1 : 0;
}

size_t
ew_dp_pool_bytes(unsigned int n, uint16_t max_mtu)
{
	return (size_t)n * (sizeof(struct rte_mbuf) + RTE_PKTMBUF_HEADROOM +
			ew_port_buf_size(max_mtu));
}

struct rte_mempool *
ew_dp_pool_create(const char *name, unsigned int n, uint16_t max_mtu,
		int socket, char *err, size_t errlen)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, 256, 0, (uint16_t)
			(RTE_PKTMBUF_HEADROOM + ew_port_buf_size(max_mtu)), socket);
	if (mp == NULL)
		snprintf(err, errlen, "cannot create a pool of %u mbufs of %u bytes (about %zu MiB, for mtu %u): %s",
				n, RTE_PKTMBUF_HEADROOM + ew_port_buf_size(max_mtu),
				ew_dp_pool_bytes(n, max_mtu) >> 20, max_mtu,
				rte_strerror(rte_errno));
	return mp;
}

int
ew_dp_init(struct ew_dp *dp, unsigned int n_workers, unsigned int n_ports,
		char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;
	size_t sz;

	if (n_workers == 0 || n_workers > EW_MAX_WORKERS || n_ports > EW_MAX_IFACES) {
		snprintf(err, errlen, "workers must be 1..%d", EW_MAX_WORKERS);
		return -1;
	}
	dp->n_workers = n_workers;
	dp->n_ports = n_ports;
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		dp->clock.tsc0 = rte_rdtsc();
		dp->clock.hz = rte_get_tsc_hz();
		dp->clock.unix_ns0 = (uint64_t)ts.tv_sec * 1000000000ull +
				(uint64_t)ts.tv_nsec;
	}
	if (ew_meta_register() != 0) {
		snprintf(err, errlen, "cannot register mbuf field");
		return -1;
	}
	/* one reader per worker, plus the telemetry thread */
	sz = rte_rcu_qsbr_get_memsize(n_workers + 1);
	dp->qs = rte_zmalloc("ew_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp->qs == NULL || rte_rcu_qsbr_init(dp->qs, n_workers + 1) != 0) {
		snprintf(err, errlen, "cannot allocate RCU state");
		return -1;
	}
	dp->stats_lcores = RTE_MAX_LCORE;
	dp->stats = rte_zmalloc("ew_stats", sizeof(*dp->stats) * RTE_MAX_LCORE,
			RTE_CACHE_LINE_SIZE);
	if (dp->stats == NULL) {
		snprintf(err, errlen, "cannot allocate counters (%zu bytes)",
				sizeof(*dp->stats) * RTE_MAX_LCORE);
		return -1;
	}
	for (i = 0; i < n_workers; i++) {
		snprintf(name, sizeof(name), "ew_punt%u", i);
		dp->punt[i] = rte_ring_create(name, EW_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp->punt[i] == NULL) {
			snprintf(err, errlen, "cannot create ring %s", name);
			return -1;
		}
	}
	for (i = 0; i < n_ports; i++) {
		snprintf(name, sizeof(name), "ew_ctltx%u", i);
		dp->ctl_tx[i] = rte_ring_create(name, EW_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp->ctl_tx[i] == NULL) {
			snprintf(err, errlen, "cannot create ring %s", name);
			return -1;
		}
		snprintf(name, sizeof(name), "ew_ctlrx%u", i);
		dp->ctl_rx[i] = rte_ring_create(name, EW_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp->ctl_rx[i] == NULL) {
			snprintf(err, errlen, "cannot create ring %s", name);
			return -1;
		}
	}
	dp->probe_tx = rte_zmalloc("ew_probe_tx", sizeof(*dp->probe_tx) *
			EW_MAX_TUNNELS * EW_PROBE_TX_DEPTH, RTE_CACHE_LINE_SIZE);
	if (dp->probe_tx == NULL) {
		snprintf(err, errlen, "cannot allocate the probe transmit log");
		return -1;
	}
	dp->neigh = ew_neigh_create("ew_neigh", dp->qs);
	if (dp->neigh == NULL) {
		snprintf(err, errlen, "cannot create neighbour table");
		return -1;
	}
	return 0;
}

static void
ring_free_all(struct rte_ring *r)
{
	void *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

void
ew_dp_fini(struct ew_dp *dp)
{
	unsigned int i;

	for (i = 0; i < EW_MAX_WORKERS; i++)
		ring_free_all(dp->punt[i]);
	for (i = 0; i < EW_MAX_IFACES; i++) {
		ring_free_all(dp->ctl_tx[i]);
		ring_free_all(dp->ctl_rx[i]);
	}
	if (dp->neigh != NULL)
		rte_hash_free(dp->neigh);
	rte_free(dp->probe_tx);
	rte_free(dp->stats);
	rte_free(dp->qs);
	memset(dp, 0, sizeof(*dp));
}

struct ew_tables *
ew_dp_publish(struct ew_dp *dp, struct ew_tables *t)
{
	struct ew_tables *old = dp->tables;

	__atomic_store_n(&dp->tables, t, __ATOMIC_RELEASE);
	if (old != NULL)
		rte_rcu_qsbr_synchronize(dp->qs, RTE_QSBR_THRID_INVALID);
	return old;
}

void
ew_dp_stats_sum(const struct ew_dp *dp, struct ew_lcore_stats *out)
{
	unsigned int l, i;

	memset(out, 0, sizeof(*out));
	for (l = 0; l < dp->stats_lcores; l++) {
		const struct ew_lcore_stats *s = &dp->stats[l];

		for (i = 0; i < EW_MAX_PORTS; i++) {
			out->port[i].rx_packets += s->port[i].rx_packets;
			out->port[i].rx_bytes += s->port[i].rx_bytes;
			out->port[i].tx_packets += s->port[i].tx_packets;
			out->port[i].tx_bytes += s->port[i].tx_bytes;
			out->port[i].drops += s->port[i].drops;
		}
		for (i = 0; i < EW_DROP_MAX; i++)
			out->drop[i] += s->drop[i];
		out->punted += s->punted;
		out->arp_moves += s->arp_moves;
		out->arp_moves_limited += s->arp_moves_limited;
		out->arp_moves_refused += s->arp_moves_refused;
		for (i = 0; i < EW_MAX_TUNNELS; i++) {
			out->tunnel[i].tx_packets += s->tunnel[i].tx_packets;
			out->tunnel[i].tx_bytes += s->tunnel[i].tx_bytes;
			out->tunnel[i].rx_packets += s->tunnel[i].rx_packets;
			out->tunnel[i].rx_bytes += s->tunnel[i].rx_bytes;
		}
		for (i = 0; i < EW_MAX_CLASSES; i++) {
			out->cls[i].packets += s->cls[i].packets;
			out->cls[i].bytes += s->cls[i].bytes;
			out->cls[i].drops += s->cls[i].drops;
		}
	}
}

struct ew_lcore_stats *
ew_dp_stats_snapshot(const struct ew_dp *dp)
{
	struct ew_lcore_stats *s = malloc(sizeof(*s));

	if (s != NULL)
		ew_dp_stats_sum(dp, s);
	return s;
}

struct ew_lcore_stats *
ew_dp_my_stats(struct ew_dp *dp)
{
	unsigned int l = rte_lcore_id();

	return &dp->stats[l < dp->stats_lcores ? l : 0];
}
