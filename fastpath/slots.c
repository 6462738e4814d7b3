/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath/slots.h"

int
ew_slots_init(struct ew_slots *s, unsigned int max)
{
	s->max = max;
	s->key = calloc(max, sizeof(*s->key));
	s->used = calloc(max, 1);
	s->seen = calloc(max, 1);
	if (s->key == NULL || s->used == NULL || s->seen == NULL) {
		ew_slots_fini(s);
		return -1;
	}
	return 0;
}

void
ew_slots_fini(struct ew_slots *s)
{
	free(s->key);
	free(s->used);
	free(s->seen);
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
	unsigned int i, free_i = s->max;

	for (i = 0; i < s->max; i++) {
		if (s->used[i] && strcmp(s->key[i], key) == 0) {
			s->seen[i] = 1;
			return (int)i;
		}
		if (!s->used[i] && free_i == s->max)
			free_i = i;
	}
	if (free_i == s->max)
		return -1;
	snprintf(s->key[free_i], EW_SLOT_KEY, "%s", key);
	s->used[free_i] = 1;
	s->seen[free_i] = 1;
	return (int)free_i;
}

void
ew_slots_end(struct ew_slots *s, void (*release)(void *arg, unsigned int slot),
		void *arg)
{
	unsigned int i;

	for (i = 0; i < s->max; i++)
		if (s->used[i] && !s->seen[i]) {
			s->used[i] = 0;
			s->key[i][0] = '\0';
			if (release != NULL)
				release(arg, i);
		}
}
