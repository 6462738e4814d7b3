/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel monitoring and SLA steering on the control thread: every
 * monitor.interval_ms a probe goes into every tunnel, estimators settle,
 * each class with an SLA decides where it should be, and when a tunnel
 * went up/down or a class moved, the round says so and the daemon
 * publishes a new table generation (the classifier is reused, so this is
 * cheap). Every switch is logged and counted. The state (monitors, SLA
 * states, what the tables must know) is this module's, in struct
 * ew_prober.
 */

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>

#include "config/config.h"
#include "control/probe.h"
#include "control/slowpath/slowpath.h"
#include "fastpath/dataplane.h"

RTE_LOG_REGISTER_SUFFIX(ew_probe_logtype, monitor, INFO);
#define PLOG(level, ...) \
	rte_log(RTE_LOG_##level, ew_probe_logtype, "monitor: " __VA_ARGS__)

struct ew_prober {
	struct ew_dp *dp;		/* the running tables, the clock, RCU */
	struct ew_sp *sp;		/* probes out, answers in */
	/* by counter slot */
	struct ew_mon *mon[EW_MAX_TUNNELS];	/* read by telemetry: RCU */
	struct ew_mon *mon_retired;	/* freed after a grace period */
	uint8_t tun_down[EW_MAX_TUNNELS];
	struct ew_sla_state *sla[EW_MAX_CLASSES];
	unsigned int sla_ov[EW_MAX_CLASSES][EW_SLA_MAX_OVERLAYS];	/* the list it is for */
	uint32_t class_allow[EW_MAX_CLASSES];
	struct ew_runtime rt;		/* points at tun_down, class_allow */
};

/* The clock of probe times: the TSC on the reference the workers stamp
 * answers with (fastpath/ntp.h), so send and receive times compare. */
uint64_t
ew_probe_now_ns(const struct ew_prober *p)
{
	return ew_tsc_to_ns(&p->dp->clock, rte_rdtsc());
}

static void
on_answer(void *arg, unsigned int slot, uint32_t seq, unsigned int kind,
		uint64_t rx_ns, uint64_t residence_ns)
{
	struct ew_prober *p = arg;
	uint64_t tsc;

	if (slot >= EW_MAX_TUNNELS || p->mon[slot] == NULL)
		return;
	/* from when worker 0 sent it, if it still knows */
	if (ew_dp_probe_tx(p->dp, slot, seq, &tsc) == 0)
		ew_mon_wire_sent(p->mon[slot], seq,
				ew_tsc_to_ns(&p->dp->clock, tsc));
	ew_mon_answer(p->mon[slot], seq, kind, rx_ns, residence_ns);
}

/* Monitor states no longer published whose grace period has passed (no
 * RCU reader, the telemetry thread included, can still hold them). */
void
ew_probe_reclaim(struct ew_prober *p)
{
	struct ew_mon **pp = &p->mon_retired, *m;

	while ((m = *pp) != NULL) {
		if (rte_rcu_qsbr_check(p->dp->qs, m->retire_token, false) == 1) {
			*pp = m->retired_next;
			free(m);
		} else {
			pp = &m->retired_next;
		}
	}
}

const struct ew_mon *
ew_probe_retired(const struct ew_prober *p)
{
	return p->mon_retired;
}

struct ew_prober *
ew_probe_init(struct ew_dp *dp, struct ew_sp *sp)
{
	struct ew_prober *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->dp = dp;
	p->sp = sp;
	p->rt.tun_down = p->tun_down;
	p->rt.class_allow = p->class_allow;
	ew_sp_set_probe_cb(sp, on_answer, p);
	return p;
}

void
ew_probe_fini(struct ew_prober *p)
{
	unsigned int i;

	if (p == NULL)
		return;
	ew_sp_set_probe_cb(p->sp, NULL, NULL);
	for (i = 0; i < EW_MAX_TUNNELS; i++)
		free(p->mon[i]);
	while (p->mon_retired != NULL) {
		struct ew_mon *m = p->mon_retired;

		p->mon_retired = m->retired_next;
		free(m);
	}
	for (i = 0; i < EW_MAX_CLASSES; i++)
		free(p->sla[i]);
	free(p);
}

const struct ew_runtime *
ew_probe_runtime(const struct ew_prober *p)
{
	return &p->rt;
}

/* Also called by the telemetry thread, as an RCU reader. */
void
ew_probe_path(const struct ew_prober *p, unsigned int slot, struct ew_path *path)
{
	const struct ew_mon *m = slot < EW_MAX_TUNNELS ?
			__atomic_load_n(&p->mon[slot], __ATOMIC_ACQUIRE) : NULL;

	path->up = m == NULL || m->up;
	path->rtt_ms = m != NULL && m->have_rtt ? m->srtt_ns / 1e6 : NAN;
	path->jitter_ms = m != NULL && m->n_rtt > 1 ? m->jitter_ns / 1e6 : NAN;
	path->loss_pct = m != NULL ? ew_mon_loss(m) * 100.0 : NAN;
}

const struct ew_mon *
ew_probe_mon(const struct ew_prober *p, unsigned int slot)
{
	return slot < EW_MAX_TUNNELS ?
			__atomic_load_n(&p->mon[slot], __ATOMIC_ACQUIRE) : NULL;
}

uint64_t
ew_probe_switches(const struct ew_prober *p, unsigned int slot)
{
	return slot < EW_MAX_CLASSES && p->sla[slot] != NULL ?
			p->sla[slot]->switches : 0;
}

/* An overlay as the SLA sees it: its best up tunnel (lowest smoothed RTT;
 * with one tunnel to the far site, that tunnel). */
static void
overlay_path(const struct ew_prober *pr, const struct ew_tables *t, unsigned int ox,
		struct ew_path *out)
{
	unsigned int i;

	out->up = false;
	out->rtt_ms = out->jitter_ms = out->loss_pct = INFINITY;
	for (i = 0; i < t->n_tunnels; i++) {
		struct ew_path p;

		if (t->tun[i].ox != ox)
			continue;
		ew_probe_path(pr, t->tun[i].slot, &p);
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
steer(struct ew_prober *p, const struct ew_tables *t, uint64_t now)
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
			if (p->class_allow[slot] != 0) {
				p->class_allow[slot] = 0;
				changed = true;
			}
			continue;
		}
		/* the state is by position in the class's list: a changed
		 * list (re-steered, reordered) starts it over */
		if (p->sla[slot] != NULL && (p->sla[slot]->n != cc->n_overlays ||
				memcmp(p->sla_ov[slot], cc->overlays,
					cc->n_overlays * sizeof(cc->overlays[0])) != 0)) {
			uint64_t switches = p->sla[slot]->switches;

			ew_sla_init(p->sla[slot], cc->n_overlays);
			p->sla[slot]->switches = switches;	/* a counter */
		}
		if (p->sla[slot] == NULL) {
			p->sla[slot] = calloc(1, sizeof(*p->sla[slot]));
			if (p->sla[slot] == NULL)
				continue;
			ew_sla_init(p->sla[slot], cc->n_overlays);
		}
		memcpy(p->sla_ov[slot], cc->overlays,
				cc->n_overlays * sizeof(cc->overlays[0]));
		for (k = 0; k < cc->n_overlays; k++)
			overlay_path(p, t, cc->overlays[k], &paths[k]);
		why = ew_sla_decide(p->sla[slot], &sla, paths, now, hold, &from);
		if (why != EW_SLA_KEEP && why != EW_SLA_START) {
			const struct ew_path *was = &paths[from];

			PLOG(NOTICE, "class %s: %s -> %s (%s: rtt %.1f ms, jitter %.1f ms, loss %.1f%%)\n",
					cc->name, t->ov[cc->overlays[from]].name,
					t->ov[cc->overlays[p->sla[slot]->active]].name,
					ew_sla_reason_name(why), was->rtt_ms, was->jitter_ms,
					was->loss_pct);
		}
		if (p->sla[slot]->active >= 0) {
			allow = 1u << p->sla[slot]->active;
			if (cc->balance == EW_BALANCE_FLOW)
				for (k = 0; k < cc->n_overlays; k++)
					if (ew_sla_meets(&sla, &paths[k]))
						allow |= 1u << k;
		}
		if (p->class_allow[slot] != allow) {
			p->class_allow[slot] = allow;
			changed = true;
		}
	}
	return changed;
}

static unsigned int
mon_probe(enum ew_probe kind)
{
	return kind == EW_PROBE_STAMP ? EW_MON_STAMP : kind == EW_PROBE_ICMP ?
			EW_MON_ICMP : EW_MON_AUTO;
}

const char *
ew_probe_active(const struct ew_prober *p, unsigned int slot)
{
	const struct ew_mon *m = slot < EW_MAX_TUNNELS ? p->mon[slot] : NULL;

	if (m == NULL)
		return "";
	return m->active == EW_MON_STAMP ? "stamp" :
			m->active == EW_MON_ICMP ? "icmp" : "";
}

struct ew_mon *
ew_probe_watch(struct ew_prober *p, unsigned int slot, uint32_t window,
		uint32_t down_after, uint64_t timeout_ns)
{
	struct ew_mon *m = p->mon[slot];

	if (m != NULL)
		return m;
	m = malloc(sizeof(*m));
	if (m == NULL)
		return NULL;
	ew_mon_init(m, window, down_after, timeout_ns);
	__atomic_store_n(&p->mon[slot], m, __ATOMIC_RELEASE);
	return m;
}

/* Tunnel I (of T) this round: its probe, its monitor's tick; returns true
 * if it went up or down. */
static bool
probe_tunnel(struct ew_prober *p, const struct ew_tables *t, unsigned int i)
{
	const struct ew_config *cfg = t->cfg;
	unsigned int slot = t->tun[i].slot;
	bool changed = false;
	struct ew_mon *m;
	uint64_t tnow;
	uint32_t seq;

	if (t->tun[i].probe == EW_PROBE_NONE) {
		/* not monitored: always usable, no numbers */
		if (p->mon[slot] != NULL)
			ew_probe_forget_tunnel(p, slot);
		changed = p->tun_down[slot] != 0;
		p->tun_down[slot] = 0;
		return changed;
	}
	m = ew_probe_watch(p, slot, cfg->monitor.window, cfg->monitor.down_after,
			(uint64_t)cfg->monitor.interval_ms * 1000000ull);
	if (m == NULL)
		return false;
	ew_mon_set_probe(m, mon_probe(t->tun[i].probe));
	/* one time for this tunnel's probe and its tick: the probe goes
	 * first, so the one before has had its round */
	tnow = ew_probe_now_ns(p);
	seq = ew_mon_sent(m, tnow);
	if (ew_sp_send_probe(p->sp, i, seq, ew_mon_kinds(m, seq)) == 1)
		ew_mon_held(m, seq);
	ew_mon_tick(m, tnow);
	if (p->tun_down[slot] != !m->up) {
		PLOG(NOTICE, "tunnel %s/%s is %s (rtt %.1f ms, loss %.0f%%)\n",
				t->ov[t->tun[i].ox].name, t->tun[i].name,
				m->up ? "up" : "down", m->srtt_ns / 1e6,
				ew_mon_loss(m) * 100);
		p->tun_down[slot] = !m->up;
		changed = true;
	}
	if (m->probe == EW_MON_AUTO && m->active != m->active_logged) {
		if (m->active != 0)
			PLOG(NOTICE, "tunnel %s/%s: the peer answers %s: probe auto/%s\n",
					t->ov[t->tun[i].ox].name, t->tun[i].name,
					m->active == EW_MON_STAMP ? "STAMP" :
					"ICMP echo, not STAMP",
					ew_probe_active(p, slot));
		m->active_logged = m->active;
	}
	return changed;
}

bool
ew_probe_round(struct ew_prober *p)
{
	const struct ew_tables *t = p->dp->tables;
	bool changed = false;
	unsigned int i;
	uint64_t now;

	ew_probe_reclaim(p);
	/* answers already received count before losses are settled (the
	 * control thread may have been busy) */
	ew_sp_poll(p->sp, 4096);
	now = ew_probe_now_ns(p);
	for (i = 0; i < t->n_tunnels; i++)
		changed |= probe_tunnel(p, t, i);
	changed |= steer(p, t, now);
	return changed;
}

/* A tunnel slot was released (the tunnel is gone), or its tunnel is no
 * longer probed: forget its history. The telemetry thread may be reading
 * the state right now (ew_probe_path()): it is unpublished at once and
 * freed after the grace period (ew_probe_reclaim()). */
void
ew_probe_forget_tunnel(struct ew_prober *p, unsigned int slot)
{
	struct ew_mon *m = p->mon[slot];

	p->tun_down[slot] = 0;
	if (m == NULL)
		return;
	__atomic_store_n(&p->mon[slot], NULL, __ATOMIC_RELEASE);
	m->retire_token = rte_rcu_qsbr_start(p->dp->qs);
	m->retired_next = p->mon_retired;
	p->mon_retired = m;
}

void
ew_probe_forget_class(struct ew_prober *p, unsigned int slot)
{
	free(p->sla[slot]);
	p->sla[slot] = NULL;
	p->class_allow[slot] = 0;
}
