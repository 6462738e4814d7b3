/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_LPM_H
#define EW_LPM_H

/*
 * A small, immutable longest-prefix-match table for IPv4: entries sorted by
 * prefix length (longest first), searched in order. Built once per table
 * generation; memory is 12 bytes a route, nothing per empty overlay. Right
 * for the handful of routes an overlay or a LAN has; a trie replaces it
 * when tables grow (tracked in docs/ARCHITECTURE.md).
 */

#include <stdint.h>

struct ew_lpm_ent {
	uint32_t addr;		/* masked, host order */
	uint32_t mask;
	uint32_t val;
};

struct ew_lpm {
	uint32_t n;
	struct ew_lpm_ent *e;
};

/* Fill from N (addr, len, val) triples; duplicate prefixes: last wins is an
 * error (-1). Returns 0 or -1 (out of memory or duplicate). */
int ew_lpm_build(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n);
void ew_lpm_free(struct ew_lpm *l);

static inline int
ew_lpm_lookup(const struct ew_lpm *l, uint32_t ip, uint32_t *val)
{
	uint32_t i;

	for (i = 0; i < l->n; i++) {
		if ((ip & l->e[i].mask) == l->e[i].addr) {
			*val = l->e[i].val;
			return 0;
		}
	}
	return -1;
}

#endif /* EW_LPM_H */
