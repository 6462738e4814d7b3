/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Property test of the classifier: random rule sets (overlapping prefixes
 * and port ranges, wildcards, ingress lists, DSCP, priorities) and random
 * packets; the DPDK ACL classifier must agree with a plain reference
 * matcher written here, for every packet, one at a time and in bursts.
 * 20+ rule sets, one of 10,000 rules in 100 classes; 100,000+ packets.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_eal.h>

#include "config/config.h"
#include "fastpath/classify.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t
rnd_in(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

struct pkt {
	unsigned int ifx;
	uint8_t proto, dscp;
	uint32_t src, dst;
	uint16_t sport, dport;
};

/* The reference: first class (in order) with a matching rule, else the
 * first catch-all, else the implicit default (n_classes). */
static bool
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

static unsigned int
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
static struct ew_config *
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

static void
free_config(struct ew_config *cfg)
{
	unsigned int c;

	for (c = 0; c < cfg->n_classes; c++)
		free(cfg->classes[c].match);
	free(cfg->classes);
	free(cfg);
}

/* A packet inside a random rule half of the time, random otherwise. */
static void
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

static void
dump_rule(const char *what, const struct ew_match_cfg *m)
{
	printf("#   %s: proto %d src %08x/%u dst %08x/%u sport %u-%u dport %u-%u ing %x dscp %d\n",
			what, m->proto, m->src.addr, m->src.len, m->dst.addr, m->dst.len,
			m->sport_lo, m->sport_hi, m->dport_lo, m->dport_hi,
			m->ingress_mask, m->dscp);
}

static void
dump(const struct ew_config *cfg, const struct pkt *p, unsigned int got,
		unsigned int want)
{
	unsigned int k;

	printf("# packet: ifx %u proto %u src %08x dst %08x sport %u dport %u dscp %u\n",
			p->ifx, p->proto, p->src, p->dst, p->sport, p->dport, p->dscp);
	if (want < cfg->n_classes)
		for (k = 0; k < cfg->classes[want].n_match; k++)
			if (ref_rule(&cfg->classes[want].match[k], p))
				dump_rule("reference's rule", &cfg->classes[want].match[k]);
	if (got < cfg->n_classes)
		for (k = 0; k < cfg->classes[got].n_match; k++)
			dump_rule("acl class rule", &cfg->classes[got].match[k]);
}

static unsigned long total_packets, total_sets;

static void
check_set(unsigned int n_classes, unsigned int n_rules, bool catch_all,
		unsigned int n_pkts, int alg)
{
	struct ew_config *cfg = random_config(n_classes, n_rules, catch_all);
	struct ew_classifier *c;
	struct ew_acl_key keys[32];
	const struct ew_acl_key *kp[32];
	unsigned int want[32], i, j, hits = 0;
	uint16_t got[32];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = ew_classifier_build(cfg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_non_null(c);
	if (alg >= 0 && ew_classifier_set_alg(c, alg) != 0) {
		printf("# rte_acl algorithm %d: not supported by this CPU, skipped\n", alg);
		ew_classifier_put(c);
		free_config(cfg);
		return;
	}
	if (n_rules >= 5000)
		printf("# %u rules in %u classes (%u ACL rules): built in %.0f ms\n",
				n_rules, n_classes, c->n_acl_rules,
				(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	for (i = 0; i < n_pkts; i += 32) {
		for (j = 0; j < 32; j++) {
			struct pkt p;

			random_pkt(cfg, &p);
			want[j] = ref_classify(cfg, &p);
			hits += want[j] < n_classes;
			ew_acl_key_set(&keys[j], p.ifx, p.proto, rte_cpu_to_be_32(p.src),
					rte_cpu_to_be_32(p.dst), rte_cpu_to_be_16(p.sport),
					rte_cpu_to_be_16(p.dport), p.dscp);
			kp[j] = &keys[j];
			/* one at a time too, on a sample */
			if (j == 0) {
				unsigned int g = ew_classifier_match(c, p.ifx, p.proto,
						p.src, p.dst, p.sport, p.dport, p.dscp);

				if (g != want[j])
					dump(cfg, &p, g, want[j]);
				assert_int_equal(g, want[j]);
			}
		}
		ew_classifier_burst(c, kp, got, 32);
		for (j = 0; j < 32; j++)
			if (got[j] != want[j])
				fail_msg("set of %u rules: packet %u: classifier says class %u, reference says %u",
						n_rules, i + j, got[j], want[j]);
	}
	/* the test means something only if rules do match */
	if (n_rules > 0)
		assert_true(hits > n_pkts / 4);
	total_packets += n_pkts - n_pkts % 32 + (n_pkts % 32 ? 32 : 0);
	total_sets++;
	ew_classifier_put(c);
	free_config(cfg);
}

static void
t_random_sets(void **state)
{
	unsigned int s;

	for (s = 0; s < 20; s++)
		check_set(rnd_in(1, 20), rnd_in(1, 400), s % 3 != 0, 4000, -1);
}

static void
t_big_set(void **state)
{
	check_set(100, 10000, true, 24000, -1);	/* what rte_acl picks */
}

static void
t_every_algorithm(void **state)
{
	/* scalar, SSE, AVX2, AVX512x16, AVX512x32: each its own code */
	static const int algs[] = { 1, 2, 3, 6, 7 };
	unsigned int i;

	for (i = 0; i < RTE_DIM(algs); i++) {
		printf("# rte_acl algorithm %d\n", algs[i]);
		check_set(20, 2000, true, 3200, algs[i]);
	}
}

static void
t_no_rules(void **state)
{
	/* only a catch-all: everything is class 0, no ACL needed */
	check_set(0, 0, true, 320, -1);
}

static void
t_totals(void **state)
{
	printf("# %lu rule sets, %lu packets compared\n", total_sets, total_packets);
	assert_true(total_sets >= 20);
	assert_true(total_packets >= 100000);
}

int
main(int argc, char **argv)
{
	char prefix[64], cmd[128];
	char *eal[] = { argv[0], "--no-huge", "-m", "1024", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level=error",
		"--file-prefix", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_random_sets),
		cmocka_unit_test(t_big_set),
		cmocka_unit_test(t_every_algorithm),
		cmocka_unit_test(t_no_rules),
		cmocka_unit_test(t_totals),
	};
	int rc;

	snprintf(prefix, sizeof(prefix), "ewclass-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
