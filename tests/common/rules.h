/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_TEST_RULES_H
#define EW_TEST_RULES_H

/* Random rule sets and packets for the classifier's property test and
 * benchmark, and the plain reference matcher they are checked against. */

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

struct pkt {
	unsigned int ifx;
	uint8_t proto, dscp;
	uint32_t src, dst;
	uint16_t sport, dport;
};

uint32_t rnd(void);
uint32_t rnd_in(uint32_t lo, uint32_t hi);
bool ref_rule(const struct ew_match_cfg *m, const struct pkt *p);
unsigned int ref_classify(const struct ew_config *cfg, const struct pkt *p);
/* true: every rule names a protocol (tcp/udp) and a /16../28 destination,
 * as real policies do; false: anything, wildcards included. */
extern bool random_specific;
/* N_CLASSES classes sharing N_RULES random rules, plus a catch-all. */
struct ew_config *random_config(unsigned int n_classes, unsigned int n_rules,
		bool catch_all);
void free_config(struct ew_config *cfg);
/* Inside a random rule half of the time, random otherwise. */
void random_pkt(const struct ew_config *cfg, struct pkt *p);

#endif
