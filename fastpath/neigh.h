/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_NEIGH_H
#define EW_NEIGH_H

/*
 * Neighbour (ARP) table read by workers: (scope, IPv4) -> MAC. An rte_hash
 * with lock-free read/write concurrency: the control thread is the only
 * writer; workers read without locks; deleted slots are reclaimed after an
 * RCU grace period (the hash is attached to the workers' QSBR variable).
 * Scope is an interface index, or EW_SCOPE_OV | overlay id for peers
 * reached inside a VXLAN overlay.
 */

#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#define EW_SCOPE_OV 0x80000000u
#define EW_NEIGH_MAX 32768

struct ew_neigh_key {
	uint32_t ip;		/* host order */
	uint32_t scope;
};

struct rte_hash *ew_neigh_create(const char *name, struct rte_rcu_qsbr *qs);
int ew_neigh_set(struct rte_hash *h, uint32_t scope, uint32_t ip,
		const struct rte_ether_addr *mac);
int ew_neigh_del(struct rte_hash *h, uint32_t scope, uint32_t ip);

static inline int
ew_neigh_get(const struct rte_hash *h, uint32_t scope, uint32_t ip,
		struct rte_ether_addr *mac)
{
	struct ew_neigh_key k = { ip, scope };
	void *data;
	uint64_t v;

	if (rte_hash_lookup_data(h, &k, &data) < 0)
		return -1;
	v = (uint64_t)(uintptr_t)data;
	memcpy(mac->addr_bytes, &v, RTE_ETHER_ADDR_LEN);
	return 0;
}

#endif /* EW_NEIGH_H */
