/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PROBE_H
#define EW_PROBE_H

/* Tunnel monitoring and SLA steering (control/probe.c). */

#include "control/sla/monitor.h"

struct ew_daemon;

void ew_probe_init(struct ew_daemon *d);
void ew_probe_fini(struct ew_daemon *d);
/* One monitoring round: settle, probe every tunnel, steer, publish. */
void ew_probe_round(struct ew_daemon *d);
/* A tunnel's path by counter slot (NaN numbers until measured). */
void ew_probe_path(const struct ew_daemon *d, unsigned int slot, struct ew_path *p);
/* The probe kind a tunnel's monitor uses now: "stamp", "icmp", or "" (not
 * probed, or auto and not known yet). */
const char *ew_probe_active(const struct ew_daemon *d, unsigned int slot);
/* Stop monitoring a tunnel (its state is freed after a grace period). */
void ew_probe_forget_tunnel(struct ew_daemon *d, unsigned int slot);
/* Free forgotten states no RCU reader can hold any more. */
void ew_probe_reclaim(struct ew_daemon *d);
/* The probe clock (ns; what ew_mon_sent() and the answers are timed on). */
uint64_t ew_probe_now_ns(const struct ew_daemon *d);
void ew_probe_forget_class(struct ew_daemon *d, unsigned int slot);

#endif /* EW_PROBE_H */
