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

#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>

#include "control/daemon.h"
#include "control/probe.h"

RTE_LOG_REGISTER_SUFFIX(ew_probe_logtype, monitor, INFO);
#define PLOG(level, ...) \
	rte_log(RTE_LOG_##level, ew_probe_logtype, "monitor: " __VA_ARGS__)

/* The clock of probe times: the TSC on the reference the workers stamp
 * answers with (fastpath/ntp.h), so send and receive times compare. */
uint64_t
ew_probe_now_ns(const struct ew_daemon *d)
{
	return ew_tsc_to_ns(&d->dp.clock, rte_rdtsc());
}

static void
on_answer(void *arg, unsigned int slot, uint32_t seq, unsigned int kind,
		uint64_t rx_ns, uint64_t residence_ns)
{
	struct ew_daemon *d = arg;
	uint64_t tsc;

	if (slot >= EW_MAX_TUNNELS || d->mon[slot] == NULL)
		return;
	/* from when worker 0 sent it, if it still knows */
	if (ew_dp_probe_tx(&d->dp, slot, seq, &tsc) == 0)
		ew_mon_wire_sent(d->mon[slot], seq,
				ew_tsc_to_ns(&d->dp.clock, tsc));
	ew_mon_answer(d->mon[slot], seq, kind, rx_ns, residence_ns);
}

/* Monitor states no longer published whose grace period has passed (no
 * RCU reader, the telemetry thread included, can still hold them). */
void
ew_probe_reclaim(struct ew_daemon *d)
{
	struct ew_mon **pp = &d->mon_retired, *m;

	while ((m = *pp) != NULL) {
		if (rte_rcu_qsbr_check(d->dp.qs, m->retire_token, false) == 1) {
			*pp = m->retired_next;
			free(m);
		} else {
			pp = &m->retired_next;
		}
	}
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
	while (d->mon_retired != NULL) {
		struct ew_mon *m = d->mon_retired;

		d->mon_retired = m->retired_next;
		free(m);
	}
	for (i = 0; i < EW_MAX_CLASSES; i++) {
		free(d->sla[i]);
		d->sla[i] = NULL;
	}
}

/* Also called by the telemetry thread, as an RCU reader. */
void
ew_probe_path(const struct ew_daemon *d, unsigned int slot, struct ew_path *p)
{
	const struct ew_mon *m = slot < EW_MAX_TUNNELS ?
			__atomic_load_n(&d->mon[slot], __ATOMIC_ACQUIRE) : NULL;

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

static unsigned int
mon_probe(enum ew_probe p)
{
	return p == EW_PROBE_STAMP ? EW_MON_STAMP : p == EW_PROBE_ICMP ?
			EW_MON_ICMP : EW_MON_AUTO;
}

const char *
ew_probe_active(const struct ew_daemon *d, unsigned int slot)
{
	const struct ew_mon *m = slot < EW_MAX_TUNNELS ? d->mon[slot] : NULL;

	if (m == NULL)
		return "";
	return m->active == EW_MON_STAMP ? "stamp" :
			m->active == EW_MON_ICMP ? "icmp" : "";
}

void
ew_probe_round(struct ew_daemon *d)
{
	const struct ew_tables *t = d->dp.tables;
	const struct ew_config *cfg = t->cfg;
	uint64_t now, tnow, timeout;
	bool changed = false;
	unsigned int i;
	char err[256];

	ew_probe_reclaim(d);
	/* answers already received count before losses are settled (the
	 * control thread may have been busy) */
	ew_sp_poll(d->sp, 4096);
	now = ew_probe_now_ns(d);
	timeout = (uint64_t)cfg->monitor.interval_ms * 1000000ull;
	for (i = 0; i < t->n_tunnels; i++) {
		unsigned int slot = t->tun[i].slot;
		struct ew_mon *m = d->mon[slot];
		uint32_t seq;

		if (t->tun[i].probe == EW_PROBE_NONE) {
			/* not monitored: always usable, no numbers */
			if (m != NULL)
				ew_probe_forget_tunnel(d, slot);
			changed |= d->tun_down[slot] != 0;
			d->tun_down[slot] = 0;
			continue;
		}
		if (m == NULL) {
			m = malloc(sizeof(*m));
			if (m == NULL)
				continue;
			ew_mon_init(m, cfg->monitor.window, cfg->monitor.down_after,
					timeout);
			__atomic_store_n(&d->mon[slot], m, __ATOMIC_RELEASE);
		}
		ew_mon_set_probe(m, mon_probe(t->tun[i].probe));
		/* one time for this tunnel's probe and its tick: the probe
		 * goes first, so the one before has had its round */
		tnow = ew_probe_now_ns(d);
		seq = ew_mon_sent(m, tnow);
		if (ew_sp_send_probe(d->sp, i, seq, ew_mon_kinds(m, seq)) == 1)
			ew_mon_held(m, seq);
		ew_mon_tick(m, tnow);
		if (d->tun_down[slot] != !m->up) {
			PLOG(NOTICE, "tunnel %s/%s is %s (rtt %.1f ms, loss %.0f%%)\n",
					t->ov[t->tun[i].ox].name, t->tun[i].name,
					m->up ? "up" : "down", m->srtt_ns / 1e6,
					ew_mon_loss(m) * 100);
			d->tun_down[slot] = !m->up;
			changed = true;
		}
		if (m->probe == EW_MON_AUTO && m->active != m->active_logged) {
			if (m->active != 0)
				PLOG(NOTICE, "tunnel %s/%s: the peer answers %s: probe auto/%s\n",
						t->ov[t->tun[i].ox].name, t->tun[i].name,
						m->active == EW_MON_STAMP ? "STAMP" :
						"ICMP echo, not STAMP",
						ew_probe_active(d, slot));
			m->active_logged = m->active;
		}
	}
	changed |= steer(d, t, now);
	if (changed) {
		struct ew_config *copy = ew_config_dup(cfg);

		if (copy == NULL || ew_daemon_commit(d, copy, err, sizeof(err)) != 0)
			PLOG(ERR, "cannot publish the new state: %s\n",
					copy == NULL ? "out of memory" : err);
	}
}

/* A tunnel slot was released (the tunnel is gone), or its tunnel is no
 * longer probed: forget its history. The telemetry thread may be reading
 * the state right now (ew_probe_path()): it is unpublished at once and
 * freed after the grace period (ew_probe_reclaim()). */
void
ew_probe_forget_tunnel(struct ew_daemon *d, unsigned int slot)
{
	struct ew_mon *m = d->mon[slot];

	d->tun_down[slot] = 0;
	if (m == NULL)
		return;
	__atomic_store_n(&d->mon[slot], NULL, __ATOMIC_RELEASE);
	m->retire_token = rte_rcu_qsbr_start(d->dp.qs);
	m->retired_next = d->mon_retired;
	d->mon_retired = m;
}

void
ew_probe_forget_class(struct ew_daemon *d, unsigned int slot)
{
	free(d->sla[slot]);
	d->sla[slot] = NULL;
	d->class_allow[slot] = 0;
}
