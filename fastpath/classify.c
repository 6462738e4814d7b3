/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier: DPDK ACL over (proto, src, dst, sport, dport, ingress,
 * DSCP). Built on the control thread; searched by workers a burst at a
 * time. rte_acl picks its vector code path once, at start-up.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>

#include "fastpath/classify.h"

enum { F_PROTO, F_SRC, F_DST, F_SPORT, F_DPORT, F_META, F_NUM };

RTE_ACL_RULE_DEF(ew_acl_rule, F_NUM);

static const struct rte_acl_field_def acl_fields[F_NUM] = {
	{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 0, offsetof(struct ew_acl_key, proto) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F_SRC, 1, offsetof(struct ew_acl_key, src) },
	{ RTE_ACL_FIELD_TYPE_MASK, 4, F_DST, 2, offsetof(struct ew_acl_key, dst) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_SPORT, 3, offsetof(struct ew_acl_key, sport) },
	{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_DPORT, 3, offsetof(struct ew_acl_key, dport) },
	{ RTE_ACL_FIELD_TYPE_BITMASK, 4, F_META, 4, offsetof(struct ew_acl_key, meta) },
};

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

static void
acl_rule(struct ew_acl_rule *r, const struct ew_match_cfg *m, int ifx,
		uint32_t prio, uint32_t userdata)
{
	memset(r, 0, sizeof(*r));
	r->data.category_mask = 1;
	r->data.priority = (int32_t)prio;
	r->data.userdata = userdata;
	if (m->proto >= 0) {
		r->field[F_PROTO].value.u8 = (uint8_t)m->proto;
		r->field[F_PROTO].mask_range.u8 = 0xff;
	}
	r->field[F_SRC].value.u32 = m->src.addr;
	r->field[F_SRC].mask_range.u32 = m->src.len;
	r->field[F_DST].value.u32 = m->dst.addr;
	r->field[F_DST].mask_range.u32 = m->dst.len;
	r->field[F_SPORT].value.u16 = m->sport_lo;
	r->field[F_SPORT].mask_range.u16 = m->sport_hi;
	r->field[F_DPORT].value.u16 = m->dport_lo;
	r->field[F_DPORT].mask_range.u16 = m->dport_hi;
	if (ifx >= 0) {
		r->field[F_META].value.u32 |= (uint32_t)ifx << 8;
		r->field[F_META].mask_range.u32 |= 0xff00;
	}
	if (m->dscp >= 0) {
		r->field[F_META].value.u32 |= (uint32_t)m->dscp;
		r->field[F_META].mask_range.u32 |= 0x3f;
	}
}

static int
acl_build(struct ew_classifier *c)
{
	static unsigned int seq;	/* unique context names (control thread) */
	struct rte_acl_param p = { 0 };
	struct rte_acl_config cfg = { 0 };
	struct ew_acl_rule *rules;
	unsigned int i, n = 0, b, cap = 0;
	char name[RTE_ACL_NAMESIZE];
	int rc;

	for (i = 0; i < c->n_rules; i++)
		cap += c->rules[i].ingress_mask ?
				(unsigned int)__builtin_popcount(c->rules[i].ingress_mask) : 1;
	if (cap == 0)
		return 0;
	rules = calloc(cap, sizeof(*rules));
	if (rules == NULL)
		return -1;
	for (i = 0; i < c->n_rules; i++) {
		const struct ew_match_cfg *m = &c->rules[i];
		/* earlier rules win: priority falls with the position */
		uint32_t prio = RTE_ACL_MAX_PRIORITY - i;

		if (m->ingress_mask == 0) {
			acl_rule(&rules[n++], m, -1, prio, c->rule_class[i] + 1u);
			continue;
		}
		for (b = 0; b < 32; b++)
			if (m->ingress_mask & (1u << b))
				acl_rule(&rules[n++], m, (int)b, prio, c->rule_class[i] + 1u);
	}
	snprintf(name, sizeof(name), "ew_acl_%u", seq++);
	p.name = name;
	p.socket_id = SOCKET_ID_ANY;
	p.rule_size = RTE_ACL_RULE_SZ(F_NUM);
	p.max_rule_num = n;
	c->acl = rte_acl_create(&p);
	if (c->acl == NULL) {
		free(rules);
		return -1;
	}
	rc = rte_acl_add_rules(c->acl, (const struct rte_acl_rule *)rules, n);
	free(rules);
	if (rc != 0)
		return -1;
	cfg.num_categories = 1;
	cfg.num_fields = F_NUM;
	memcpy(cfg.defs, acl_fields, sizeof(acl_fields));
	if (rte_acl_build(c->acl, &cfg) != 0)
		return -1;

	c->n_acl_rules = n;
	return 0;
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

		memcpy(c->names[i], cl->name, EW_NAME_MAX);
		/* rules after the catch-all can never match (validation
		 * refuses that order anyway) */
		if ((int)i > c->catch_all)
			continue;
		for (k = 0; k < cl->n_match; k++) {
			c->rules[c->n_rules] = cl->match[k];
			c->rule_class[c->n_rules] = (uint16_t)i;
			c->n_rules++;
		}
	}
	if (acl_build(c) != 0) {
		ew_classifier_put(c);
		return NULL;
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
		if ((int)i > c->catch_all)
			continue;
		for (k = 0; k < cl->n_match; k++, r++)
			if (r >= c->n_rules || c->rule_class[r] != i ||
					!rule_eq(&c->rules[r], &cl->match[k]))
				return false;
	}
	return r == c->n_rules;
}

int
ew_classifier_set_alg(struct ew_classifier *c, int alg)
{
	if (c->acl == NULL)
		return 0;
	return rte_acl_set_ctx_classify(c->acl, (enum rte_acl_classify_alg)alg);
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
	rte_acl_free(c->acl);
	free(c->rules);
	free(c->rule_class);
	free(c->names);
	free(c);
}

void
ew_classifier_burst(const struct ew_classifier *c,
		const struct ew_acl_key *const *keys, uint16_t *cls, unsigned int n)
{
	uint32_t res[64];
	unsigned int i, done, k;

	if (c->acl == NULL) {
		for (i = 0; i < n; i++)
			cls[i] = (uint16_t)c->catch_all;
		return;
	}
	for (done = 0; done < n; done += k) {
		k = n - done < RTE_DIM(res) ? n - done : RTE_DIM(res);
		rte_acl_classify(c->acl, (const uint8_t **)(uintptr_t)(keys + done),
				res, k, 1);
		for (i = 0; i < k; i++)
			cls[done + i] = res[i] != 0 ? (uint16_t)(res[i] - 1) :
					(uint16_t)c->catch_all;
	}
}

unsigned int
ew_classifier_match(const struct ew_classifier *c, unsigned int ifx,
		uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, uint8_t dscp)
{
	struct ew_acl_key k;
	const struct ew_acl_key *kp = &k;
	uint16_t cls;

	ew_acl_key_set(&k, ifx, proto, rte_cpu_to_be_32(src), rte_cpu_to_be_32(dst),
			rte_cpu_to_be_16(sport), rte_cpu_to_be_16(dport), dscp);
	ew_classifier_burst(c, &kp, &cls, 1);
	return cls;
}
