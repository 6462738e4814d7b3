/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_CLASSIFY_H
#define EW_CLASSIFY_H

/*
 * The classifier: match rules -> class index. Immutable, and shared by
 * consecutive table generations while the classes' rules do not change, so
 * that a route or overlay change never rebuilds it (the ACL context of
 * issue 4 lives here). Reference-counted by the control thread only; a
 * generation holds one reference.
 *
 * Class indices are positions in the config's class list; with no
 * catch-all class, index n_classes is the implicit default.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

struct ew_classifier {
	unsigned int refs;
	unsigned int n_classes;		/* configured classes */
	int catch_all;			/* index of the class without match, or
					 * n_classes (implicit default) */
	unsigned int n_rules;
	struct ew_match_cfg *rules;	/* own copies, in priority order */
	uint16_t *rule_class;		/* class index of each rule */
	char (*names)[EW_NAME_MAX];	/* class names, to compare generations */
};

/* A new classifier for CFG's classes (refs = 1), or NULL. */
struct ew_classifier *ew_classifier_build(const struct ew_config *cfg);
/* Whether C classifies exactly as CFG's classes would. */
bool ew_classifier_same(const struct ew_classifier *c, const struct ew_config *cfg);
struct ew_classifier *ew_classifier_get(struct ew_classifier *c);
void ew_classifier_put(struct ew_classifier *c);

/* The class index for a packet (always one: the catch-all at worst). */
unsigned int ew_classifier_match(const struct ew_classifier *c, unsigned int ifx,
		uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, uint8_t dscp);

#endif /* EW_CLASSIFY_H */
