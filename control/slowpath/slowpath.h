/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_SLOWPATH_H
#define EW_SLOWPATH_H

/*
 * The slow path: the control thread's handling of everything the workers
 * punt, and of the packets the control thread itself sends.
 * - ARP on LAN/WAN ports and inside VXLAN overlays: answer for our
 *   addresses, learn who asked us, resolve next hops (with a bounded queue
 *   of packets waiting per neighbour), refresh and age entries.
 * - ICMP echo for our addresses; ICMP errors (time exceeded, unreachable,
 *   fragmentation needed), rate limited.
 * - STAMP: a stateless reflector, and the tunnel probes (STAMP, ICMP echo).
 * - Fragmentation of DF-clear packets larger than the overlay MTU (or a
 *   LAN port's).
 * - Tunnel path MTU: underlay ICMP frag needed quoting one of our tunnels
 *   lowers its path MTU (published in the tunnel's MTU word), aged back
 *   up after EW_PMTU_AGE_MS; any other is counted as icmp_frag_spoof.
 * Packets it sends go through per-port rings that worker 0 drains.
 * Limits: one thread only (the control thread; no locks); IPv4 only; at
 * most EW_NEIGH_MAX neighbours (then an idle one is evicted), holding
 * EW_NEIGH_QLEN packets each and EW_NEIGH_HOLD_MAX in all; no reassembly
 * (fragments for our addresses are dropped); STAMP unauthenticated.
 * Inside: slowpath.c (punt drain, dispatch, sending), neigh.c, arp.c,
 * icmp.c, stamp.c, frag.c, pmtu.c; their shared state is in sp_internal.h.
 */

#include <stdint.h>

#include "control/sla/sla.h"
#include "fastpath/dataplane.h"

#define EW_NEIGH_QLEN		8	/* packets held per unresolved neighbour */
#define EW_NEIGH_HOLD_MAX	1024u	/* held in total, at most mbufs/16 */
#define EW_NEIGH_REACHABLE_MS	30000	/* refresh after this */
#define EW_NEIGH_RETRY_MS	1000
#define EW_NEIGH_PROBES		3
#define EW_NEIGH_MOVE_MS	1000	/* a MAC move per address at most this
					 * often (ARP normal mode) */
#define EW_NEIGH_VERIFY_MS	250	/* a pinned entry's old MAC has this
					 * long to answer before a move */
#define EW_ICMP_RATE		100	/* ICMP errors per second (burst as many) */

struct ew_sp;

struct ew_sp *ew_sp_create(struct ew_dp *dp);
void ew_sp_free(struct ew_sp *sp);

/* Tables changed: pin (resolve and keep fresh) every tunnel's next hops. */
void ew_sp_tables_changed(struct ew_sp *sp, const struct ew_tables *t);

/* Handle up to BUDGET punted packets; returns how many were handled. */
unsigned int ew_sp_poll(struct ew_sp *sp, unsigned int budget);
/* Datagrams the kernel reassembled for an af_packet port, longer than its
 * ring frames: read whole from the PMD's sockets (up to BUDGET), split
 * again to the port's MTU and handed to worker 0 as if received
 * (control/slowpath/afp.c). Returns how many were read. */
unsigned int ew_sp_afp_poll(struct ew_sp *sp, unsigned int budget);

/* Periodic work: retries, refresh, ageing. NOW_MS is a monotonic clock. */
void ew_sp_tick(struct ew_sp *sp, uint64_t now_ms);

/* For tests: process one punted packet. */
void ew_sp_handle(struct ew_sp *sp, struct rte_mbuf *m);

/* Neighbour entries, for the console. */
struct ew_neigh_info {
	uint32_t scope, ip;
	struct rte_ether_addr mac;
	int resolved;
	unsigned int queued;
};
unsigned int ew_sp_neighbours(const struct ew_sp *sp, struct ew_neigh_info *out,
		unsigned int max);

uint64_t ew_now_ms(void);

/* Probes: STAMP and/or ICMP echo (KINDS: EW_MON_STAMP, EW_MON_ICMP bits)
 * from the overlay address to tunnel TXI's peer, inside the tunnel,
 * noted by worker 0 on its way out (dp->probe_tx; STAMP's T1 written).
 * Answers go to the callback with their kind, the receiving worker's
 * timestamp (ns, dp->clock) and, for STAMP, the time the reflector says
 * it held the probe (T3 - T2). The round trip is the caller's to compute
 * from its own send time: the T1 the far end echoes back is not
 * trusted. */
typedef void (*ew_probe_cb)(void *arg, unsigned int slot, uint32_t seq,
		unsigned int kind, uint64_t rx_ns, uint64_t residence_ns);
void ew_sp_set_probe_cb(struct ew_sp *sp, ew_probe_cb cb, void *arg);
/* 0: sent; 1: waits for ARP (its round trip will include the wait; of
 * both kinds, only STAMP is sent then); 2: not sent, as packets already
 * wait for that ARP; -1: not sent (no buffer, no such tunnel). */
int ew_sp_send_probe(struct ew_sp *sp, unsigned int tun, uint32_t seq,
		unsigned int kinds);

#endif /* EW_SLOWPATH_H */
