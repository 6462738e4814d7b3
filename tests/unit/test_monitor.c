/* SPDX-License-Identifier: BSD-3-Clause */
/* Tunnel estimators and the SLA state machine, driven by synthetic probe
 * results and a fake clock. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/sla/sla.h"

#define MS 1000000ull

/* Probe every INTERVAL ms for N probes, each answered (by STAMP) RTT ms
 * after it went (0: lost), advancing the fake clock *NOW in 1 ms steps
 * with a tick at each; answers still due when the last interval ends
 * arrive on time after it. */
static void
run(struct ew_mon *m, uint64_t *now, unsigned int n, uint64_t interval,
		const uint64_t *rtt)
{
	uint64_t due[1024], end = *now + n * interval * MS, last = end;
	uint32_t seq[1024];
	unsigned int i, k, sent = 0;

	for (i = 0; i < n; i++)
		if (rtt[i] != 0 && *now + (i * interval + rtt[i]) * MS > last)
			last = *now + (i * interval + rtt[i]) * MS;
	while (*now < end || *now <= last) {
		if (sent < n && *now == end - (n - sent) * interval * MS) {
			seq[sent] = ew_mon_sent(m, *now);
			due[sent] = rtt[sent] ? *now + rtt[sent] * MS : 0;
			sent++;
		}
		for (k = 0; k < sent; k++)
			if (due[k] != 0 && due[k] == *now) {
				ew_mon_answer(m, seq[k], EW_MON_STAMP, *now, 0);
				due[k] = 0;
			}
		if (*now >= end && *now >= last)
			break;
		*now += MS;
		ew_mon_tick(m, *now);
	}
}

/* Time passes with no probes (ticks every 1 ms). */
static void
idle(struct ew_mon *m, uint64_t *now, uint64_t ms)
{
	while (ms-- > 0) {
		*now += MS;
		ew_mon_tick(m, *now);
	}
}

static void
t_rtt_jitter(void **state)
{
	struct ew_mon m;
	uint64_t now = 1, rtt[200];
	unsigned int i;

	ew_mon_init(&m, 50, 5, 100 * MS);
	for (i = 0; i < 10; i++)
		rtt[i] = 10;
	run(&m, &now, 10, 100, rtt);
	assert_int_equal(m.rtt_ns, 10 * MS);
	assert_int_equal(m.srtt_ns, 10 * MS);
	assert_int_equal(m.jitter_ns, 0);
	assert_true(m.up);
	/* a slow first answer (ARP at the far end) does not seed the SRTT */
	{
		struct ew_mon m2;
		uint64_t now2 = 1, r2[5] = { 90, 10, 10, 10, 10 };

		ew_mon_init(&m2, 50, 5, 100 * MS);
		run(&m2, &now2, 5, 100, r2);
		assert_true(m2.srtt_ns == 10 * MS);
	}
	/* alternating 10/20 ms: RFC 3550 jitter converges to 10 ms */
	for (i = 0; i < 200; i++)
		rtt[i] = i % 2 ? 20 : 10;
	run(&m, &now, 200, 100, rtt);
	assert_true(m.jitter_ns > 9 * MS && m.jitter_ns <= 10 * MS);
	assert_true(m.srtt_ns > 13 * MS && m.srtt_ns < 17 * MS);
}

static void
t_loss_window(void **state)
{
	struct ew_mon m;
	uint64_t now = 1, rtt[20] = { 5, 5, 0, 5, 0, 5, 5, 0, 5, 5 };
	uint32_t first;

	ew_mon_init(&m, 10, 5, 100 * MS);
	first = m.next_seq;
	run(&m, &now, 10, 100, rtt);
	/* the third one, sent 300 ms ago, is not lost yet: an answer may
	 * still come within the loss timeout */
	assert_int_equal(ew_mon_loss_timeout(&m), EW_MON_LOSS_MIN_NS);
	assert_int_equal(m.lost, 2);
	idle(&m, &now, 500);
	assert_true(ew_mon_loss(&m) > 0.29 && ew_mon_loss(&m) < 0.31);
	assert_int_equal(m.lost, 3);
	/* a late answer repairs its probe */
	assert_true(ew_mon_answer(&m, first + 2, EW_MON_STAMP, now, 0));
	assert_true(ew_mon_loss(&m) > 0.19 && ew_mon_loss(&m) < 0.21);
	assert_int_equal(m.lost, 2);
	/* duplicates, unknown probes and kinds not sent are ignored, and
	 * counted */
	assert_false(ew_mon_answer(&m, first + 2, EW_MON_STAMP, now, 0));
	assert_false(ew_mon_answer(&m, first + 1000, EW_MON_STAMP, now, 0));
	assert_false(ew_mon_answer(&m, first + 4, EW_MON_ICMP, now, 0));
	assert_int_equal(m.unmatched, 3);
	/* the window slides: 10 clean probes later, no loss */
	for (unsigned int i = 0; i < 10; i++)
		rtt[i] = 5;
	run(&m, &now, 10, 100, rtt);
	idle(&m, &now, 1000);
	assert_true(ew_mon_loss(&m) < 0.001);
}

static void
t_up_down(void **state)
{
	struct ew_mon m;
	uint64_t now = 1, rtt[20], t_loss;
	unsigned int i;

	ew_mon_init(&m, 50, 5, 100 * MS);
	assert_true(m.up);			/* unknown is usable */
	for (i = 0; i < 3; i++)
		rtt[i] = 5;
	run(&m, &now, 3, 100, rtt);
	assert_true(m.up);
	/* 100% loss from now: down within down_after x interval + timeout */
	t_loss = now;
	for (i = 0; i < 20; i++)
		rtt[i] = 0;
	for (i = 0; i < 20 && m.up; i++)
		run(&m, &now, 1, 100, rtt);
	assert_false(m.up);
	assert_true(now - t_loss <= (5 * 100 + 100) * MS);
	assert_true(now - t_loss >= 5 * 100 * MS);	/* not before 5 losses */
	/* back: not after 2 answers, up after 3 */
	for (i = 0; i < 3; i++)
		rtt[i] = 5;
	run(&m, &now, 2, 100, rtt);
	assert_false(m.up);
	run(&m, &now, 1, 100, rtt);
	assert_true(m.up);
	assert_int_equal(m.transitions, 2);
}

static void
t_rtt_above_interval(void **state)
{
	/* 150 ms round trips with 100 ms probes: late, not lost, still up */
	struct ew_mon m;
	uint64_t now = 1, rtt[60];
	unsigned int i;

	ew_mon_init(&m, 50, 5, 100 * MS);
	for (i = 0; i < 60; i++)
		rtt[i] = 150;
	run(&m, &now, 60, 100, rtt);
	assert_true(m.up);
	assert_int_equal(m.rtt_ns, 150 * MS);
	assert_true(ew_mon_loss(&m) < 0.001);
}

/* Issue 11, item 14: a 600 ms path probed every 100 ms with down_after 5
 * (its round trip is 6 intervals): every probe is answered, late; the
 * tunnel never goes down, its RTT is 600 ms and no loss is counted. When
 * the answers stop, it goes down when down_after probes are overdue and
 * nothing was heard for two round trips (longer than down_after
 * intervals here). */
static void
t_late_answers(void **state)
{
	struct ew_mon m;
	uint64_t now = 1000 * MS, rtt[200], t_loss;
	unsigned int i;

	ew_mon_init(&m, 50, 5, 100 * MS);
	for (i = 0; i < 200; i++)
		rtt[i] = 600;
	run(&m, &now, 200, 100, rtt);
	assert_true(m.up);
	assert_int_equal(m.transitions, 0);	/* never down on the way */
	assert_int_equal(m.rtt_ns, 600 * MS);
	assert_int_equal(m.srtt_ns, 600 * MS);
	assert_int_equal(m.answered, 200);
	assert_int_equal(m.lost, 0);
	assert_true(ew_mon_loss(&m) < 0.001);
	assert_int_equal(ew_mon_loss_timeout(&m), 1200 * MS);
	/* the path dies: down two round trips (+1 interval) after the last
	 * answer heard */
	t_loss = now;
	for (i = 0; i < 20; i++)
		rtt[i] = 0;
	for (i = 0; i < 20 && m.up; i++)
		run(&m, &now, 1, 100, rtt);
	assert_false(m.up);
	assert_true(now - t_loss <= (2 * 600 + 100) * MS);
	assert_true(now - t_loss >= 2 * 600 * MS);
}

/* Never answered: down once EW_MON_FIRST_WAIT_NS (3 s) has passed in
 * silence (on a long path the first answer waits for ARP at both ends),
 * not at down_after x interval. Answers in a burst (probes that waited
 * for ARP), then a gap of one round trip: not down. */
static void
t_first_answer_wait(void **state)
{
	struct ew_mon m;
	uint64_t now = 1000 * MS, start = now, rtt[1] = { 0 };

	ew_mon_init(&m, 50, 5, 100 * MS);
	while (m.up && now - start < 5000 * MS)
		run(&m, &now, 1, 100, rtt);
	assert_false(m.up);
	assert_true(now - start >= EW_MON_FIRST_WAIT_NS);
	assert_true(now - start <= EW_MON_FIRST_WAIT_NS + 100 * MS);
	/* a first answer 1.5 s late: up after three */
	{
		struct ew_mon m2;
		uint64_t now2 = 1000 * MS, r2[20];
		unsigned int i;

		ew_mon_init(&m2, 50, 5, 100 * MS);
		for (i = 0; i < 20; i++)
			r2[i] = 1500;
		run(&m2, &now2, 20, 100, r2);
		assert_true(m2.up);
		assert_int_equal(m2.rtt_ns, 1500 * MS);
	}
	{
		struct ew_mon m3;
		uint64_t now3 = 1000 * MS, r3[40];
		unsigned int i;

		/* 8 probes answered at once 1.2 s after the first went, 6
		 * never (they did not fit the ARP queue), then 600 ms */
		ew_mon_init(&m3, 50, 5, 100 * MS);
		for (i = 0; i < 40; i++)
			r3[i] = i < 8 ? 1200 - i * 100 : i < 14 ? 0 : 600;
		run(&m3, &now3, 40, 100, r3);
		assert_true(m3.up);
		assert_int_equal(m3.transitions, 0);	/* never down */
		assert_int_equal(m3.rtt_ns, 600 * MS);
	}
}

/* Issue 11, item 10: the round trip is measured from our own send time of
 * that sequence number; what comes back cannot make it up. */
static void
t_rtt_from_send_time(void **state)
{
	struct ew_mon m;
	uint32_t seq;

	ew_mon_init(&m, 50, 5, 100 * MS);
	seq = ew_mon_sent(&m, 1000 * MS);
	/* received before it was sent; a residence longer than the trip */
	assert_false(ew_mon_answer(&m, seq, EW_MON_STAMP, 999 * MS, 0));
	assert_false(ew_mon_answer(&m, seq, EW_MON_STAMP, 1020 * MS, 21 * MS));
	/* a sequence number never sent */
	assert_false(ew_mon_answer(&m, seq + 1, EW_MON_STAMP, 1020 * MS, 0));
	assert_int_equal(m.unmatched, 3);
	assert_int_equal(m.answered, 0);
	/* 20 ms after we sent it, 5 of them in the reflector */
	assert_true(ew_mon_answer(&m, seq, EW_MON_STAMP, 1020 * MS, 5 * MS));
	assert_int_equal(m.rtt_ns, 15 * MS);
	/* a replay of it */
	assert_false(ew_mon_answer(&m, seq, EW_MON_STAMP, 1030 * MS, 0));
	assert_int_equal(m.unmatched, 4);
	assert_int_equal(m.rtt_ns, 15 * MS);
}

/* Worker 0's transmit time moves a probe's start later, never earlier,
 * and not by a loss timeout or more (another probe's time). */
static void
t_wire_sent(void **state)
{
	struct ew_mon m;
	uint32_t s1, s2, s3;

	ew_mon_init(&m, 50, 5, 100 * MS);
	s1 = ew_mon_sent(&m, 1000 * MS);
	s2 = ew_mon_sent(&m, 1100 * MS);
	s3 = ew_mon_sent(&m, 1200 * MS);
	ew_mon_wire_sent(&m, s1, 1007 * MS);	/* 7 ms in the queue */
	ew_mon_wire_sent(&m, s2, 1090 * MS);	/* before it was queued */
	ew_mon_wire_sent(&m, s3, 1200 * MS + ew_mon_loss_timeout(&m));
	ew_mon_wire_sent(&m, s3 + 1, 1300 * MS);	/* never sent */
	assert_true(ew_mon_answer(&m, s1, EW_MON_STAMP, 1027 * MS, 0));
	assert_int_equal(m.rtt_ns, 20 * MS);
	assert_true(ew_mon_answer(&m, s2, EW_MON_STAMP, 1130 * MS, 0));
	assert_int_equal(m.rtt_ns, 30 * MS);
	assert_true(ew_mon_answer(&m, s3, EW_MON_STAMP, 1240 * MS, 0));
	assert_int_equal(m.rtt_ns, 40 * MS);
}

/* Start-up: the peer is not there yet for the first 10 probes, and two
 * probes wait for ARP 300 ms. What went unanswered before the first
 * answer is no loss; the waits are no RTT samples. A peer that never
 * answers shows 100% loss. */
static void
t_startup(void **state)
{
	struct ew_mon m;
	uint64_t now = 1000 * MS, rtt[30];
	uint32_t s1, s2;
	unsigned int i;

	ew_mon_init(&m, 20, 5, 100 * MS);
	for (i = 0; i < 10; i++)
		rtt[i] = 0;
	run(&m, &now, 10, 100, rtt);
	s1 = ew_mon_sent(&m, now);
	ew_mon_held(&m, s1);
	now += 100 * MS;
	s2 = ew_mon_sent(&m, now);
	ew_mon_held(&m, s2);
	now += 300 * MS;
	assert_true(ew_mon_answer(&m, s1, EW_MON_STAMP, now, 0));
	assert_true(ew_mon_answer(&m, s2, EW_MON_STAMP, now, 0));
	assert_int_equal(m.n_rtt, 0);		/* 400 and 300 ms: ARP, not the path */
	for (i = 0; i < 30; i++)
		rtt[i] = 5;
	run(&m, &now, 30, 100, rtt);
	idle(&m, &now, 1000);
	assert_int_equal(m.rtt_ns, 5 * MS);
	assert_int_equal(m.srtt_ns, 5 * MS);
	assert_int_equal(m.lost, 0);
	assert_true(ew_mon_loss(&m) < 0.001);
	assert_true(m.up);

	ew_mon_init(&m, 20, 5, 100 * MS);
	for (i = 0; i < 30; i++)
		rtt[i] = 0;
	run(&m, &now, 30, 100, rtt);
	idle(&m, &now, 1000);
	assert_false(m.up);
	assert_true(ew_mon_loss(&m) > 0.999);
}

/* One probe every 100 ms to a peer that answers the kinds in SPEAKS after
 * 5 ms; returns the kinds the probe carried. */
static unsigned int
probe_peer(struct ew_mon *m, uint64_t *now, unsigned int speaks)
{
	uint32_t seq = ew_mon_sent(m, *now);
	unsigned int kinds = ew_mon_kinds(m, seq), i;

	for (i = 1; i <= 100; i++) {
		*now += MS;
		if (i == 5 && (kinds & speaks & EW_MON_ICMP))
			ew_mon_answer(m, seq, EW_MON_ICMP, *now, 0);
		if (i == 5 && (kinds & speaks & EW_MON_STAMP))
			ew_mon_answer(m, seq, EW_MON_STAMP, *now, 0);
		ew_mon_tick(m, *now);
	}
	return kinds;
}

/* Issue 11, item 13: probe auto. */
static void
t_auto(void **state)
{
	struct ew_mon m;
	uint64_t now = 1000 * MS, t0;
	unsigned int i, k;

	/* a peer that answers ICMP echo only (a Linux kernel endpoint) */
	ew_mon_init(&m, 50, 5, 100 * MS);
	ew_mon_set_probe(&m, EW_MON_AUTO);
	assert_int_equal(m.active, 0);
	for (i = 0; i < EW_MON_AUTO_ICMP_AFTER; i++)
		assert_int_equal(probe_peer(&m, &now, EW_MON_ICMP), EW_MON_AUTO);
	assert_int_equal(m.active, EW_MON_ICMP);
	assert_true(m.up);
	assert_int_equal(m.rtt_ns, 5 * MS);
	/* ICMP from now on, and STAMP along every 10 s */
	t0 = now;
	for (i = 0; i < 150; i++) {
		k = probe_peer(&m, &now, EW_MON_ICMP);
		if (k != EW_MON_ICMP)
			break;
	}
	assert_int_equal(k, EW_MON_AUTO);
	assert_true(now - t0 >= EW_MON_AUTO_RETRY_NS);
	assert_true(now - t0 <= EW_MON_AUTO_RETRY_NS + 200 * MS);
	assert_true(m.up);
	assert_int_equal(m.transitions, 0);
	assert_true(ew_mon_loss(&m) < 0.001);	/* the unanswered STAMPs */
	assert_int_equal(m.unmatched, 0);
	/* the peer learns STAMP: it is preferred at the next retry */
	while ((k = probe_peer(&m, &now, EW_MON_AUTO)) == EW_MON_ICMP)
		;
	assert_int_equal(m.active, EW_MON_STAMP);
	assert_int_equal(probe_peer(&m, &now, EW_MON_AUTO), EW_MON_STAMP);
	/* it dies, then comes back answering ICMP only: down, then found
	 * out again and up */
	for (i = 0; i < 20 && m.up; i++)
		probe_peer(&m, &now, 0);
	assert_false(m.up);
	assert_int_equal(m.active, 0);
	assert_int_equal(probe_peer(&m, &now, 0), EW_MON_AUTO);
	for (i = 0; i < 10 && !m.up; i++)
		probe_peer(&m, &now, EW_MON_ICMP);
	assert_true(m.up);
	assert_int_equal(m.active, EW_MON_ICMP);

	/* an edgeway peer: STAMP after the first answer */
	ew_mon_init(&m, 50, 5, 100 * MS);
	ew_mon_set_probe(&m, EW_MON_AUTO);
	assert_int_equal(probe_peer(&m, &now, EW_MON_AUTO), EW_MON_AUTO);
	assert_int_equal(m.active, EW_MON_STAMP);
	assert_int_equal(probe_peer(&m, &now, EW_MON_AUTO), EW_MON_STAMP);
	assert_int_equal(m.unmatched, 0);	/* the ICMP twin is not stray */

	/* a peer answering neither: down, as with one kind */
	ew_mon_init(&m, 50, 5, 100 * MS);
	ew_mon_set_probe(&m, EW_MON_AUTO);
	t0 = now;
	for (i = 0; i < 50 && m.up; i++)
		assert_int_equal(probe_peer(&m, &now, 0), EW_MON_AUTO);
	assert_false(m.up);
	assert_true(now - t0 <= EW_MON_FIRST_WAIT_NS + 100 * MS);
	assert_int_equal(m.active, 0);

	/* fixed kinds send only that kind */
	ew_mon_init(&m, 50, 5, 100 * MS);
	ew_mon_set_probe(&m, EW_MON_ICMP);
	assert_int_equal(probe_peer(&m, &now, EW_MON_AUTO), EW_MON_ICMP);
	assert_int_equal(m.active, EW_MON_ICMP);
}

static struct ew_path
path(bool up, double rtt)
{
	struct ew_path p = { up, rtt, 1, 0 };

	return p;
}

static void
t_sla(void **state)
{
	struct ew_sla sla = { 50, 10, 1 };
	struct ew_sla_state s;
	struct ew_path p[2] = { path(true, 20), path(true, 30) };
	uint64_t now = 1000 * MS, hold = 10000 * MS;
	int from;

	ew_sla_init(&s, 2);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now, hold, &from), EW_SLA_START);
	assert_int_equal(s.active, 0);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += MS, hold, &from), EW_SLA_KEEP);
	/* the active one violates: switch at once */
	p[0] = path(true, 150);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 100 * MS, hold, &from),
			EW_SLA_VIOLATION);
	assert_int_equal(from, 0);
	assert_int_equal(s.active, 1);
	assert_int_equal(s.switches, 1);
	/* it recovers: not back before the hold-down */
	p[0] = path(true, 20);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 100 * MS, hold, &from), EW_SLA_KEEP);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 9000 * MS, hold, &from), EW_SLA_KEEP);
	assert_int_equal(s.active, 1);
	/* a relapse restarts the hold-down (no flapping) */
	p[0] = path(true, 150);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 500 * MS, hold, &from), EW_SLA_KEEP);
	p[0] = path(true, 20);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 100 * MS, hold, &from), EW_SLA_KEEP);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 9950 * MS, hold, &from), EW_SLA_KEEP);
	assert_int_equal(s.active, 1);
	/* after a full hold-down of good behaviour: back */
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += 100 * MS, hold, &from),
			EW_SLA_RETURN);
	assert_int_equal(s.active, 0);
	assert_int_equal(s.switches, 2);
}

static void
t_sla_none_compliant(void **state)
{
	struct ew_sla sla = { 50, -1, -1 };
	struct ew_sla_state s;
	struct ew_path p[3] = { path(true, 20), path(true, 300), path(false, 10) };
	uint64_t now = 1, hold = 10000 * MS;
	int from;

	ew_sla_init(&s, 3);
	ew_sla_decide(&s, &sla, p, now, hold, &from);
	assert_int_equal(s.active, 0);
	/* no overlay meets it: the least violating that is up (not the down
	 * one with the best numbers) */
	p[0] = path(true, 120);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += MS, hold, &from), EW_SLA_KEEP);
	assert_int_equal(s.active, 0);
	assert_int_equal(s.none_compliant, 1);
	p[0] = path(true, 400);
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += MS, hold, &from), EW_SLA_DEGRADED);
	assert_int_equal(s.active, 1);
}

static void
t_sla_down(void **state)
{
	struct ew_sla sla = { -1, -1, -1 };	/* no thresholds: up is enough */
	struct ew_sla_state s;
	struct ew_path p[2] = { path(true, 500), path(true, 500) };
	uint64_t now = 1, hold = 10000 * MS;
	int from;

	ew_sla_init(&s, 2);
	ew_sla_decide(&s, &sla, p, now, hold, &from);
	p[0].up = false;
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += MS, hold, &from), EW_SLA_DOWN);
	assert_int_equal(s.active, 1);
	/* everything down: stay where it is */
	p[1].up = false;
	assert_int_equal(ew_sla_decide(&s, &sla, p, now += MS, hold, &from), EW_SLA_KEEP);
	assert_int_equal(s.active, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_rtt_jitter),
		cmocka_unit_test(t_loss_window),
		cmocka_unit_test(t_up_down),
		cmocka_unit_test(t_rtt_above_interval),
		cmocka_unit_test(t_late_answers),
		cmocka_unit_test(t_first_answer_wait),
		cmocka_unit_test(t_rtt_from_send_time),
		cmocka_unit_test(t_wire_sent),
		cmocka_unit_test(t_auto),
		cmocka_unit_test(t_startup),
		cmocka_unit_test(t_sla),
		cmocka_unit_test(t_sla_none_compliant),
		cmocka_unit_test(t_sla_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
