/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "fastpath/lpm.h"

static uint32_t
pow2_at_least(uint32_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static int
lpm_build(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n, bool dups)
{
	uint32_t cnt[33] = { 0 }, pos[33], gstart[33];
	uint32_t i, k, n_grp = 0, n_slot = 0;
	int pl;

	memset(l, 0, sizeof(*l));
	if (n == 0)
		return 0;
	/* group by prefix length, longest first: a counting sort (this runs
	 * per overlay on every change, where qsort was a large part of it) */
	for (i = 0; i < n; i++)
		cnt[len[i] > 32 ? 32 : len[i]]++;
	for (pl = 32; pl >= 0; pl--)
		if (cnt[pl] > 0) {
			n_grp++;
			n_slot += pow2_at_least(2 * cnt[pl]);
		}
	l->e = calloc(1, n * sizeof(*l->e) + n_grp * sizeof(*l->g) +
			n_slot * sizeof(*l->slot));
	if (l->e == NULL)
		return -1;
	l->g = (struct ew_lpm_grp *)(l->e + n);
	l->slot = (uint32_t *)(l->g + n_grp);
	n_slot = 0;
	k = 0;
	for (pl = 32; pl >= 0; pl--) {
		struct ew_lpm_grp *g;

		if (cnt[pl] == 0)
			continue;
		g = &l->g[l->n_grp];
		gstart[l->n_grp++] = k;
		g->mask = ew_prefix_mask((uint8_t)pl);
		g->plen = (uint8_t)pl;
		g->n = cnt[pl];
		g->hmask = pow2_at_least(2 * cnt[pl]) - 1;
		g->shift = (uint8_t)(32 - __builtin_popcount(g->hmask));
		g->hoff = n_slot;
		n_slot += g->hmask + 1;
		pos[pl] = k;
		k += cnt[pl];
	}
	for (i = 0; i < n; i++) {
		uint8_t p = len[i] > 32 ? 32 : len[i];
		struct ew_lpm_ent *e = &l->e[pos[p]++];

		e->mask = ew_prefix_mask(p);
		e->addr = addr[i] & e->mask;
		e->val = val[i];
	}
	for (i = 0; i < l->n_grp; i++) {
		const struct ew_lpm_grp *g = &l->g[i];
		uint32_t *sl = l->slot + g->hoff, j;

		for (j = gstart[i]; j < gstart[i] + g->n; j++) {
			uint32_t h = ew_lpm_hash(l->e[j].addr, g->shift), x;

			while ((x = sl[h]) != 0) {
				if (l->e[x - 1].addr == l->e[j].addr)
					break;
				h = (h + 1) & g->hmask;
			}
			if (x == 0) {
				sl[h] = j + 1;
			} else if (!dups) {
				ew_lpm_free(l);	/* a duplicate */
				return -1;
			}	/* else: left out, an entry no slot names */
		}
	}
	l->n = n;
	return 0;
}

int
ew_lpm_build(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n)
{
	return lpm_build(l, addr, len, val, n, false);
}

int
ew_lpm_build_union(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n)
{
	return lpm_build(l, addr, len, val, n, true);
}

int
ew_lpm_exact(const struct ew_lpm *l, uint32_t addr, uint8_t len, uint32_t *val)
{
	uint32_t i, x, h;

	for (i = 0; i < l->n_grp; i++) {
		const struct ew_lpm_grp *g = &l->g[i];
		const uint32_t *sl = l->slot + g->hoff;

		if (g->plen != len)
			continue;
		h = ew_lpm_hash(addr, g->shift);
		while ((x = sl[h]) != 0) {
			if (l->e[x - 1].addr == addr) {
				*val = l->e[x - 1].val;
				return 0;
			}
			h = (h + 1) & g->hmask;
		}
	}
	return -1;
}

void
ew_lpm_free(struct ew_lpm *l)
{
	free(l->e);
	memset(l, 0, sizeof(*l));
}
