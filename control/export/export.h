/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_EXPORT_H
#define EW_EXPORT_H

/*
 * control/export/: the running daemon's counters and state, read-only,
 * for people and collectors: counter tables (show.c), DPDK telemetry
 * under /edgeway/ (telemetry.c) and Prometheus GET /metrics
 * (metrics.c). Counters are summed over lcores when read; nothing here
 * changes the daemon. Everything runs on the control thread except the
 * telemetry callbacks (DPDK's threads, RCU readers of the tables).
 */

#include <stdio.h>

struct ew_daemon;
struct ew_metrics;
struct event_base;

/* Human-readable tables (SIGUSR1, and the last words at stop). */
void ew_show_interfaces(const struct ew_daemon *d, FILE *f);
void ew_show_tunnels(const struct ew_daemon *d, FILE *f);
void ew_show_stats(const struct ew_daemon *d, FILE *f);
void ew_show_neighbours(const struct ew_daemon *d, FILE *f);

/* DPDK telemetry commands under /edgeway/. */
void ew_telemetry_init(struct ew_daemon *d);
/* Before teardown: telemetry clients are refused from now on, and none is
 * reading when it returns. */
void ew_telemetry_close(void);

/* Prometheus GET /metrics on ADDR ("a.b.c.d:port"), served on BASE. NULL
 * with the reason in ERR if ADDR is not one or cannot be listened on. */
struct ew_metrics *ew_metrics_open(struct event_base *base, struct ew_daemon *d,
		const char *addr, char *err, size_t errlen);
void ew_metrics_close(struct ew_metrics *m);

#endif /* EW_EXPORT_H */
