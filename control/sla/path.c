/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tunnel's path estimators (struct ew_mon): probes sent and answered go
 * in, round trip, jitter, loss, up/down and the probe kind the peer
 * answers come out. The rules are in control/sla/sla.h.
 */

#include <string.h>

#include "control/sla/sla.h"

#define RING EW_MON_MAX_WINDOW
#define SLOT(seq) ((seq) % RING)

/* P_VOID: sent before the peer first answered and never answered itself:
 * neither answered nor lost (the peer, or ARP at either end, was not
 * ready yet) */
enum { P_PENDING = 0, P_ANSWERED = 1, P_LOST = 2, P_VOID = 3 };

#define K_HELD 0x80	/* in kinds[]: it waited (for ARP): no RTT sample */

void
ew_mon_init(struct ew_mon *m, uint32_t window, uint32_t down_after,
		uint64_t timeout_ns)
{
	memset(m, 0, sizeof(*m));
	m->window = window > RING / 2 ? RING / 2 : window;
	m->down_after = down_after;
	m->timeout_ns = timeout_ns;
	m->newest_answered = -1;
	m->probe = m->active = EW_MON_STAMP;
	/* unknown is usable: a tunnel goes down only on evidence (losses) */
	m->up = true;
}

void
ew_mon_set_probe(struct ew_mon *m, unsigned int probe)
{
	probe &= EW_MON_AUTO;
	if (probe == 0 || probe == m->probe)
		return;
	m->probe = (uint8_t)probe;
	m->active = probe == EW_MON_AUTO ? 0 : (uint8_t)probe;
	m->icmp_only = 0;
}

/* What the next probe carries. */
static uint8_t
next_kinds(struct ew_mon *m, uint64_t now_ns)
{
	if (m->probe != EW_MON_AUTO)
		return m->probe;
	if (m->active == 0)
		return EW_MON_AUTO;		/* finding out: both */
	if (m->active == EW_MON_ICMP &&
			now_ns - m->stamp_tried_ns >= EW_MON_AUTO_RETRY_NS) {
		m->stamp_tried_ns = now_ns;	/* does it speak STAMP now? */
		return EW_MON_AUTO;
	}
	return m->active;
}

uint32_t
ew_mon_sent(struct ew_mon *m, uint64_t now_ns)
{
	uint32_t seq = m->next_seq++;

	m->sent_ns[SLOT(seq)] = now_ns;
	m->state[SLOT(seq)] = P_PENDING;
	m->kinds[SLOT(seq)] = next_kinds(m, now_ns);
	m->got[SLOT(seq)] = 0;
	if (m->first_sent_ns == 0)
		m->first_sent_ns = now_ns ? now_ns : 1;
	m->sent++;
	return seq;
}

unsigned int
ew_mon_kinds(const struct ew_mon *m, uint32_t seq)
{
	if (seq >= m->next_seq || m->next_seq - seq >= RING)
		return 0;
	return m->kinds[SLOT(seq)] & EW_MON_AUTO;
}

void
ew_mon_held(struct ew_mon *m, uint32_t seq)
{
	if (seq < m->next_seq && m->next_seq - seq < RING)
		m->kinds[SLOT(seq)] |= K_HELD;
}

/* The peer answered for the first time, at RX_NS: what went unanswered
 * before that is void, not lost. */
static void
first_heard(struct ew_mon *m, uint64_t rx_ns)
{
	uint32_t s = m->next_seq > RING - 1 ? m->next_seq - (RING - 1) : 0;

	for (; s < m->next_seq; s++) {
		uint8_t *st = &m->state[SLOT(s)];

		if (m->sent_ns[SLOT(s)] >= rx_ns || *st == P_ANSWERED)
			continue;
		if (*st == P_LOST)
			m->lost--;
		*st = P_VOID;
	}
}

uint64_t
ew_mon_loss_timeout(const struct ew_mon *m)
{
	uint64_t t = m->timeout_ns > EW_MON_LOSS_MIN_NS ? m->timeout_ns :
			EW_MON_LOSS_MIN_NS;
	uint64_t rtt = m->have_rtt ? m->srtt_ns : m->n_rtt > 0 ? m->seed_ns : 0;

	if (2 * rtt + 4 * m->jitter_ns > t)
		t = 2 * rtt + 4 * m->jitter_ns;
	return t;
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

/* auto: what an answer of KIND says about the peer */
static void
learn_kind(struct ew_mon *m, unsigned int kind, uint64_t now_ns)
{
	if (m->probe != EW_MON_AUTO || m->active == EW_MON_STAMP)
		return;
	if (kind == EW_MON_STAMP) {
		m->active = EW_MON_STAMP;
	} else if (m->active == 0 && ++m->icmp_only >= EW_MON_AUTO_ICMP_AFTER) {
		m->active = EW_MON_ICMP;
		m->stamp_tried_ns = now_ns;
	}
}

void
ew_mon_wire_sent(struct ew_mon *m, uint32_t seq, uint64_t tx_ns)
{
	unsigned int i = SLOT(seq);

	/* only later than queued, and by less than a probe may wait for
	 * its answer: a stale or odd time changes nothing */
	if (seq >= m->next_seq || m->next_seq - seq >= RING ||
			tx_ns <= m->sent_ns[i] ||
			tx_ns - m->sent_ns[i] >= ew_mon_loss_timeout(m))
		return;
	m->sent_ns[i] = tx_ns;
}

bool
ew_mon_answer(struct ew_mon *m, uint32_t seq, unsigned int kind,
		uint64_t rx_ns, uint64_t residence_ns)
{
	unsigned int i = SLOT(seq);
	uint64_t rtt_ns;
	bool changed = false;

	/* only probes still in the ring, of a kind that went out, once per
	 * kind, and not answered before they were sent */
	if (seq >= m->next_seq || m->next_seq - seq >= RING ||
			(m->kinds[i] & kind) == 0 || (m->got[i] & kind) != 0 ||
			rx_ns < m->sent_ns[i] || residence_ns > rx_ns - m->sent_ns[i]) {
		m->unmatched++;
		return false;
	}
	m->got[i] |= kind;
	learn_kind(m, kind, rx_ns);
	if (m->state[i] == P_ANSWERED)
		return false;		/* the other kind answered first */
	rtt_ns = rx_ns - m->sent_ns[i] - residence_ns;
	if (m->state[i] == P_LOST)
		m->lost--;		/* late, but here: repaired */
	m->state[i] = P_ANSWERED;
	m->answered++;
	if (m->heard_ns == 0)
		first_heard(m, rx_ns);
	if (rx_ns > m->heard_ns)
		m->heard_ns = rx_ns;
	if ((int64_t)seq > m->newest_answered)
		m->newest_answered = seq;
	/* a probe that waited for ARP times ARP too: no sample */
	if ((int64_t)seq == m->newest_answered && !(m->kinds[i] & K_HELD)) {
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
			m->next_seq - (uint32_t)q < RING; q--) {
		uint8_t st = m->state[SLOT((uint32_t)q)];

		if (st == P_ANSWERED)
			m->answered_in_row++;
		else if (st != P_VOID)
			break;
	}
	if (m->answered_in_row >= EW_MON_UP_AFTER)
		set_up(m, true, &changed);
	return true;
}

bool
ew_mon_tick(struct ew_mon *m, uint64_t now_ns)
{
	uint64_t loss_ns = ew_mon_loss_timeout(m), quiet, need, rtt;
	uint32_t from, young, overdue;
	bool changed = false;

	/* settle: unanswered within the loss timeout is lost; a probe about
	 * to leave the ring (with room for the window behind it) too */
	if (m->next_seq - m->settled_below >= RING)
		m->settled_below = m->next_seq - (RING - 1);
	while (m->settled_below < m->next_seq) {
		uint32_t s = m->settled_below;

		if (now_ns - m->sent_ns[SLOT(s)] < loss_ns &&
				m->next_seq - s < RING - m->window)
			break;
		if (m->state[SLOT(s)] == P_PENDING) {
			m->state[SLOT(s)] = P_LOST;
			m->lost++;
		}
		m->settled_below++;
	}
	/* overdue probes since the newest answered one (all unanswered):
	 * those the next probe followed, and the newest once one interval
	 * has passed */
	from = m->newest_answered < 0 ? 0 : (uint32_t)m->newest_answered + 1;
	if (m->next_seq - from >= RING)
		from = m->next_seq - (RING - 1);
	young = m->next_seq;
	if (young > from && now_ns - m->sent_ns[SLOT(young - 1)] < m->timeout_ns)
		young--;
	overdue = young - from;
	/* and nothing heard for DOWN_AFTER intervals, or two round trips
	 * (answers come in bursts when probes waited for ARP): a late answer
	 * is an answer */
	need = (uint64_t)m->down_after * m->timeout_ns;
	rtt = m->have_rtt ? m->srtt_ns : m->n_rtt > 0 ? m->seed_ns : 0;
	if (need < 2 * rtt)
		need = 2 * rtt;
	if (m->heard_ns == 0) {
		quiet = m->first_sent_ns == 0 || now_ns < m->first_sent_ns ? 0 :
				now_ns - m->first_sent_ns;
		if (need < EW_MON_FIRST_WAIT_NS)
			need = EW_MON_FIRST_WAIT_NS;
	} else {
		quiet = now_ns > m->heard_ns ? now_ns - m->heard_ns : 0;
	}
	if (overdue >= m->down_after && quiet >= need)
		set_up(m, false, &changed);
	/* auto: a tunnel that went down finds out again what its peer
	 * answers */
	if (!m->up && m->probe == EW_MON_AUTO && m->active != 0) {
		m->active = 0;
		m->icmp_only = 0;
	}
	return changed;
}

double
ew_mon_loss(const struct ew_mon *m)
{
	uint32_t seq, settled = 0, lost = 0;

	for (seq = m->settled_below; seq > 0 && settled < m->window; seq--) {
		uint8_t st = m->state[SLOT(seq - 1)];

		if (m->next_seq - (seq - 1) >= RING)
			break;
		if (st == P_VOID)
			continue;
		settled++;
		lost += st == P_LOST;
	}
	return settled ? (double)lost / settled : 0.0;
}
