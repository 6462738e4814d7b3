/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_TABLES_H
#define EW_TABLES_H

/*
 * One immutable generation of forwarding tables, built by the control thread
 * from a config and published to workers by a pointer swap (RCU, see
 * ew_dp in dataplane.h). Workers never write to it.
 *
 * Interfaces are referred to by their config index ("ifx"); the DPDK port
 * id is in ports[ifx].port_id. Tunnels by their index in tun[] ("tun"; a
 * tunnel's stable counter slot, what punts and counters name it by, is
 * tun[i].slot), overlays by their config index ("ox").
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>

#include "config/config.h"
#include "fastpath/classify.h"
#include "fastpath/lpm.h"
#include "fastpath/stats.h"

#define EW_VXLAN_PORT	4789
/* Outer headers prepended on encapsulation. */
#define EW_VXLAN_HDR_LEN (14 + 20 + 8 + 8 + 14)	/* eth ip udp vxlan inner-eth */
#define EW_GRE_HDR_LEN	(14 + 20 + 8)		/* eth ip gre+key */
#define EW_TPL_MAX	64

struct ew_port {
	uint16_t port_id;
	enum ew_role role;
	uint32_t addr;			/* host order */
	uint8_t plen;
	uint16_t mtu;
	struct rte_ether_addr mac;
	char name[EW_IFNAME_MAX];
};

struct ew_tunnel {
	/* hot: what encapsulation reads */
	uint8_t tpl[EW_TPL_MAX];	/* outer headers, lengths/cksum/MACs 0 */
	uint16_t tpl_len;
	uint16_t ifx;			/* WAN interface */
	uint16_t ox;			/* overlay */
	uint16_t ip_cksum_base;		/* ~cksum of template IP header, len 0 */
	uint16_t slot;			/* stable counter slot */
	uint32_t nh;			/* underlay next hop: gateway or remote */
	uint32_t peer;			/* host order */
	uint32_t remote;
	enum ew_encap encap;
	uint32_t id;
	enum ew_probe probe;
	bool df_clear;			/* outer DF clear; outer fragments from
					 * the remote are reassembled */
	char name[EW_NAME_MAX];
} __rte_cache_aligned;

struct ew_overlay {
	uint32_t id;
	enum ew_encap encap;
	uint16_t mtu;
	uint16_t mss;			/* clamp value, 0 = off */
	uint32_t addr;
	uint8_t plen;
	struct ew_lpm fib;		/* value: tunnel index */
	char name[EW_NAME_MAX];
};

/* LAN routing: connected subnets and static routes. value = ifx | via<<? */
struct ew_lan_nh {
	uint16_t ifx;
	uint8_t ov_inside;		/* an overlay route is longer and inside
					 * this route's prefix (ew_tables.ov_any) */
	uint32_t via;			/* 0: the destination itself (connected) */
};

/* A class's policy in this generation (its rules are in the classifier). */
struct ew_class {
	uint16_t *ov;			/* allowed by the SLA first, then the rest */
	unsigned int n_ov;
	unsigned int n_pref;		/* how many at the head the SLA allows */
	uint8_t dscp;			/* outer DSCP, 0 = none */
	bool balance;			/* spread flows over usable overlays */
	uint16_t slot;			/* stable counter slot */
	char name[EW_NAME_MAX];
};

/*
 * Decap lookup: (arrival WAN, encap, id, remote) -> tunnel. Open
 * addressing. Keyed by the WAN too, so one remote can be reached over
 * several WANs (a hub with one public address over inet and LTE), and a
 * packet is only accepted on its tunnel's own WAN.
 */
struct ew_tunkey {
	uint32_t remote;
	uint32_t id_encap;		/* ew_tunkey_key(), 0 = empty slot */
	uint32_t tun;			/* index in tun[] */
};

struct ew_tables {
	uint64_t gen;
	struct ew_config *cfg;		/* owned: the config this was built from */

	unsigned int n_ports;
	struct ew_port ports[EW_MAX_IFACES];
	int8_t ifx_of_port[RTE_MAX_ETHPORTS];	/* -1: not ours */

	struct ew_lpm local;		/* our addresses, /32 each */
	uint64_t near[4];		/* bit per first octet: some local address
					 * or LAN route is in that /8 */
	uint64_t own16[1024];		/* bit per /16 holding a local address */

	unsigned int n_overlays;
	struct ew_overlay *ov;
	unsigned int n_tunnels;
	struct ew_tunnel *tun;
	/*
	 * Resolved MACs per tunnel, [2 * tun]: the underlay next hop's and (VXLAN)
	 * the peer's inside the overlay; bit 63 set = valid (a GRE tunnel's peer
	 * word is valid with no MAC). The one mutable part of a generation: the
	 * control thread is its only writer (aligned 8-byte stores), workers
	 * read it with plain loads; 0 = not known, ask the neighbour table.
	 * It saves the workers two hash lookups per encapsulated packet.
	 */
	uint64_t *tun_l2;
	/* [tun]: inner MTU, MSS clamp and underlay path MTU (fastpath/pmtu.h),
	 * written by the control thread alone as tun_l2 is */
	uint64_t *tun_mtu;

	struct ew_lpm lan;		/* value: index into lan_nh */
	struct ew_lpm ov_any;		/* every overlay's FIB prefixes, values 0:
					 * does any overlay route DST longer than
					 * the LAN does (longest match across)? */
	struct ew_lan_nh *lan_nh;
	unsigned int n_lan_nh;
	uint64_t *lan_l2;		/* [n_lan_nh]: the via's MAC, as tun_l2 */

	unsigned int n_classes;		/* policies; + the implicit default */
	struct ew_class *classes;
	struct ew_classifier *clf;	/* shared while rules do not change */

	uint32_t tunkey_mask;
	struct ew_tunkey *tunkey;

	uint16_t tun_of_slot[EW_MAX_TUNNELS];	/* index in tun[] by slot; EW_SLOT_NONE:
						 * no such tunnel */
};

#define EW_SLOT_NONE 0xffff

struct ew_slots;

/*
 * What monitoring knows, for building a generation: tunnels that are down
 * (routes via them are not used) and, per class, the overlays its SLA
 * allows now (a bitmask over the class's overlay list; 0 = no opinion).
 * Both by counter slot. NULL: nothing known.
 */
struct ew_runtime {
	const uint8_t *tun_down;		/* [EW_MAX_TUNNELS] */
	const uint32_t *class_allow;		/* [EW_MAX_CLASSES] */
};

/*
 * Build tables from CFG (which the tables then own). MACS gives each
 * interface's MAC, PORT_IDS its DPDK port id, both by interface index.
 * TSLOTS/CSLOTS give tunnels and classes stable counter slots (NULL: the
 * index). Returns NULL with a message in ERR on failure (CFG is not freed
 * then).
 */
struct ew_tables *ew_tables_build(struct ew_config *cfg,
		const struct rte_ether_addr *macs, const uint16_t *port_ids,
		struct ew_slots *tslots, struct ew_slots *cslots,
		char *err, size_t errlen);
/* The same, reusing PREV's classifier when CFG's class rules are those of
 * PREV (then *CLF_BUILT is false). */
struct ew_tables *ew_tables_rebuild(struct ew_config *cfg,
		const struct ew_tables *prev, const struct rte_ether_addr *macs,
		const uint16_t *port_ids, struct ew_slots *tslots,
		struct ew_slots *cslots, const struct ew_runtime *rt,
		bool *clf_built, char *err, size_t errlen);
void ew_tables_free(struct ew_tables *t);

#define EW_L2_VALID (1ull << 63)

static inline uint64_t
ew_l2_word(const struct rte_ether_addr *mac)
{
	uint64_t v = 0;

	memcpy(&v, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return v | EW_L2_VALID;
}

static inline void
ew_l2_mac(uint64_t w, struct rte_ether_addr *mac)
{
	memcpy(mac->addr_bytes, &w, RTE_ETHER_ADDR_LEN);
}

/* False: DST is neither one of our addresses nor LAN-routed. */
static inline bool
ew_tables_near(const struct ew_tables *t, uint32_t dst)
{
	return (t->near[dst >> 30] >> ((dst >> 24) & 63)) & 1;
}

static inline bool
ew_tables_is_local(const struct ew_tables *t, uint32_t addr)
{
	uint32_t v;

	return ew_lpm_lookup(&t->local, addr, &v) == 0;
}

/*
 * Is SRC, the source of a packet arriving on LAN port IFX, one of our own
 * addresses (a spoof)? On the port's own subnet only the port's address
 * can be (validation keeps every other interface and overlay subnet apart
 * from it): one compare for the LAN's hosts. Elsewhere a /16 bitmap of our
 * addresses rules most sources out before the lookup.
 */
static inline bool
ew_tables_src_is_own(const struct ew_tables *t, unsigned int ifx, uint32_t src)
{
	const struct ew_port *p = &t->ports[ifx];
	uint32_t mask = p->plen != 0 ? ~0u << (32 - p->plen) : 0;

	if (((src ^ p->addr) & mask) == 0)
		return src == p->addr;
	return ((t->own16[src >> 22] >> ((src >> 16) & 63)) & 1) &&
			ew_tables_is_local(t, src);
}

/* id (24 bits) | encap + 1 (2 bits) | WAN interface index (4 bits) */
static inline uint32_t
ew_tunkey_key(unsigned int ifx, enum ew_encap e, uint32_t id)
{
	RTE_BUILD_BUG_ON(EW_MAX_IFACES > 16);
	return id | (uint32_t)(e + 1) << 24 | (uint32_t)ifx << 26;
}

static inline uint32_t
ew_tunkey_hash(uint32_t id_encap, uint32_t remote)
{
	uint64_t h = ((uint64_t)id_encap << 32 | remote) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

/* The decap hash's entries for outer fragments: (WAN, EW_TUNKEY_FRAG, 0,
 * remote) for every remote of a df: clear tunnel, whose fragments are
 * reassembled (fastpath/reasm.c); tun is the first such tunnel. */
#define EW_TUNKEY_FRAG ((enum ew_encap)2)

/* Tunnel index for a packet arriving on WAN IFX, or -1. */
static inline int
ew_tunnel_find(const struct ew_tables *t, unsigned int ifx, enum ew_encap e,
		uint32_t id, uint32_t remote)
{
	uint32_t key = ew_tunkey_key(ifx, e, id);
	uint32_t i = ew_tunkey_hash(key, remote) & t->tunkey_mask;

	for (;;) {
		const struct ew_tunkey *k = &t->tunkey[i];

		if (k->id_encap == 0)
			return -1;
		if (k->id_encap == key && k->remote == remote)
			return (int)k->tun;
		i = (i + 1) & t->tunkey_mask;
	}
}

/* After a miss on IFX: does (E, ID, REMOTE) name a tunnel of another WAN?
 * Only on the drop path, to count it as tunnel_wrong_wan. */
static inline bool
ew_tunnel_other_wan(const struct ew_tables *t, unsigned int ifx,
		enum ew_encap e, uint32_t id, uint32_t remote)
{
	unsigned int i;

	for (i = 0; i < t->n_ports; i++)
		if (i != ifx && t->ports[i].role == EW_ROLE_WAN &&
				ew_tunnel_find(t, i, e, id, remote) >= 0)
			return true;
	return false;
}

/*
 * The class policy: the tunnel for DST in the first of CL's overlays that
 * routes it; with balance, one of all such overlays chosen by the flow
 * HASH (a flow stays on one overlay while that set is unchanged).
 * -1 when no overlay of the class routes DST. *PLEN: the length of the
 * chosen overlay's matching prefix.
 */
static __rte_always_inline int
ew_route_class_len(const struct ew_tables *t, const struct ew_class *cl,
		uint32_t dst, uint32_t hash, int *plen)
{
	uint32_t v, cand[EW_CLASS_MAX_OVERLAYS];
	int l, clen[EW_CLASS_MAX_OVERLAYS];
	unsigned int i, n = 0;

	for (i = 0; i < cl->n_ov; i++) {
		l = ew_lpm_match(&t->ov[cl->ov[i]].fib, dst, &v);
		if (l < 0)
			continue;
		if (!cl->balance) {
			*plen = l;
			return (int)v;
		}
		/* balance among the SLA-allowed ones; the rest only as a
		 * fallback when none of those routes DST */
		if (i >= cl->n_pref && n > 0)
			break;
		if (n < RTE_DIM(cand)) {
			clen[n] = l;
			cand[n++] = v;
		}
		if (i >= cl->n_pref)
			break;
	}
	if (n == 0)
		return -1;
	*plen = clen[hash % n];
	return (int)cand[hash % n];
}

static inline int
ew_route_class(const struct ew_tables *t, const struct ew_class *cl,
		uint32_t dst, uint32_t hash)
{
	int plen;

	return ew_route_class_len(t, cl, dst, hash, &plen);
}

/* The class of a LAN packet (first matching rule; the catch-all else). */
static inline const struct ew_class *
ew_classify(const struct ew_tables *t, unsigned int ifx, uint8_t proto,
		uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		uint8_t dscp)
{
	return &t->classes[ew_classifier_match(t->clf, ifx, proto, src, dst,
			sport, dport, dscp)];
}

#endif /* EW_TABLES_H */
