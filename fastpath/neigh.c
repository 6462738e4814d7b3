/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_errno.h>
#include <rte_hash_crc.h>

#include "fastpath/neigh.h"

struct rte_hash *
ew_neigh_create(const char *name, struct rte_rcu_qsbr *qs)
{
	struct rte_hash_parameters p = {
		.name = name,
		/* the slow path bounds the entries at EW_NEIGH_MAX; room to
		 * spare so cuckoo collisions and deletions still waiting for
		 * their grace period never make an insert fail before that */
		.entries = EW_NEIGH_MAX * 2,
		.key_len = sizeof(struct ew_neigh_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_rcu_config rc = {
		.v = qs,
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	struct rte_hash *h;

	h = rte_hash_create(&p);
	if (h == NULL)
		return NULL;
	if (qs != NULL && rte_hash_rcu_qsbr_add(h, &rc) != 0) {
		rte_hash_free(h);
		return NULL;
	}
	return h;
}

int
ew_neigh_set(struct rte_hash *h, uint32_t scope, uint32_t ip,
		const struct rte_ether_addr *mac)
{
	struct ew_neigh_key k = { ip, scope };
	uint64_t v = 1ull << 48;	/* never a NULL data pointer */

	memcpy(&v, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return rte_hash_add_key_data(h, &k, (void *)(uintptr_t)v);
}

int
ew_neigh_del(struct rte_hash *h, uint32_t scope, uint32_t ip)
{
	struct ew_neigh_key k = { ip, scope };

	return rte_hash_del_key(h, &k) < 0 ? -1 : 0;
}
