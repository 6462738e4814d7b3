/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_REASM_H
#define EW_REASM_H

/*
 * Reassembly of outer fragments for tunnels with "df: clear" (the
 * underlay may fragment what they send, and their peers' packets may
 * arrive fragmented too). Per worker, DPDK's ip_frag table: at most
 * EW_REASM_MAX datagrams at a time, each given EW_REASM_MS to complete;
 * what is refused or expires is counted (outer_reasm_refused,
 * outer_reasm_expired). Fragments from anyone but a df: clear tunnel's
 * remote are still dropped as outer_fragment. The table is made when the
 * worker starts; reassembly chains the fragments' own mbufs and then
 * copies them into the first one (buffers hold a whole frame of the
 * largest MTU): nothing is allocated per packet.
 */

#include <rte_mbuf.h>

#include "fastpath/worker.h"

#define EW_REASM_MAX	64	/* datagrams being reassembled, per worker */
#define EW_REASM_MS	2000	/* time a datagram has to complete */

/* 0, or -1 (then outer fragments are dropped as outer_fragment). */
int ew_reasm_init(struct ew_worker *w);
void ew_reasm_fini(struct ew_worker *w);

/* M (data at its outer IPv4 header, a fragment) arrived on WAN IFX: the
 * whole datagram (one segment, data at its IPv4 header) once complete,
 * else NULL (held, or dropped and counted). */
struct rte_mbuf *ew_reasm_outer(struct ew_worker *w, const struct ew_tables *t,
		struct rte_mbuf *m, unsigned int ifx);

/* Drop datagrams that did not complete in time; free what was dropped.
 * Every 100 ms at most (TSC now). */
void ew_reasm_tick(struct ew_worker *w, uint64_t tsc);

#endif /* EW_REASM_H */
