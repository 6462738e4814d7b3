/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SLA steering: where a class switches overlays. ew_sla_decide() keeps a
 * class on its active overlay while that meets the SLA, moves it to the
 * first one that does when it stops (or goes down), brings it back to a
 * preferred one after the hold-down, and falls back on the least
 * violating one when none meets it. control/probe.c applies the choice.
 */

#include <math.h>
#include <string.h>

#include "control/sla/sla.h"

const char *
ew_sla_reason_name(enum ew_sla_reason r)
{
	static const char *const n[] = { "keep", "start", "sla-violation",
		"down", "return-after-hold-down", "none-compliant" };

	return (unsigned int)r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}

void
ew_sla_init(struct ew_sla_state *s, unsigned int n)
{
	memset(s, 0, sizeof(*s));
	s->n = n > EW_SLA_MAX_OVERLAYS ? EW_SLA_MAX_OVERLAYS : n;
	s->active = -1;
}

bool
ew_sla_meets(const struct ew_sla *sla, const struct ew_path *p)
{
	if (!p->up)
		return false;
	if (sla->latency_ms >= 0 && p->rtt_ms > sla->latency_ms)
		return false;
	if (sla->jitter_ms >= 0 && p->jitter_ms > sla->jitter_ms)
		return false;
	if (sla->loss_pct >= 0 && p->loss_pct > sla->loss_pct)
		return false;
	return true;
}

/* How far a path is from the SLA (0 = meets it): the sum of relative
 * excesses. */
static double
violation(const struct ew_sla *sla, const struct ew_path *p)
{
	double v = 0;

	if (sla->latency_ms >= 0 && p->rtt_ms > sla->latency_ms)
		v += (p->rtt_ms - sla->latency_ms) / (sla->latency_ms > 0 ? sla->latency_ms : 1);
	if (sla->jitter_ms >= 0 && p->jitter_ms > sla->jitter_ms)
		v += (p->jitter_ms - sla->jitter_ms) / (sla->jitter_ms > 0 ? sla->jitter_ms : 1);
	if (sla->loss_pct >= 0 && p->loss_pct > sla->loss_pct)
		v += (p->loss_pct - sla->loss_pct) / (sla->loss_pct > 0 ? sla->loss_pct : 1);
	return v;
}

enum ew_sla_reason
ew_sla_decide(struct ew_sla_state *s, const struct ew_sla *sla,
		const struct ew_path *paths, uint64_t now_ns, uint64_t hold_down_ns,
		int *from)
{
	bool meets[EW_SLA_MAX_OVERLAYS] = { false };
	int i, pick = -1;
	enum ew_sla_reason why;

	*from = s->active;
	for (i = 0; i < (int)s->n; i++) {
		meets[i] = ew_sla_meets(sla, &paths[i]);
		if (!meets[i])
			s->good_since[i] = 0;
		else if (s->good_since[i] == 0)
			s->good_since[i] = now_ns ? now_ns : 1;
		/* held down long enough: eligible again */
		if (s->left[i] && meets[i] && now_ns - s->good_since[i] >= hold_down_ns)
			s->left[i] = false;
	}
	/* the first preferred overlay that meets the SLA and is not held down */
	for (i = 0; i < (int)s->n && pick < 0; i++)
		if (meets[i] && !s->left[i])
			pick = i;
	if (s->active >= 0 && meets[s->active] && (pick < 0 || pick >= s->active))
		return EW_SLA_KEEP;	/* fine where it is, nothing better */
	if (pick >= 0) {
		if (s->active < 0)
			why = EW_SLA_START;
		else if (meets[s->active])
			why = EW_SLA_RETURN;
		else
			why = paths[s->active].up ? EW_SLA_VIOLATION : EW_SLA_DOWN;
	} else {
		/* none meets it: the least violating that is up */
		double best = INFINITY;

		for (i = 0; i < (int)s->n; i++)
			if (paths[i].up && violation(sla, &paths[i]) < best) {
				best = violation(sla, &paths[i]);
				pick = i;
			}
		s->none_compliant++;
		if (pick < 0 || pick == s->active)
			return EW_SLA_KEEP;
		why = EW_SLA_DEGRADED;
	}
	if (s->active >= 0 && !meets[s->active])
		s->left[s->active] = true;	/* must earn its way back */
	s->active = pick;
	if (why != EW_SLA_START)
		s->switches++;
	return why;
}
