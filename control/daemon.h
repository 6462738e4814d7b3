/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_DAEMON_H
#define EW_DAEMON_H

/*
 * The running appliance: EAL, ports, workers and the control thread's event
 * loop. ew_daemon_run() takes ownership of CFG and returns the process exit
 * code (0 after a clean stop on SIGINT/SIGTERM, 1 on a runtime failure).
 */

#include "config/config.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/dataplane.h"
#include "fastpath/slots.h"

struct ew_ctl;
struct ew_metrics;
struct ew_prober;

struct ew_daemon {
	struct ew_dp dp;
	struct ew_sp *sp;
	struct ew_ctl *ctl;
	struct ew_metrics *metrics;	/* NULL: no control.metrics */
	struct rte_mempool *mp;
	unsigned int n_ports_open;
	struct rte_ether_addr macs[EW_MAX_IFACES];
	uint16_t port_ids[EW_MAX_IFACES];
	struct ew_slots tslots, cslots;	/* stable counter slots */
	char cfg_path[EW_PATH_MAX];
	uint64_t started_ms;
	uint64_t generation;		/* generations published after the first */
	uint64_t clf_builds;		/* classifiers built (not shared) */
	uint64_t api_requests, api_errors;
	struct ew_prober *probe;	/* monitoring and SLA steering */
};

int ew_daemon_run(const char *prog, struct ew_config *cfg);

/* The same in two halves, for harnesses that drive the API without the
 * event loop: start (EAL, ports, tables, workers; NULL on failure, CFG
 * taken in all cases) and stop (workers joined, everything freed; REPORT
 * prints the counters to stderr). */
struct ew_daemon *ew_daemon_start(const char *prog, struct ew_config *cfg);
void ew_daemon_stop(struct ew_daemon *d, bool report);

/*
 * Make CFG (validated) the running configuration: one new table generation,
 * published by RCU; the old one is freed after the grace period. Takes CFG
 * in all cases. Returns 0, or 2 (refused: a part that needs a restart
 * changed) / 1 (failed) with the reason in ERR; then nothing changed.
 */
int ew_daemon_commit(struct ew_daemon *d, struct ew_config *cfg, char *err,
		size_t errlen);

#endif /* EW_DAEMON_H */
