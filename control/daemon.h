/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_DAEMON_H
#define EW_DAEMON_H

/*
 * The running appliance: EAL, ports, workers and the control thread's event
 * loop. ew_daemon_run() takes ownership of CFG and returns the process exit
 * code (0 after a clean stop on SIGINT/SIGTERM, 1 on a runtime failure).
 */

#include "config/config.h"
#include "control/slowpath.h"
#include "fastpath/dataplane.h"

struct ew_daemon {
	struct ew_dp dp;
	struct ew_sp *sp;
	struct rte_mempool *mp;
	unsigned int n_ports_open;
	uint64_t started_ms;
};

int ew_daemon_run(const char *prog, struct ew_config *cfg);

/* Human-readable views (also used by the console later). */
void ew_show_interfaces(const struct ew_daemon *d, FILE *f);
void ew_show_tunnels(const struct ew_daemon *d, FILE *f);
void ew_show_stats(const struct ew_daemon *d, FILE *f);
void ew_show_neighbours(const struct ew_daemon *d, FILE *f);

/* DPDK telemetry commands under /edgeway/. */
void ew_telemetry_init(struct ew_daemon *d);

#endif /* EW_DAEMON_H */
