/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PROBE_H
#define EW_PROBE_H

/*
 * Tunnel monitoring and SLA steering (control/probe.c), on the control
 * thread. The module owns its state, struct ew_prober (a monitor per
 * probed tunnel, an SLA state per class with an SLA, what the next table
 * generation must know: ew_probe_runtime()), and reads the running tables
 * from the dataplane; it publishes nothing itself: ew_probe_round() says
 * when the daemon must publish a new generation. Only ew_probe_path() may
 * be called from another thread (an RCU reader of the dataplane's QSBR).
 */

#include <stdbool.h>
#include <stdint.h>

#include "control/sla/sla.h"

struct ew_dp;
struct ew_sp;
struct ew_runtime;
struct ew_prober;

/* The "monitor: " log, also for the daemon's message when what a round
 * changed cannot be published. */
extern int ew_probe_logtype;

/* Monitoring of DP's tunnels; probes go out and answers come back through
 * SP. NULL: out of memory. */
struct ew_prober *ew_probe_init(struct ew_dp *dp, struct ew_sp *sp);
/* Everything freed (P may be NULL); no RCU reader may be left. */
void ew_probe_fini(struct ew_prober *p);
/* One monitoring round: settle, probe every tunnel, steer. Returns true
 * when a tunnel went up or down or a class moved: the daemon then
 * publishes a new generation (built with ew_probe_runtime()). */
bool ew_probe_round(struct ew_prober *p);
/* What monitoring knows now, for building a table generation. */
const struct ew_runtime *ew_probe_runtime(const struct ew_prober *p);
/* A tunnel's path by counter slot (NaN numbers until measured). Also
 * called by the telemetry thread, as an RCU reader. */
void ew_probe_path(const struct ew_prober *p, unsigned int slot,
		struct ew_path *path);
/* A tunnel's monitor by counter slot (NULL: not probed). */
const struct ew_mon *ew_probe_mon(const struct ew_prober *p, unsigned int slot);
/* The probe kind a tunnel's monitor uses now: "stamp", "icmp", or "" (not
 * probed, or auto and not known yet). */
const char *ew_probe_active(const struct ew_prober *p, unsigned int slot);
/* Times the SLA moved a class (by counter slot) to another overlay. */
uint64_t ew_probe_switches(const struct ew_prober *p, unsigned int slot);
/* Monitor a tunnel by counter slot: its monitor, made with these settings
 * if it had none (NULL: out of memory). */
struct ew_mon *ew_probe_watch(struct ew_prober *p, unsigned int slot,
		uint32_t window, uint32_t down_after, uint64_t timeout_ns);
/* Stop monitoring a tunnel (its state is freed after a grace period). */
void ew_probe_forget_tunnel(struct ew_prober *p, unsigned int slot);
/* Forget a class's SLA state (its counter slot was released). */
void ew_probe_forget_class(struct ew_prober *p, unsigned int slot);
/* Free forgotten states no RCU reader can hold any more. */
void ew_probe_reclaim(struct ew_prober *p);
/* The newest forgotten state still waiting for its grace period (NULL:
 * none), for tests. */
const struct ew_mon *ew_probe_retired(const struct ew_prober *p);
/* The probe clock (ns; what ew_mon_sent() and the answers are timed on). */
uint64_t ew_probe_now_ns(const struct ew_prober *p);

#endif /* EW_PROBE_H */
