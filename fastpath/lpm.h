/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_LPM_H
#define EW_LPM_H

/*
 * A compact, immutable longest-prefix-match table for IPv4. Routes are
 * grouped by prefix length; each group is an open-addressing hash of its
 * masked addresses. A lookup probes the groups longest first: one hash
 * probe per distinct prefix length in the table (an overlay typically has
 * one to three), whatever the number of routes. Memory: 12 bytes a route
 * plus 4-8 bytes of hash slots, 16 bytes a distinct length, nothing for an
 * empty table: right for many small per-overlay tables (rte_lpm's 64 MiB
 * tbl24 per table is not). Built once per table generation.
 */

#include <stdint.h>

struct ew_lpm_ent {
	uint32_t addr;		/* masked, host order */
	uint32_t mask;
	uint32_t val;
};

struct ew_lpm_grp {
	uint32_t mask;
	uint32_t hmask;		/* hash slots - 1 (a power of 2 minus 1) */
	uint32_t hoff;		/* the group's first slot in slot[] */
	uint32_t n;
	uint8_t shift;		/* 32 - log2(slots) */
	uint8_t plen;		/* the group's prefix length */
};

struct ew_lpm {
	uint32_t n;
	uint32_t n_grp;
	struct ew_lpm_ent *e;
	struct ew_lpm_grp *g;	/* in the same allocation as e */
	uint32_t *slot;		/* entry index + 1, 0 = empty; same allocation */
};

int ew_lpm_build(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n);
/* The same for a set that may name a prefix more than once (the union of
 * several tables): the first of each is kept. */
int ew_lpm_build_union(struct ew_lpm *l, const uint32_t *addr,
		const uint8_t *len, const uint32_t *val, uint32_t n);
/* Exactly ADDR/LEN (ADDR masked) in L? 0 and its value in *VAL, or -1. */
int ew_lpm_exact(const struct ew_lpm *l, uint32_t addr, uint8_t len,
		uint32_t *val);
void ew_lpm_free(struct ew_lpm *l);

/* Fibonacci hashing: the top bits of the product mix every key bit
 * (route prefixes differ only in their high bits). */
static inline uint32_t
ew_lpm_hash(uint32_t key, uint8_t shift)
{
	return (uint32_t)(key * 0x9e3779b1u) >> shift;
}

/* The longest prefix holding IP: its length, its value in *VAL; -1 if
 * none does. */
static inline int
ew_lpm_match(const struct ew_lpm *l, uint32_t ip, uint32_t *val)
{
	uint32_t i;

	for (i = 0; i < l->n_grp; i++) {
		const struct ew_lpm_grp *g = &l->g[i];
		const uint32_t *sl = l->slot + g->hoff;
		uint32_t key = ip & g->mask, h = ew_lpm_hash(key, g->shift), x;

		while ((x = sl[h]) != 0) {
			if (l->e[x - 1].addr == key) {
				*val = l->e[x - 1].val;
				return g->plen;
			}
			h = (h + 1) & g->hmask;
		}
	}
	return -1;
}

static inline int
ew_lpm_lookup(const struct ew_lpm *l, uint32_t ip, uint32_t *val)
{
	return ew_lpm_match(l, ip, val) < 0 ? -1 : 0;
}

#endif /* EW_LPM_H */
