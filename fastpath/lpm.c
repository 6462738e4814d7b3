/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>

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

int
ew_lpm_build(struct ew_lpm *l, const uint32_t *addr, const uint8_t *len,
		const uint32_t *val, uint32_t n)
{
	uint32_t i;

	l->n = 0;
	l->e = NULL;
	if (n == 0)
		return 0;
	l->e = calloc(n, sizeof(*l->e));
	if (l->e == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		l->e[i].mask = ew_prefix_mask(len[i]);
		l->e[i].addr = addr[i] & l->e[i].mask;
		l->e[i].val = val[i];
	}
	qsort(l->e, n, sizeof(*l->e), cmp_ent);
	for (i = 1; i < n; i++) {
		if (cmp_ent(&l->e[i - 1], &l->e[i]) == 0) {
			free(l->e);
			l->e = NULL;
			return -1;
		}
	}
	l->n = n;
	return 0;
}

void
ew_lpm_free(struct ew_lpm *l)
{
	free(l->e);
	l->e = NULL;
	l->n = 0;
}
