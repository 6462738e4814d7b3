/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel monitoring and SLA steering on the control thread: every
 * monitor.interval_ms a probe goes into every tunnel, estimators settle,
 * each class with an SLA decides where it should be, and when a tunnel
 * went up/down or a class moved, a new table generation is published (the
 * classifier is reused, so this is cheap). Every switch is logged and
 * counted.
 */

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "control/daemon.h"
#include "control/probe.h"

RTE_LOG_REGISTER_SUFFIX(ew_probe_logtype, monitor, INFO);
#define PLOG(level, ...) \
	rte_log(RTE_LOG_##level, ew_probe_logtype, "monitor: " __VA_ARGS__)

static uint64_t
now_ns(void)
{
	return ew_now_ms() * 1000000ull;
}

static void
on_answer(void *arg, unsigned int slot, uint32_t seq, uint64_t rtt_ns)
{
	struct ew_daemon *d = arg;

	if (slot < EW_MAX_TUNNELS && d->mon[slot] != NULL)
		ew_mon_answer(d->mon[slot], seq, rtt_ns);
}

void
ew_probe_init(struct ew_daemon *d)
{
	ew_sp_set_probe_cb(d->sp, on_answer, d);
	d->rt.tun_down = d->tun_down;
	d->rt.class_allow = d->class_allow;
}

void
ew_probe_fini(struct ew_daemon *d)
{
	unsigned int i;

	for (i = 0; i < EW_MAX_TUNNELS; i++) {
		free(d->mon[i]);
		d->mon[i] = NULL;
	}
	for (i = 0; i < EW_MAX_CLASSES; i++) {
		free(d->sla[i]);
		d->sla[i] = NULL;
	}
}

void
ew_probe_path(const struct ew_daemon *d, unsigned int slot, struct ew_path *p)
{
	const struct ew_mon *m = slot < EW_MAX_TUNNELS ? d->mon[slot] : NULL;

	p->up = m == NULL || m->up;
	p->rtt_ms = m != NULL && m->have_rtt ? m->srtt_ns / 1e6 : NAN;
	p->jitter_ms = m != NULL && m->n_rtt > 1 ? m->jitter_ns / 1e6 : NAN;
	p->loss_pct = m != NULL ? ew_mon_loss(m) * 100.0 : NAN;
}

/* An overlay as the SLA sees it: its best up tunnel (lowest smoothed RTT;
 * with one tunnel to the far site, that tunnel). */
static void
overlay_path(const struct ew_daemon *d, const struct ew_tables *t, unsigned int ox,
		struct ew_path *out)
{
	unsigned int i;

	out->up = false;
	out->rtt_ms = out->jitter_ms = out->loss_pct = INFINITY;
	for (i = 0; i < t->n_tunnels; i++) {
		struct ew_path p;

		if (t->tun[i].ox != ox)
			continue;
		ew_probe_path(d, t->tun[i].slot, &p);
		if (!p.up)
			continue;
		if (isnan(p.rtt_ms)) {	/* not measured yet: usable, no numbers */
			p.rtt_ms = p.jitter_ms = p.loss_pct = 0;
		}
		if (!out->up || p.rtt_ms < out->rtt_ms)
			*out = p;
	}
}

/* Classes with an SLA: decide; returns true if any allowed set changed. */
static bool
steer(struct ew_daemon *d, const struct ew_tables *t, uint64_t now)
{
	const struct ew_config *cfg = t->cfg;
	uint64_t hold = (uint64_t)cfg->monitor.hold_down_ms * 1000000ull;
	bool changed = false;
	unsigned int c, k;

	for (c = 0; c < cfg->n_classes && c < t->n_classes; c++) {
		const struct ew_class_cfg *cc = &cfg->classes[c];
		unsigned int slot = t->classes[c].slot;
		struct ew_path paths[EW_SLA_MAX_OVERLAYS];
		struct ew_sla sla = { cc->sla.latency_ms, cc->sla.jitter_ms,
			cc->sla.loss_pct };
		enum ew_sla_reason why;
		uint32_t allow = 0;
		int from;

		if (!cc->sla.set || cc->n_overlays > EW_SLA_MAX_OVERLAYS) {
			if (d->class_allow[slot] != 0) {
				d->class_allow[slot] = 0;
				changed = true;
			}
			continue;
		}
		/* the state is by position in the class's list: a changed
		 * list (re-steered, reordered) starts it over */
		if (d->sla[slot] != NULL && (d->sla[slot]->n != cc->n_overlays ||
				memcmp(d->sla_ov[slot], cc->overlays,
					cc->n_overlays * sizeof(cc->overlays[0])) != 0)) {
			uint64_t switches = d->sla[slot]->switches;

			ew_sla_init(d->sla[slot], cc->n_overlays);
			d->sla[slot]->switches = switches;	/* a counter */
		}
		if (d->sla[slot] == NULL) {
			d->sla[slot] = calloc(1, sizeof(*d->sla[slot]));
			if (d->sla[slot] == NULL)
				continue;
			ew_sla_init(d->sla[slot], cc->n_overlays);
		}
		memcpy(d->sla_ov[slot], cc->overlays,
				cc->n_overlays * sizeof(cc->overlays[0]));
		for (k = 0; k < cc->n_overlays; k++)
			overlay_path(d, t, cc->overlays[k], &paths[k]);
		why = ew_sla_decide(d->sla[slot], &sla, paths, now, hold, &from);
		if (why != EW_SLA_KEEP && why != EW_SLA_START) {
			const struct ew_path *p = &paths[from];

			PLOG(NOTICE, "class %s: %s -> %s (%s: rtt %.1f ms, jitter %.1f ms, loss %.1f%%)\n",
					cc->name, t->ov[cc->overlays[from]].name,
					t->ov[cc->overlays[d->sla[slot]->active]].name,
					ew_sla_reason_name(why), p->rtt_ms, p->jitter_ms,
					p->loss_pct);
		}
		if (d->sla[slot]->active >= 0) {
			allow = 1u << d->sla[slot]->active;
			if (cc->balance == EW_BALANCE_FLOW)
				for (k = 0; k < cc->n_overlays; k++)
					if (ew_sla_meets(&sla, &paths[k]))
						allow |= 1u << k;
		}
		if (d->class_allow[slot] != allow) {
			d->class_allow[slot] = allow;
			changed = true;
		}
	}
	return changed;
}

void
ew_probe_round(struct ew_daemon *d)
{
	const struct ew_tables *t = d->dp.tables;
	const struct ew_config *cfg = t->cfg;
	uint64_t now = now_ns(), timeout;
	bool changed = false;
	unsigned int i;
	char err[256];

	timeout = (uint64_t)cfg->monitor.interval_ms * 1000000ull;
	for (i = 0; i < t->n_tunnels; i++) {
		unsigned int slot = t->tun[i].slot;
		struct ew_mon *m = d->mon[slot];

		if (t->tun[i].probe == EW_PROBE_NONE) {
			/* not monitored: always usable, no numbers */
			if (m != NULL)
				ew_probe_forget_tunnel(d, slot);
			changed |= d->tun_down[slot] != 0;
			d->tun_down[slot] = 0;
			continue;
		}
		if (m == NULL) {
			m = d->mon[slot] = malloc(sizeof(*m));
			if (m == NULL)
				continue;
			ew_mon_init(m, cfg->monitor.window, cfg->monitor.down_after,
					timeout);
		}
		ew_mon_tick(m, now);
		if (d->tun_down[slot] != !m->up) {
			PLOG(NOTICE, "tunnel %s/%s is %s (rtt %.1f ms, loss %.0f%%)\n",
					t->ov[t->tun[i].ox].name, t->tun[i].name,
					m->up ? "up" : "down", m->srtt_ns / 1e6,
					ew_mon_loss(m) * 100);
			d->tun_down[slot] = !m->up;
			changed = true;
		}
		ew_sp_send_probe(d->sp, i, ew_mon_sent(m, now));
	}
	changed |= steer(d, t, now);
	if (changed) {
		struct ew_config *copy = ew_config_dup(cfg);

		if (copy == NULL || ew_daemon_commit(d, copy, err, sizeof(err)) != 0)
			PLOG(ERR, "cannot publish the new state: %s\n",
					copy == NULL ? "out of memory" : err);
	}
}

/* A tunnel slot was released (the tunnel is gone): forget its history. */
void
ew_probe_forget_tunnel(struct ew_daemon *d, unsigned int slot)
{
	free(d->mon[slot]);
	d->mon[slot] = NULL;
	d->tun_down[slot] = 0;
}

void
ew_probe_forget_class(struct ew_daemon *d, unsigned int slot)
{
	free(d->sla[slot]);
	d->sla[slot] = NULL;
	d->class_allow[slot] = 0;
}
