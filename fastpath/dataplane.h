/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_DATAPLANE_H
#define EW_DATAPLANE_H

/*
 * The data plane as the control thread sees it: ports, mempool, the current
 * table generation (published with ew_dp_publish, read by workers through
 * RCU), per-worker punt rings (worker -> control) and per-port transmit
 * rings (control -> worker 0), and per-lcore counters.
 *
 * Punted packets carry a struct ew_meta in an mbuf dynamic field saying why
 * they were punted and what the worker already knew.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "fastpath/ntp.h"
#include "fastpath/stats.h"
#include "fastpath/tables.h"

#define EW_BURST	32
#define EW_MAX_WORKERS	16
#define EW_RING_SIZE	1024

enum ew_punt {
	EW_PUNT_ARP = 1,	/* data at Ethernet; ifx = arrival port */
	EW_PUNT_LOCAL,		/* data at IPv4, to one of our addresses; ifx */
	EW_PUNT_OV_ARP,		/* data at inner Ethernet; tun_slot */
	EW_PUNT_OV_LOCAL,	/* data at inner IPv4 for us; tun_slot */
	EW_PUNT_NH_TUN,		/* data at IPv4 (TTL done) waiting for tunnel nh;
				 * tun_slot */
	EW_PUNT_NH_PORT,	/* data at IPv4 (TTL done) waiting for nh on port ifx */
	EW_PUNT_ICMP_ERR,	/* data at offending IPv4; arg = type<<8|code,
				 * nh = next-hop MTU; tun_slot = tunnel it came
				 * from or EW_TUN_NONE; ifx = arrival port */
	EW_PUNT_FRAG,		/* data at IPv4 (TTL done) too big, DF clear;
				 * tun_slot */
	EW_PUNT_FRAG_PORT,	/* data at IPv4 (TTL done) over LAN port ifx's
				 * MTU, DF clear; nh = next hop */
	EW_PUNT_MAX
};

#define EW_TUN_NONE 0xffff	/* no tunnel, as a slot or as an index (same
				 * value as EW_SLOT_NONE: test for it before
				 * mapping a slot) */

struct ew_meta {
	uint8_t reason;
	uint8_t ifx;
	uint16_t tun_slot;	/* the tunnel's stable slot, or EW_TUN_NONE */
	uint16_t arg;
	uint8_t tos;		/* outer TOS for NH_TUN / FRAG */
	uint8_t flags;		/* EW_META_* (packets the control thread sends) */
	uint32_t nh;
	uint64_t tsc;		/* punts: when the worker received the burst */
};

/* An ICMP probe: identifier EW_PROBE_ID, an EW_PROBE_TAIL-byte payload
 * (8 bytes zero, tunnel slot, sequence number, EW_PROBE_ID). When it left
 * is noted by worker 0 (EW_META_TXLOG), not carried in it. */
#define EW_PROBE_ID		0x4557	/* "EW": ICMP identifier of probes */
#define EW_PROBE_TAIL		16
/* A STAMP packet (44-byte payload, UDP checksum 0): worker 0 writes the NTP
 * transmit timestamp EW_STAMP_TS_TAIL bytes from the end. */
#define EW_META_TXNTP		0x02
#define EW_STAMP_LEN		44
#define EW_STAMP_TS_TAIL	(EW_STAMP_LEN - 4)
#define EW_STAMP_PORT		862
#define EW_STAMP_SENDER_PORT	49862
/* A probe of ours: worker 0 also notes when it sent it (arg = tunnel slot,
 * nh = sequence number) in dp->probe_tx, so that the control thread times
 * the round trip from the wire, not from its own queue, and trusts no
 * time the far end echoes back. */
#define EW_META_TXLOG		0x04
#define EW_PROBE_TX_DEPTH	8	/* probes remembered per tunnel */

/* One entry, written only by worker 0 as a sequence lock: TAG is 0 while
 * TSC changes, then (1 << 32 | seq). */
struct ew_probe_tx {
	uint64_t tag;
	uint64_t tsc;
};

extern int ew_meta_offset;

static inline struct ew_meta *
ew_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, ew_meta_offset, struct ew_meta *);
}

struct ew_dp {
	/* read by workers every loop */
	struct ew_tables *tables;	/* current generation (RCU) */
	volatile bool stop;
	enum ew_idle idle;
	struct rte_rcu_qsbr *qs;
	struct rte_hash *neigh;
	struct rte_mempool *mp;

	unsigned int n_workers;
	unsigned int worker_lcore[EW_MAX_WORKERS];
	struct rte_ring *punt[EW_MAX_WORKERS];	/* worker i -> control */
	struct rte_ring *ctl_tx[EW_MAX_IFACES];	/* control -> worker 0, by ifx */
	/* control -> worker 0, handled as if received on ifx (the fragments
	 * of a datagram the kernel reassembled for an af_packet ring) */
	struct rte_ring *ctl_rx[EW_MAX_IFACES];

	unsigned int n_ports;
	uint16_t port_id[EW_MAX_IFACES];
	uint16_t port_mtu[EW_MAX_IFACES];	/* what its buffers were sized for */
	/* af_packet ports: the PMD's sockets, and what the kernel dropped at
	 * their rings (ew_port_afp_drops(), summed by the control thread) */
	int afp_fd[EW_MAX_IFACES][EW_MAX_WORKERS];
	unsigned int afp_n[EW_MAX_IFACES];
	uint64_t afp_drops[EW_MAX_IFACES];
	/* the most of a frame its ring holds (0: not af_packet): a frame of
	 * that length whose IP is longer was cut short by the kernel */
	uint16_t afp_snap[EW_MAX_IFACES];

	struct ew_clock clock;		/* TSC -> NTP, fixed at start-up */

	/* when worker 0 sent our probes: [slot * EW_PROBE_TX_DEPTH + seq % depth] */
	struct ew_probe_tx *probe_tx;

	/* per lcore (by lcore id), written only by that lcore */
	struct ew_lcore_stats *stats;	/* [RTE_MAX_LCORE] */
	unsigned int stats_lcores;
};

/*
 * The packet buffer pool: N mbufs, each holding a whole frame of MAX_MTU
 * (ew_port_buf_size), so packets are one segment everywhere. NULL with ERR
 * set (saying how much memory it wanted) when it cannot be had.
 */
struct rte_mempool *ew_dp_pool_create(const char *name, unsigned int n,
		uint16_t max_mtu, int socket, char *err, size_t errlen);

/* Bytes a pool of N mbufs for MAX_MTU takes, about. */
size_t ew_dp_pool_bytes(unsigned int n, uint16_t max_mtu);

/* Register the mbuf dynamic field. Idempotent. 0 or -1. */
int ew_meta_register(void);

/*
 * Allocate rings, RCU state, neighbour table and counters for N_WORKERS
 * workers over N_PORTS ports. Returns 0, or -1 with ERR set.
 */
int ew_dp_init(struct ew_dp *dp, unsigned int n_workers, unsigned int n_ports,
		char *err, size_t errlen);
void ew_dp_fini(struct ew_dp *dp);

/* When worker 0 sent probe SEQ of tunnel SLOT (TSC): 0, or -1 if that is
 * no longer known (a later probe took its entry) or never was. */
static inline int
ew_dp_probe_tx(const struct ew_dp *dp, unsigned int slot, uint32_t seq,
		uint64_t *tsc)
{
	const struct ew_probe_tx *e;
	uint64_t tag = 1ull << 32 | seq;

	if (dp->probe_tx == NULL || slot >= EW_MAX_TUNNELS)
		return -1;
	e = &dp->probe_tx[slot * EW_PROBE_TX_DEPTH + seq % EW_PROBE_TX_DEPTH];
	if (__atomic_load_n(&e->tag, __ATOMIC_ACQUIRE) != tag)
		return -1;
	*tsc = __atomic_load_n(&e->tsc, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&e->tag, __ATOMIC_RELAXED) == tag ? 0 : -1;
}

/* RCU reader id of DPDK's telemetry thread (workers are 0..n_workers-1). */
#define EW_RCU_TELEMETRY(dp) ((dp)->n_workers)

/* Publish a new generation; returns the old one once no worker (nor the
 * telemetry thread) can see it (waits for the grace period). */
struct ew_tables *ew_dp_publish(struct ew_dp *dp, struct ew_tables *t);

/* Worker lcore entry point; ARG is a struct ew_dp. */
int ew_worker_main(void *arg);

/* Sum counters over all lcores into OUT. */
void ew_dp_stats_sum(const struct ew_dp *dp, struct ew_lcore_stats *out);
/* The same into a new allocation (free() it), or NULL. */
struct ew_lcore_stats *ew_dp_stats_snapshot(const struct ew_dp *dp);

/* The stats slot for the calling lcore (control thread included). */
struct ew_lcore_stats *ew_dp_my_stats(struct ew_dp *dp);

#endif /* EW_DATAPLANE_H */
