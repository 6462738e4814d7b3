/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <string.h>

#include "control/monitor.h"

#define SLOT(seq) ((seq) % EW_MON_MAX_WINDOW)

enum { P_PENDING = 0, P_ANSWERED = 1, P_LOST = 2 };

void
ew_mon_init(struct ew_mon *m, uint32_t window, uint32_t down_after,
		uint64_t timeout_ns)
{
	memset(m, 0, sizeof(*m));
	m->window = window > EW_MON_MAX_WINDOW / 2 ? EW_MON_MAX_WINDOW / 2 : window;
	m->down_after = down_after;
	m->timeout_ns = timeout_ns;
	m->newest_answered = -1;
	/* unknown is usable: a tunnel goes down only on evidence (losses) */
	m->up = true;
}

uint32_t
ew_mon_sent(struct ew_mon *m, uint64_t now_ns)
{
	uint32_t seq = m->next_seq++;

	m->sent_ns[SLOT(seq)] = now_ns;
	m->state[SLOT(seq)] = P_PENDING;
	m->sent++;
	return seq;
}

static void
set_up(struct ew_mon *m, bool up, bool *changed)
{
	if (m->up != up) {
		m->up = up;
		m->transitions++;
		*changed = true;
	}
}

bool
ew_mon_answer(struct ew_mon *m, uint32_t seq, uint64_t rtt_ns)
{
	uint8_t *st;
	bool changed = false;

	/* only the probes still in the ring */
	if (seq >= m->next_seq || m->next_seq - seq > m->window * 2)
		return false;
	st = &m->state[SLOT(seq)];
	if (*st == P_ANSWERED)
		return false;		/* a duplicate */
	if (*st == P_LOST)
		m->lost--;		/* late, but here: repaired */
	*st = P_ANSWERED;
	m->answered++;
	if ((int64_t)seq > m->newest_answered) {
		m->newest_answered = seq;
		/* RFC 3550 jitter over consecutive round trips */
		if (m->n_rtt > 0) {
			uint64_t d = rtt_ns > m->rtt_ns ? rtt_ns - m->rtt_ns :
					m->rtt_ns - rtt_ns;

			m->jitter_ns = (uint64_t)((int64_t)m->jitter_ns +
					((int64_t)d - (int64_t)m->jitter_ns) / 16);
		}
		if (m->have_rtt) {
			m->srtt_ns = (uint64_t)((int64_t)m->srtt_ns +
					((int64_t)rtt_ns - (int64_t)m->srtt_ns) / 8);
		} else {
			if (m->n_rtt == 0 || rtt_ns < m->seed_ns)
				m->seed_ns = rtt_ns;
			if (m->n_rtt + 1 >= 3) {
				m->srtt_ns = m->seed_ns;
				m->have_rtt = true;
			}
		}
		m->n_rtt++;
		m->rtt_ns = rtt_ns;
	}
	/* consecutive answers (by sequence, late ones included) ending at
	 * the newest answered probe */
	m->answered_in_row = 0;
	for (int64_t q = m->newest_answered; q >= 0 &&
			m->answered_in_row < EW_MON_UP_AFTER &&
			m->next_seq - (uint32_t)q <= m->window * 2 &&
			m->state[SLOT((uint32_t)q)] == P_ANSWERED; q--)
		m->answered_in_row++;
	if (m->answered_in_row >= EW_MON_UP_AFTER)
		set_up(m, true, &changed);
	return true;
}

bool
ew_mon_tick(struct ew_mon *m, uint64_t now_ns)
{
	uint32_t seq, first, lost_in_row = 0;
	bool changed = false;

	first = m->next_seq > m->window * 2 ? m->next_seq - m->window * 2 : 0;
	for (seq = first; seq < m->next_seq; seq++) {
		uint8_t *st = &m->state[SLOT(seq)];

		if (*st == P_PENDING && now_ns - m->sent_ns[SLOT(seq)] >= m->timeout_ns) {
			*st = P_LOST;
			m->lost++;
		}
	}
	/* consecutive losses since the newest answer */
	for (seq = m->newest_answered < 0 ? first : (uint32_t)m->newest_answered + 1;
			seq < m->next_seq; seq++)
		if (m->state[SLOT(seq)] == P_LOST)
			lost_in_row++;
	if (lost_in_row >= m->down_after)
		set_up(m, false, &changed);
	return changed;
}

double
ew_mon_loss(const struct ew_mon *m)
{
	uint32_t seq, settled = 0, lost = 0;

	for (seq = m->next_seq; seq > 0 && settled < m->window; seq--) {
		uint8_t st = m->state[SLOT(seq - 1)];

		if (m->next_seq - (seq - 1) > m->window * 2)
			break;
		if (st == P_PENDING)
			continue;
		settled++;
		lost += st == P_LOST;
	}
	return settled ? (double)lost / settled : 0.0;
}

/* ---- SLA ---- */

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
