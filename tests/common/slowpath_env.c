/* SPDX-License-Identifier: BSD-3-Clause */
/* A port-less dataplane with tables and a slow path, for the slow-path
 * tests (slowpath_env.h). */

#include <stdio.h>

#include "config/config.h"
#include "tests/common/slowpath_env.h"

struct ew_sp *
ew_test_slowpath_start(struct ew_dp *dp, const char *name, const char *text,
		size_t len, const struct rte_ether_addr macs[2])
{
	static const uint16_t ports[2] = { 0, 1 };
	struct ew_config *cfg;
	struct ew_tables *t;
	struct ew_diag dg;
	struct ew_sp *sp;
	char err[128];

	if (ew_dp_init(dp, 1, 2, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	cfg = ew_config_load_string(name, text, len, &dg);
	if (cfg == NULL) {
		ew_diag_print(&dg, stderr);
		return NULL;
	}
	t = ew_tables_build(cfg, macs, ports, NULL, NULL, err, sizeof(err));
	if (t == NULL) {
		fprintf(stderr, "%s\n", err);
		ew_config_free(cfg);
		return NULL;
	}
	dp->tables = t;
	sp = ew_sp_create(dp);
	if (sp == NULL) {
		fprintf(stderr, "%s: out of memory\n", name);
		return NULL;
	}
	ew_sp_tables_changed(sp, t);
	return sp;
}
