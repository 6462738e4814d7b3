/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_WORKER_H
#define EW_WORKER_H

/*
 * One worker's context (cache aligned, set up before the loop, as in
 * l3fwd) and the per-burst processing, exposed so that tests and fuzzers
 * can drive it without ports: ew_worker_rx() consumes a burst that arrived
 * on interface IFX; every packet ends up in a tx buffer, a punt buffer, or
 * freed and counted as a drop. ew_worker_flush() sends the buffers.
 */

#include <rte_ip_frag.h>

#include "fastpath/dataplane.h"

struct ew_txbuf {
	uint16_t n;
	struct rte_mbuf *m[EW_BURST * 2];
};

/*
 * Punt policing: a token bucket per class and per worker, on the TSC, so
 * that a flood of one kind (pings at the WAN address, TTL 1 from the LAN)
 * costs only itself and the punt ring keeps room for ARP and probe
 * answers. What arrives on a port is policed per arrival (or, for next
 * hops, output) port; what arrives inside a tunnel (its ARP, packets for
 * our overlay address, probes) per tunnel, so that a flood through one
 * tunnel cannot starve the probes or ARP of the others on the same WAN.
 * Rates in packets per second and bursts; what is over is dropped as
 * punt_police_<class>.
 */
enum ew_police {
	EW_POL_ARP,		/* ARP on a port */
	EW_POL_LOCAL,		/* for our LAN/WAN addresses */
	EW_POL_OVERLAY,		/* for us inside a tunnel, not probes (per tunnel) */
	EW_POL_PROBE,		/* ICMP probes and STAMP inside a tunnel (per tunnel) */
	EW_POL_NEXTHOP,		/* waiting for ARP */
	EW_POL_ICMP,		/* ICMP errors to send */
	EW_POL_FRAG,		/* to fragment */
	EW_POL_OV_ARP,		/* ARP inside a tunnel (per tunnel) */
	EW_POL_MAX
};
#define EW_POL_RATES { 1000, 1000, 1000, 2000, 5000, 200, 20000, 100 }
#define EW_POL_BURSTS { 128, 128, 128, 64, 256, 64, 256, 16 }

struct ew_worker {
	struct ew_dp *dp;
	unsigned int idx;		/* worker index = queue id */
	struct ew_lcore_stats *st;
	uint64_t rx_tsc;		/* TSC when the current burst arrived */
	struct ew_txbuf tx[EW_MAX_IFACES];
	uint16_t n_punt;
	struct rte_mbuf *punt[EW_BURST * 2];
	/* LAN packets waiting for the burst's ACL search */
	uint16_t n_pend;
	struct rte_mbuf *pend[EW_BURST];
	uint8_t pend_ifx[EW_BURST];
	uint16_t pend_cls[EW_BURST];
	/* a LAN route that also matched, for the longest match across the
	 * tables: its lan_nh index << 6 | prefix length + 1; 0 = none */
	uint32_t pend_lan[EW_BURST];
	const struct ew_acl_key *keyp[EW_BURST];
	struct ew_acl_key keys[EW_BURST];
	/* punt policing (GCRA): TSC per packet, tolerance, and by class
	 * and interface the theoretical arrival time of the next packet */
	uint64_t pol_cost[EW_POL_MAX], pol_tol[EW_POL_MAX];
	uint64_t pol_tat[EW_POL_MAX][EW_MAX_IFACES];
	/* the per-tunnel classes, by tunnel slot: OVERLAY, PROBE, OV_ARP */
	uint64_t pol_tun[3][EW_MAX_TUNNELS];
	/* outer reassembly for df: clear tunnels (fastpath/reasm.c) */
	struct rte_ip_frag_tbl *reasm;
	uint64_t reasm_next;		/* TSC of the next expiry sweep */
	struct rte_ip_frag_death_row reasm_dr;
} __rte_cache_aligned;

void ew_worker_init(struct ew_worker *w, struct ew_dp *dp, unsigned int idx,
		struct ew_lcore_stats *st);
void ew_worker_rx(struct ew_worker *w, const struct ew_tables *t,
		unsigned int ifx, struct rte_mbuf **pkts, uint16_t n);
/* Worker 0 (loop.c): take what the control thread queued to send
 * (stamping probes and noting when ours left) into the tx buffers, and
 * what it hands over as received. */
void ew_worker_drain_ctl(struct ew_worker *w, const struct ew_tables *t);
/* M into IFX's transmit buffer (counted as sent; flushed with the rest). */
void ew_worker_tx(struct ew_worker *w, const struct ew_tables *t,
		unsigned int ifx, struct rte_mbuf *m);
/* Transmit buffered packets and hand punts to the control thread. */
void ew_worker_flush(struct ew_worker *w, const struct ew_tables *t);

#endif /* EW_WORKER_H */
