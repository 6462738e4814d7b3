/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_SLOTS_H
#define EW_SLOTS_H

/*
 * Stable counter slots: a tunnel ("overlay/tunnel") or a class keeps its
 * slot across table generations, so its per-lcore counters survive a
 * reload. ew_slots_begin() before building a generation, ew_slots_get()
 * for each object, ew_slots_end() once the new generation is published and
 * no worker can see the old one: slots nobody asked for are released
 * (RELEASE is called so their counters can be zeroed before reuse).
 * Lookups are hashed: O(1) per object, O(max) per ew_slots_end().
 */

#include <stdint.h>

#define EW_SLOT_KEY 72

struct ew_slots {
	unsigned int max;
	char (*key)[EW_SLOT_KEY];
	uint8_t *used;
	uint8_t *seen;
	/* lookup: open addressing over key hashes, slot + 1 (0 = empty),
	 * rebuilt by ew_slots_end(); free slots on a stack */
	uint32_t hmask;
	uint32_t *hidx;
	uint32_t *free_stk;
	unsigned int n_free;
};

int ew_slots_init(struct ew_slots *s, unsigned int max);
void ew_slots_fini(struct ew_slots *s);
void ew_slots_begin(struct ew_slots *s);
/* The slot for KEY (existing or new), or -1 when all are taken. */
int ew_slots_get(struct ew_slots *s, const char *key);
void ew_slots_end(struct ew_slots *s, void (*release)(void *arg, unsigned int slot),
		void *arg);

#endif /* EW_SLOTS_H */
