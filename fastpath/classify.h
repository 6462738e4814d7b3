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

#include <rte_byteorder.h>

#include "config/config.h"

/* What the ACL looks at, in network byte order (rte_acl's rule: the first
 * field is one byte; then groups of 4 consecutive bytes). */
struct ew_acl_key {
	uint8_t proto;			/* input 0 */
	uint8_t pad0[3];
	uint32_t src;			/* input 1 */
	uint32_t dst;			/* input 2 */
	uint16_t sport;			/* input 3 */
	uint16_t dport;
	uint32_t meta;			/* input 4: ingress << 8 | DSCP; one
					 * bitmask field, each part masked
					 * separately (a group of 4 bytes must
					 * be covered by its fields) */
};

struct rte_acl_ctx;

struct ew_classifier {
	unsigned int refs;
	unsigned int n_classes;		/* configured classes */
	int catch_all;			/* index of the class without match, or
					 * n_classes (implicit default) */
	unsigned int n_rules;
	struct ew_match_cfg *rules;	/* own copies, in priority order */
	uint16_t *rule_class;		/* class index of each rule */
	char (*names)[EW_NAME_MAX];	/* class names, to compare generations */
	struct rte_acl_ctx *acl;	/* NULL when there are no rules */
	unsigned int n_acl_rules;	/* rules after expanding ingress lists */
};

/* A new classifier for CFG's classes (refs = 1), or NULL. */
struct ew_classifier *ew_classifier_build(const struct ew_config *cfg);
/* Whether C classifies exactly as CFG's classes would. */
bool ew_classifier_same(const struct ew_classifier *c, const struct ew_config *cfg);
struct ew_classifier *ew_classifier_get(struct ew_classifier *c);
/* Force an rte_acl search algorithm (tests: every code path must agree).
 * 0, or a negative errno when this CPU cannot run it. */
int ew_classifier_set_alg(struct ew_classifier *c, int alg);
void ew_classifier_put(struct ew_classifier *c);

/* The class index of each of N keys into CLS (always one: the catch-all at
 * worst). One ACL search for the whole burst. */
void ew_classifier_burst(const struct ew_classifier *c,
		const struct ew_acl_key *const *keys, uint16_t *cls, unsigned int n);

/* One packet (host byte order arguments); for tests and the slow path. */
unsigned int ew_classifier_match(const struct ew_classifier *c, unsigned int ifx,
		uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, uint8_t dscp);

static inline void
ew_acl_key_set(struct ew_acl_key *k, unsigned int ifx, uint8_t proto,
		uint32_t src_be, uint32_t dst_be, uint16_t sport_be,
		uint16_t dport_be, uint8_t dscp)
{
	k->proto = proto;
	k->pad0[0] = k->pad0[1] = k->pad0[2] = 0;
	k->src = src_be;
	k->dst = dst_be;
	k->sport = sport_be;
	k->dport = dport_be;
	k->meta = rte_cpu_to_be_32((uint32_t)ifx << 8 | dscp);
}

#endif /* EW_CLASSIFY_H */
