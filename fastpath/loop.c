/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker lcore's loop (the l3fwd main loop): poll every port's queue of
 * this worker, hand each burst to ew_worker_rx(), let worker 0 drain the
 * control thread's rings (what it built to send, what it hands back as
 * received), flush, report a quiescent state, and nap when idle. The
 * per-packet work is in worker.c.
 */

#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "fastpath/reasm.h"
#include "fastpath/worker.h"

/* A STAMP packet's transmit timestamp (T1 or T3), in NTP format. */
static inline void
tx_ntp(const struct ew_dp *dp, struct rte_mbuf *m, uint64_t tsc)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint64_t ntp;

	if (len < EW_STAMP_TS_TAIL || rte_pktmbuf_data_len(m) != len)
		return;
	ntp = rte_cpu_to_be_64(ew_tsc_to_ntp(&dp->clock, tsc));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *) + len - EW_STAMP_TS_TAIL, &ntp, 8);
}

/* Note when probe (slot, seq) of M left: one writer (worker 0), a
 * sequence lock for the control thread (ew_dp_probe_tx()). A few probes
 * per interval, never a forwarded packet. */
static inline void
tx_log(const struct ew_dp *dp, const struct ew_meta *mt, uint64_t tsc)
{
	struct ew_probe_tx *e;

	if (dp->probe_tx == NULL || mt->arg >= EW_MAX_TUNNELS)
		return;
	e = &dp->probe_tx[mt->arg * EW_PROBE_TX_DEPTH + mt->nh % EW_PROBE_TX_DEPTH];
	__atomic_store_n(&e->tag, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->tsc, tsc, __ATOMIC_RELAXED);
	__atomic_store_n(&e->tag, 1ull << 32 | mt->nh, __ATOMIC_RELEASE);
}

/* Packets the control thread built, sent from worker 0's queues, and
 * those it hands over as if received on a port. */
void
ew_worker_drain_ctl(struct ew_worker *w, const struct ew_tables *t)
{
	struct rte_mbuf *pk[EW_BURST];
	unsigned int ifx, n, i;

	for (ifx = 0; ifx < t->n_ports; ifx++) {
		n = rte_ring_sc_dequeue_burst(w->dp->ctl_tx[ifx], (void **)pk,
				EW_BURST, NULL);
		for (i = 0; i < n; i++) {
			const struct ew_meta *mt = ew_meta(pk[i]);
			uint8_t fl = mt->flags;
			uint64_t tsc;

			if (fl & (EW_META_TXNTP | EW_META_TXLOG)) {
				tsc = rte_rdtsc();
				if (fl & EW_META_TXNTP)
					tx_ntp(w->dp, pk[i], tsc);
				if (fl & EW_META_TXLOG)
					tx_log(w->dp, mt, tsc);
			}
			ew_worker_tx(w, t, ifx, pk[i]);
		}
		n = rte_ring_sc_dequeue_burst(w->dp->ctl_rx[ifx], (void **)pk,
				EW_BURST, NULL);
		if (n != 0) {
			w->rx_tsc = rte_rdtsc();	/* policing, reassembly */
			ew_worker_rx(w, t, ifx, pk, (uint16_t)n);
		}
	}
}

int
ew_worker_main(void *arg)
{
	struct ew_dp *dp = arg;
	unsigned int lcore = rte_lcore_id(), idx, ifx, idle = 0, nap = 0;
	struct ew_worker *w;
	struct rte_mbuf *pkts[EW_BURST];

	for (idx = 0; idx < dp->n_workers; idx++)
		if (dp->worker_lcore[idx] == lcore)
			break;
	if (idx == dp->n_workers)
		return -1;
	w = rte_zmalloc("ew_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (w == NULL)
		return -1;
	ew_worker_init(w, dp, idx, &dp->stats[lcore]);
	rte_rcu_qsbr_thread_register(dp->qs, idx);
	rte_rcu_qsbr_thread_online(dp->qs, idx);

	while (!dp->stop) {
		const struct ew_tables *t = __atomic_load_n(&dp->tables,
				__ATOMIC_ACQUIRE);
		unsigned int got = 0;

		for (ifx = 0; ifx < t->n_ports; ifx++) {
			uint16_t n = rte_eth_rx_burst(t->ports[ifx].port_id,
					(uint16_t)idx, pkts, EW_BURST);

			if (n == 0)
				continue;
			got += n;
			w->rx_tsc = rte_rdtsc();	/* for probe answers */
			ew_worker_rx(w, t, ifx, pkts, n);
		}
		if (idx == 0)
			ew_worker_drain_ctl(w, t);
		ew_worker_flush(w, t);
		ew_reasm_tick(w, rte_rdtsc());
		rte_rcu_qsbr_quiescent(dp->qs, idx);

		/* Idle back-off (l3fwd-power style). Busy bursts: pure
		 * polling. A few packets: keep napping, but half as long.
		 * Nothing for 64 polls: nap, doubling every 8 naps from 8 us
		 * to 1 ms. The cost is at most 1 ms of extra latency for the
		 * first packet after a quiet spell; "idle: poll" avoids it. */
		if (got >= EW_BURST / 2 || dp->idle == EW_IDLE_POLL) {
			idle = 0;
			nap = 0;
			continue;
		}
		if (got != 0) {
			idle = 0;
			nap /= 2;
			continue;
		}
		if (++idle < 64)
			continue;
		if (nap == 0)
			nap = 8;
		else if ((idle & 7) == 0 && nap < 1000)
			nap = RTE_MIN(nap * 2, 1000u);
		rte_rcu_qsbr_thread_offline(dp->qs, idx);
		usleep(nap);
		rte_rcu_qsbr_thread_online(dp->qs, idx);
	}
	ew_worker_flush(w, dp->tables);
	rte_rcu_qsbr_thread_offline(dp->qs, idx);
	rte_rcu_qsbr_thread_unregister(dp->qs, idx);
	ew_reasm_fini(w);
	rte_free(w);
	return 0;
}
