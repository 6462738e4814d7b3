/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classification cost: cycles per packet of ew_classifier_burst (bursts of
 * 32, as the worker calls it) for random rule sets of the given sizes.
 *   bench_classify [RULES...]      default: 100 1000 10000
 * CSV on stdout: rules,classes,acl_rules,build_ms,packets,cycles_per_pkt,ns_per_pkt
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>

#include "fastpath/classify.h"
#include "tests/common/rules.h"

#define NKEYS 4096
#define ROUNDS 400

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int
bench(unsigned int n_rules)
{
	unsigned int n_classes = n_rules >= 100 ? 100 : n_rules, i, r;
	struct ew_config *cfg = random_config(n_classes, n_rules, true);
	static struct ew_acl_key keys[NKEYS];
	static const struct ew_acl_key *kp[NKEYS];
	static uint16_t cls[NKEYS];
	struct ew_classifier *c;
	struct timespec t0;
	uint64_t c0, c1, sum = 0;
	double build_ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = ew_classifier_build(cfg);
	build_ms = ms_since(&t0);
	if (c == NULL)
		return -1;
	for (i = 0; i < NKEYS; i++) {
		struct pkt p;

		random_pkt(cfg, &p);
		ew_acl_key_set(&keys[i], p.ifx, p.proto, rte_cpu_to_be_32(p.src),
				rte_cpu_to_be_32(p.dst), rte_cpu_to_be_16(p.sport),
				rte_cpu_to_be_16(p.dport), p.dscp);
		kp[i] = &keys[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c0 = rte_rdtsc_precise();
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NKEYS; i += 32)
			ew_classifier_burst(c, kp + i, cls + i, 32);
	c1 = rte_rdtsc_precise();
	for (i = 0; i < NKEYS; i++)
		sum += cls[i];
	printf("%u,%u,%u,%.1f,%u,%.1f,%.2f\n", n_rules, n_classes, c->n_acl_rules,
			build_ms, NKEYS * ROUNDS,
			(double)(c1 - c0) / (NKEYS * ROUNDS),
			ms_since(&t0) * 1e6 / (NKEYS * ROUNDS));
	fprintf(stderr, "# %u rules: packets by class index sum %lu (0 would mean one class took all)\n",
			n_rules, (unsigned long)sum);
	ew_classifier_put(c);
	free_config(cfg);
	return 0;
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "1024", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level=error",
		"--file-prefix", prefix, NULL };
	static const unsigned int def[] = { 100, 1000, 10000 };
	int i, rc = 0;

	snprintf(prefix, sizeof(prefix), "ewbench-%d", (int)getpid());
	random_specific = true;
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		return 1;
	printf("rules,classes,acl_rules,build_ms,packets,cycles_per_pkt,ns_per_pkt\n");
	if (argc > 1)
		for (i = 1; i < argc && rc == 0; i++)
			rc = bench((unsigned int)atoi(argv[i]));
	else
		for (i = 0; i < 3 && rc == 0; i++)
			rc = bench(def[i]);
	rte_eal_cleanup();
	snprintf(prefix + 0, sizeof(prefix), "rm -rf /var/run/dpdk/ewbench-%d", (int)getpid());
	if (system(prefix) != 0)
		rc = 1;
	return rc;
}
