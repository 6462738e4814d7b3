/* SPDX-License-Identifier: BSD-3-Clause */
/* The classifier: a linear matcher for now (issue 4 replaces the matching
 * with DPDK ACL, keeping this interface and its sharing). */

#include <stdlib.h>
#include <string.h>

#include "fastpath/classify.h"

static bool
rule_eq(const struct ew_match_cfg *a, const struct ew_match_cfg *b)
{
	return a->proto == b->proto && a->src.addr == b->src.addr &&
			a->src.len == b->src.len && a->dst.addr == b->dst.addr &&
			a->dst.len == b->dst.len && a->sport_lo == b->sport_lo &&
			a->sport_hi == b->sport_hi && a->dport_lo == b->dport_lo &&
			a->dport_hi == b->dport_hi && a->ingress_mask == b->ingress_mask &&
			a->dscp == b->dscp;
}

struct ew_classifier *
ew_classifier_build(const struct ew_config *cfg)
{
	struct ew_classifier *c = calloc(1, sizeof(*c));
	unsigned int i, k, n = 0;

	if (c == NULL)
		return NULL;
	c->refs = 1;
	c->n_classes = cfg->n_classes;
	c->catch_all = (int)cfg->n_classes;
	for (i = 0; i < cfg->n_classes; i++) {
		n += cfg->classes[i].n_match;
		if (cfg->classes[i].n_match == 0 && c->catch_all == (int)cfg->n_classes)
			c->catch_all = (int)i;
	}
	c->rules = calloc(n + 1, sizeof(*c->rules));
	c->rule_class = calloc(n + 1, sizeof(*c->rule_class));
	c->names = calloc(cfg->n_classes + 1, sizeof(*c->names));
	if (c->rules == NULL || c->rule_class == NULL || c->names == NULL) {
		ew_classifier_put(c);
		return NULL;
	}
	for (i = 0; i < cfg->n_classes; i++) {
		const struct ew_class_cfg *cl = &cfg->classes[i];

		/* rules after the catch-all can never match (validation
		 * refuses that order anyway) */
		if ((int)i > c->catch_all)
			break;
		memcpy(c->names[i], cl->name, EW_NAME_MAX);
		for (k = 0; k < cl->n_match; k++) {
			c->rules[c->n_rules] = cl->match[k];
			c->rule_class[c->n_rules] = (uint16_t)i;
			c->n_rules++;
		}
	}
	return c;
}

bool
ew_classifier_same(const struct ew_classifier *c, const struct ew_config *cfg)
{
	unsigned int i, k, r = 0;

	if (c == NULL || c->n_classes != cfg->n_classes)
		return false;
	for (i = 0; i < cfg->n_classes; i++) {
		const struct ew_class_cfg *cl = &cfg->classes[i];

		if (strcmp(c->names[i], cl->name) != 0)
			return false;
		for (k = 0; k < cl->n_match; k++, r++)
			if (r >= c->n_rules || c->rule_class[r] != i ||
					!rule_eq(&c->rules[r], &cl->match[k]))
				return false;
	}
	return r == c->n_rules;
}

struct ew_classifier *
ew_classifier_get(struct ew_classifier *c)
{
	c->refs++;
	return c;
}

void
ew_classifier_put(struct ew_classifier *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	free(c->rules);
	free(c->rule_class);
	free(c->names);
	free(c);
}

unsigned int
ew_classifier_match(const struct ew_classifier *c, unsigned int ifx,
		uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, uint8_t dscp)
{
	unsigned int r;

	for (r = 0; r < c->n_rules; r++) {
		const struct ew_match_cfg *m = &c->rules[r];

		if (m->proto >= 0 && m->proto != proto)
			continue;
		if (!ew_prefix_contains(&m->src, src) ||
				!ew_prefix_contains(&m->dst, dst))
			continue;
		if (sport < m->sport_lo || sport > m->sport_hi ||
				dport < m->dport_lo || dport > m->dport_hi)
			continue;
		if (m->ingress_mask != 0 && !(m->ingress_mask & (1u << ifx)))
			continue;
		if (m->dscp >= 0 && m->dscp != dscp)
			continue;
		return c->rule_class[r];
	}
	return (unsigned int)c->catch_all;
}
