/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PROBE_H
#define EW_PROBE_H

/* Tunnel monitoring and SLA steering (control/probe.c). */

#include "control/monitor.h"

struct ew_daemon;

void ew_probe_init(struct ew_daemon *d);
void ew_probe_fini(struct ew_daemon *d);
/* One monitoring round: settle, probe every tunnel, steer, publish. */
void ew_probe_round(struct ew_daemon *d);
/* A tunnel's path by counter slot (NaN numbers until measured). */
void ew_probe_path(const struct ew_daemon *d, unsigned int slot, struct ew_path *p);
void ew_probe_forget_tunnel(struct ew_daemon *d, unsigned int slot);
void ew_probe_forget_class(struct ew_daemon *d, unsigned int slot);

#endif /* EW_PROBE_H */
