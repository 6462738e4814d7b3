/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "fastpath/slots.h"

static void
index_add(struct ew_slots *s, unsigned int slot)
{
	uint32_t h = ew_str_hash(s->key[slot]) & s->hmask;

	while (s->hidx[h] != 0)
		h = (h + 1) & s->hmask;
	s->hidx[h] = slot + 1;
}

/* Index and free stack from scratch, from used[]. */
static void
reindex(struct ew_slots *s)
{
	unsigned int i;

	memset(s->hidx, 0, (s->hmask + 1) * sizeof(*s->hidx));
	s->n_free = 0;
	for (i = s->max; i-- > 0;) {
		if (s->used[i])
			index_add(s, i);
		else
			s->free_stk[s->n_free++] = i;	/* lowest on top */
	}
}

int
ew_slots_init(struct ew_slots *s, unsigned int max)
{
	uint32_t hsize = 1;

	memset(s, 0, sizeof(*s));
	while (hsize < 2 * max)
		hsize <<= 1;
	s->max = max;
	s->hmask = hsize - 1;
	s->key = calloc(max, sizeof(*s->key));
	s->used = calloc(max, 1);
	s->seen = calloc(max, 1);
	s->hidx = calloc(hsize, sizeof(*s->hidx));
	s->free_stk = calloc(max, sizeof(*s->free_stk));
	if (s->key == NULL || s->used == NULL || s->seen == NULL ||
			s->hidx == NULL || s->free_stk == NULL) {
		ew_slots_fini(s);
		return -1;
	}
	reindex(s);
	return 0;
}

void
ew_slots_fini(struct ew_slots *s)
{
	free(s->key);
	free(s->used);
	free(s->seen);
	free(s->hidx);
	free(s->free_stk);
	memset(s, 0, sizeof(*s));
}

void
ew_slots_begin(struct ew_slots *s)
{
	memset(s->seen, 0, s->max);
}

int
ew_slots_get(struct ew_slots *s, const char *key)
{
	uint32_t h = ew_str_hash(key) & s->hmask;
	unsigned int slot;

	for (; s->hidx[h] != 0; h = (h + 1) & s->hmask) {
		slot = s->hidx[h] - 1;
		if (strcmp(s->key[slot], key) == 0) {
			s->seen[slot] = 1;
			return (int)slot;
		}
	}
	if (s->n_free == 0)
		return -1;
	slot = s->free_stk[--s->n_free];
	snprintf(s->key[slot], EW_SLOT_KEY, "%s", key);
	s->used[slot] = 1;
	s->seen[slot] = 1;
	s->hidx[h] = slot + 1;
	return (int)slot;
}

void
ew_slots_end(struct ew_slots *s, void (*release)(void *arg, unsigned int slot),
		void *arg)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->max; i++)
		if (s->used[i] && !s->seen[i]) {
			s->used[i] = 0;
			s->key[i][0] = '\0';
			n++;
			if (release != NULL)
				release(arg, i);
		}
	if (n > 0)
		reindex(s);
}
