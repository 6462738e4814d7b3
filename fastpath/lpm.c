/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "fastpath/lpm.h"

static int
cmp_ent(const void *a, const void *b)
{
	const struct ew_lpm_ent *x = a, *y = b;

	/* longer mask (numerically larger) first, then by address */
	if (x->mask != y->mask)
		return x->mask > y->mask ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

static uint32_t
pow2_at_least(uint32_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

int
ew_lpm_build(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n)
{
	uint32_t i, j, k, n_grp = 0, n_slot = 0;
	struct ew_lpm_ent *tmp;

	memset(l, 0, sizeof(*l));
	if (n == 0)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (tmp == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		tmp[i].mask = ew_prefix_mask(len[i]);
		tmp[i].addr = addr[i] & tmp[i].mask;
		tmp[i].val = val[i];
	}
	qsort(tmp, n, sizeof(*tmp), cmp_ent);
	/* groups and their hash sizes (at least twice the entries) */
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && tmp[k].mask == tmp[i].mask; k++)
			;
		n_grp++;
		n_slot += pow2_at_least(2 * (k - i));
	}
	l->e = calloc(1, n * sizeof(*l->e) + n_grp * sizeof(*l->g) +
			n_slot * sizeof(*l->slot));
	if (l->e == NULL) {
		free(tmp);
		return -1;
	}
	memcpy(l->e, tmp, n * sizeof(*tmp));
	free(tmp);
	l->g = (struct ew_lpm_grp *)(l->e + n);
	l->slot = (uint32_t *)(l->g + n_grp);
	n_slot = 0;
	for (i = 0; i < n; i = k) {
		struct ew_lpm_grp *g = &l->g[l->n_grp++];

		for (k = i + 1; k < n && l->e[k].mask == l->e[i].mask; k++)
			;
		g->mask = l->e[i].mask;
		g->n = k - i;
		g->hmask = pow2_at_least(2 * (k - i)) - 1;
		g->shift = (uint8_t)(32 - __builtin_popcount(g->hmask));
		g->hoff = n_slot;
		n_slot += g->hmask + 1;
		for (j = i; j < k; j++) {
			uint32_t h = ew_lpm_hash(l->e[j].addr, g->shift), x;
			uint32_t *sl = l->slot + g->hoff;

			while ((x = sl[h]) != 0) {
				if (l->e[x - 1].addr == l->e[j].addr) {
					ew_lpm_free(l);	/* a duplicate */
					return -1;
				}
				h = (h + 1) & g->hmask;
			}
			sl[h] = j + 1;
		}
	}
	l->n = n;
	return 0;
}

void
ew_lpm_free(struct ew_lpm *l)
{
	free(l->e);
	memset(l, 0, sizeof(*l));
}
