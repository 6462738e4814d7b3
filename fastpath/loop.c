/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker lcore's loop (the l3fwd main loop): poll every port's queue of
 * this worker, hand each burst to ew_worker_rx(), let worker 0 send what
 * the control thread queued, flush, report a quiescent state, and nap when
 * idle. The per-packet work is in worker.c.
 */

#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastpath/reasm.h"
#include "fastpath/worker.h"

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
