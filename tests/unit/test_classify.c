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
#include "tests/common/eal.h"
#include "tests/common/rules.h"

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
	char *eal[] = { argv[0], "--no-huge", "-m", "1024", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level=error", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_random_sets),
		cmocka_unit_test(t_big_set),
		cmocka_unit_test(t_every_algorithm),
		cmocka_unit_test(t_no_rules),
		cmocka_unit_test(t_totals),
	};
	int rc;

	if (ew_test_eal_init("ewclass", eal) < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (ew_test_eal_cleanup() != 0)
		return 1;
	return rc;
}
