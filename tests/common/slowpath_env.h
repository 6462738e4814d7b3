/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_TEST_SLOWPATH_ENV_H
#define EW_TEST_SLOWPATH_ENV_H

/*
 * What the slow-path tests run on: a dataplane without ports (one
 * worker's worth of shared state, two interfaces), the tables of a YAML
 * text published on it, and the control thread's slow path over them.
 */

#include <stddef.h>

#include <rte_ether.h>

#include "control/slowpath/slowpath.h"
#include "fastpath/dataplane.h"

/* DP (zeroed, its mempool DP->mp set by the caller) gets the tables of
 * TEXT (LEN bytes; NAME in messages), interfaces 0 and 1 with MACS and
 * port ids 0 and 1. Returns the slow path, told of the tables, or NULL
 * (said on stderr). */
struct ew_sp *ew_test_slowpath_start(struct ew_dp *dp, const char *name,
		const char *text, size_t len, const struct rte_ether_addr macs[2]);

#endif /* EW_TEST_SLOWPATH_ENV_H */
