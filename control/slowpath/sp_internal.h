/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_SP_INTERNAL_H
#define EW_SP_INTERNAL_H

/*
 * Private to control/slowpath/: the slow path's state and the calls its
 * files make to each other. Everything else includes slowpath.h only.
 *   slowpath.c  create/free, the punt-ring drain, dispatch by punt reason,
 *               the send path (out through ports and tunnels, via worker 0)
 *   neigh.c     neighbour entries: resolution, held packets, eviction,
 *               static entries, pinning, retries/refresh/ageing, the
 *               workers' per-tunnel MAC cache
 *   arp.c       ARP requests and answers, on ports and inside overlays
 *   icmp.c      echo answers, ICMP errors (rate limited), the ICMP probe
 *   stamp.c     STAMP (RFC 8762): reflector and the probe's sender side
 *   frag.c      fragmentation of DF-clear packets
 *   afp.c       datagrams the kernel reassembled for an af_packet ring,
 *               read whole from the PMD's sockets and split again
 *   pmtu.c      tunnel path MTU: underlay frag needed in, ageing, the
 *               workers' per-tunnel MTU word
 * All of it runs on the control thread only: no locks.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "control/slowpath/slowpath.h"
#include "fastpath/neigh.h"

extern int ew_sp_logtype;
#define SP_LOG(level, ...) \
	rte_log(RTE_LOG_##level, ew_sp_logtype, "slowpath: " __VA_ARGS__)

enum ew_nstate {
	EW_N_FREE = 0,
	EW_N_INCOMPLETE,
	EW_N_REACHABLE,
};

/* One neighbour (SCOPE, IP): a port's host or an overlay peer. */
struct ew_nent {
	uint32_t scope, ip;
	enum ew_nstate state;
	bool pinned;			/* a tunnel needs it: never aged out */
	bool fixed;			/* static (config): ARP never changes it */
	bool asked;			/* we sent a request not yet answered */
	bool waiting_ul;		/* overlay: request waits for the underlay */
	uint8_t probes;
	uint8_t nq;
	struct rte_ether_addr mac;
	struct rte_ether_addr cand;	/* pinned: the MAC announced, moved to
					 * at verify_ms unless mac answers */
	uint64_t confirmed_ms;
	uint64_t next_ms;
	uint64_t moved_ms;		/* last MAC move (rate limit) */
	uint64_t verify_ms;		/* 0, or a move waits until then */
	uint64_t verify_lost;		/* ARP punts lost when it started */
	int32_t next;			/* hash chain, or free list */
	struct rte_mbuf *q[EW_NEIGH_QLEN];
};

/* A tunnel's learnt underlay path MTU, by slot (pmtu.c). */
struct ew_sp_pmtu {
	uint16_t pmtu;			/* 0: none, the WAN's MTU */
	uint16_t ifx;			/* for the tunnel over this WAN */
	uint32_t remote;		/* to this remote */
	uint64_t expire_ms;
};

#define EW_NHASH_SIZE (EW_NEIGH_MAX * 2)	/* chain heads, a power of 2 */

struct ew_sp {
	struct ew_dp *dp;
	ew_probe_cb probe_cb;
	void *probe_arg;
	uint64_t tsc_hz;
	struct ew_lcore_stats *st;
	const struct ew_tables *t;	/* current generation */
	uint64_t now_ms;
	bool l2_dirty;			/* tunnels' MAC cache needs a refresh */
	double icmp_tokens;
	uint64_t icmp_last_ms;
	unsigned int n_held;		/* packets held for ARP, all entries */
	unsigned int held_max;		/* min(EW_NEIGH_HOLD_MAX, mbufs / 16) */
	unsigned int n_ent;		/* entries ever used (ent[0..n_ent)) */
	unsigned int hand;		/* where eviction looks next (full table) */
	int32_t free_head;		/* released entries, by next */
	int32_t head[EW_NHASH_SIZE];	/* (scope, ip) -> first entry, by next */
	struct ew_nent ent[EW_NEIGH_MAX];
	uint64_t pmtu_next_ms;		/* the next path MTU to age out */
	struct ew_sp_pmtu pmtu[EW_MAX_TUNNELS];
};

/* slowpath.c: counting drops and sending */
void ew_sp_drop(struct ew_sp *sp, struct rte_mbuf *m, enum ew_drop r);
void ew_sp_send_l2(struct ew_sp *sp, unsigned int ifx, struct rte_mbuf *m);
void ew_sp_out_tunnel(struct ew_sp *sp, struct rte_mbuf *m, unsigned int tun,
		uint8_t tos);
void ew_sp_out_port(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint32_t nh);
void ew_sp_out_ip(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun);
void ew_sp_output(struct ew_sp *sp, struct rte_mbuf *m);

/* neigh.c */
void ew_sp_neigh_init(struct ew_sp *sp);
void ew_sp_neigh_free(struct ew_sp *sp);
const struct rte_ether_addr *ew_sp_resolve(struct ew_sp *sp, uint32_t scope,
		uint32_t ip, struct rte_mbuf *m);
/* ew_sp_learn() flags: create the entry (an asker we answer); follow a
 * new MAC for a known entry (gratuitous ARP or a request, ARP normal
 * mode: rate-limited, verified first for pinned entries). */
#define EW_LEARN_CREATE	0x1
#define EW_LEARN_FOLLOW	0x2
void ew_sp_learn(struct ew_sp *sp, uint32_t scope, uint32_t ip,
		const struct rte_ether_addr *mac, unsigned int flags);
int ew_sp_tunnel_waiting(struct ew_sp *sp, unsigned int tun);
void ew_sp_l2_refresh(struct ew_sp *sp);

/* arp.c */
void ew_sp_arp_request(struct ew_sp *sp, struct ew_nent *e);
void ew_sp_arp_probe_old(struct ew_sp *sp, const struct ew_nent *e);
void ew_sp_arp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun);
void ew_sp_ov_send_arp(struct ew_sp *sp, struct rte_mbuf *m, unsigned int tun,
		const struct rte_ether_addr *inner_dst);

/* icmp.c */
void ew_sp_icmp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun);
void ew_sp_icmp_error(struct ew_sp *sp, struct rte_mbuf *orig, unsigned int ifx,
		uint16_t tun, uint8_t type, uint8_t code, uint16_t mtu);
int ew_sp_icmp_probe_send(struct ew_sp *sp, unsigned int tun, uint32_t seq);

/* stamp.c */
bool ew_sp_stamp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun);
int ew_sp_stamp_send(struct ew_sp *sp, unsigned int tun, uint32_t seq);

/* pmtu.c */
void ew_sp_pmtu_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx);
void ew_sp_pmtu_publish(struct ew_sp *sp);
void ew_sp_pmtu_tick(struct ew_sp *sp);

/* frag.c */
void ew_sp_fragment(struct ew_sp *sp, struct rte_mbuf *m, unsigned int tun,
		uint8_t tos, unsigned int ifx, uint32_t nh);

static inline void
ew_sp_ip_finish(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Our probe SEQ of tunnel SLOT: worker 0 notes when it leaves
 * (ew_dp_probe_tx()). */
static inline void
ew_sp_probe_meta(struct rte_mbuf *m, uint16_t slot, uint32_t seq)
{
	struct ew_meta *mt = ew_meta(m);

	mt->flags |= EW_META_TXLOG;
	mt->arg = slot;
	mt->nh = seq;
}

#endif /* EW_SP_INTERNAL_H */
