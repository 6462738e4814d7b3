/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/rules.h"

static uint64_t rng = 88172645463325252ull;

uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

uint32_t
rnd_in(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

/* The reference: first class (in order) with a matching rule, else the
 * first catch-all, else the implicit default (n_classes). */
bool
ref_rule(const struct ew_match_cfg *m, const struct pkt *p)
{
	if (m->proto >= 0 && m->proto != p->proto)
		return false;
	if (((p->src ^ m->src.addr) & ew_prefix_mask(m->src.len)) != 0)
		return false;
	if (((p->dst ^ m->dst.addr) & ew_prefix_mask(m->dst.len)) != 0)
		return false;
	if (p->sport < m->sport_lo || p->sport > m->sport_hi)
		return false;
	if (p->dport < m->dport_lo || p->dport > m->dport_hi)
		return false;
	if (m->ingress_mask != 0 && !(m->ingress_mask & (1u << p->ifx)))
		return false;
	if (m->dscp >= 0 && m->dscp != p->dscp)
		return false;
	return true;
}

unsigned int
ref_classify(const struct ew_config *cfg, const struct pkt *p)
{
	unsigned int c, k;

	for (c = 0; c < cfg->n_classes; c++) {
		const struct ew_class_cfg *cl = &cfg->classes[c];

		if (cl->n_match == 0)
			return c;
		for (k = 0; k < cl->n_match; k++)
			if (ref_rule(&cl->match[k], p))
				return c;
	}
	return cfg->n_classes;
}

static void
random_prefix(struct ew_prefix *p, const struct ew_prefix *pool, unsigned int npool)
{
	/* overlapping on purpose: variations of a few base prefixes */
	const struct ew_prefix *b = &pool[rnd() % npool];

	p->len = (uint8_t)(rnd() % 4 == 0 ? 0 : rnd_in(b->len, 32));
	p->addr = (b->addr | (rnd() & ~ew_prefix_mask(b->len))) &
			ew_prefix_mask(p->len);
}

static void
random_range(uint16_t *lo, uint16_t *hi)
{
	switch (rnd() % 4) {
	case 0:
		*lo = 0;
		*hi = 65535;
		break;
	case 1:
		*lo = *hi = (uint16_t)rnd_in(1, 1100);
		break;
	default:
		*lo = (uint16_t)rnd_in(0, 6000);
		*hi = (uint16_t)rnd_in(*lo, *lo + rnd_in(0, 3000) > 65535 ? 65535 :
				*lo + rnd_in(0, 3000));
	}
}

static const struct ew_prefix pool[] = {
	{ 0x0a000000, 8 }, { 0x0a010000, 16 }, { 0x0a010100, 24 },
	{ 0xc0a80000, 16 }, { 0xac100000, 12 }, { 0x0a020000, 15 },
};

/* A random config: N_CLASSES classes sharing N_RULES rules. */
bool random_specific;

struct ew_config *
random_config(unsigned int n_classes, unsigned int n_rules, bool catch_all)
{
	struct ew_config *cfg = calloc(1, sizeof(*cfg));
	unsigned int c, r = 0;

	cfg->n_classes = n_classes + (catch_all ? 1 : 0);
	cfg->classes = calloc(cfg->n_classes, sizeof(*cfg->classes));
	for (c = 0; c < n_classes; c++) {
		struct ew_class_cfg *cl = &cfg->classes[c];
		unsigned int k, n = n_rules / n_classes + (c < n_rules % n_classes);

		snprintf(cl->name, sizeof(cl->name), "c%u", c);
		cl->match = calloc(n ? n : 1, sizeof(*cl->match));
		cl->n_match = n;
		for (k = 0; k < n; k++, r++) {
			struct ew_match_cfg *m = &cl->match[k];
			static const int protos[] = { -1, -1, 6, 17, 1, 47 };

			m->proto = protos[rnd() % 6];
			random_prefix(&m->src, pool, 6);
			random_prefix(&m->dst, pool, 6);
			if (random_specific) {
				/* like real policies: a protocol and a destination */
				m->proto = protos[2 + rnd() % 2];
				if (m->dst.len < 16) {
					m->dst.len = (uint8_t)rnd_in(16, 28);
					m->dst.addr = (pool[rnd() % 6].addr | (rnd() & 0x0003ffff)) &
							ew_prefix_mask(m->dst.len);
				}
			}
			if (m->proto == 6 || m->proto == 17) {
				random_range(&m->sport_lo, &m->sport_hi);
				random_range(&m->dport_lo, &m->dport_hi);
			} else {
				m->sport_hi = m->dport_hi = 65535;
			}
			m->ingress_mask = rnd() % 3 == 0 ? (rnd() & 0xf) : 0;
			m->dscp = rnd() % 4 == 0 ? (int)rnd_in(0, 63) : -1;
		}
	}
	if (catch_all)
		snprintf(cfg->classes[n_classes].name, EW_NAME_MAX, "rest");
	return cfg;
}

void
free_config(struct ew_config *cfg)
{
	unsigned int c;

	for (c = 0; c < cfg->n_classes; c++)
		free(cfg->classes[c].match);
	free(cfg->classes);
	free(cfg);
}

/* A packet inside a random rule half of the time, random otherwise. */
void
random_pkt(const struct ew_config *cfg, struct pkt *p)
{
	p->ifx = rnd() % 4;
	p->proto = (uint8_t)((uint8_t[]){ 6, 17, 1, 47, 6, 17 })[rnd() % 6];
	p->src = pool[rnd() % 6].addr | (rnd() & 0x0001ffff);
	p->dst = pool[rnd() % 6].addr | (rnd() & 0x0003ffff);
	p->sport = (uint16_t)rnd_in(0, 7000);
	p->dport = (uint16_t)rnd_in(0, 7000);
	p->dscp = (uint8_t)(rnd() % 64);
	if (rnd() % 2 && cfg->n_classes > 0) {
		const struct ew_class_cfg *cl = &cfg->classes[rnd() % cfg->n_classes];
		const struct ew_match_cfg *m;

		if (cl->n_match == 0)
			return;
		m = &cl->match[rnd() % cl->n_match];
		if (m->proto >= 0)
			p->proto = (uint8_t)m->proto;
		p->src = m->src.addr | (rnd() & ~ew_prefix_mask(m->src.len));
		p->dst = m->dst.addr | (rnd() & ~ew_prefix_mask(m->dst.len));
		p->sport = (uint16_t)rnd_in(m->sport_lo, m->sport_hi);
		p->dport = (uint16_t)rnd_in(m->dport_lo, m->dport_hi);
		if (m->dscp >= 0)
			p->dscp = (uint8_t)m->dscp;
		if (m->ingress_mask != 0)
			do
				p->ifx = rnd() % 4;
			while (!(m->ingress_mask & (1u << p->ifx)));
	}
	if (p->proto != 6 && p->proto != 17)
		p->sport = p->dport = 0;	/* as the worker keys them */
}

