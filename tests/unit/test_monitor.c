/* SPDX-License-Identifier: BSD-3-Clause */
/* Tunnel estimators and the SLA state machine, driven by synthetic probe
 * results and a fake clock. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/monitor.h"

#define MS 1000000ull

/* Probe every INTERVAL ms for N probes, each answered after RTT ms (0: lost);
 * advancing the fake clock *NOW. */
static void
run(struct ew_mon *m, uint64_t *now, unsigned int n, uint64_t interval,
		const uint64_t *rtt)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t seq = ew_mon_sent(m, *now);
		uint64_t t;

		/* time passes in 1 ms steps; the answer lands when due */
		for (t = 0; t < interval; t++) {
			if (rtt[i] != 0 && t == rtt[i] - (rtt[i] > interval ? interval : 0) &&
					rtt[i] <= interval)
				ew_mon_answer(m, seq, rtt[i] * MS);
			*now += MS;
			ew_mon_tick(m, *now);
		}
		if (rtt[i] > interval)	/* late: after the next probe went */
			ew_mon_answer(m, seq, rtt[i] * MS);
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
	assert_true(ew_mon_loss(&m) > 0.29 && ew_mon_loss(&m) < 0.31);
	/* a late answer repairs its probe */
	assert_true(ew_mon_answer(&m, first + 2, 150 * MS));
	assert_true(ew_mon_loss(&m) > 0.19 && ew_mon_loss(&m) < 0.21);
	/* duplicates and unknown probes are ignored */
	assert_false(ew_mon_answer(&m, first + 2, 150 * MS));
	assert_false(ew_mon_answer(&m, first + 1000, 1 * MS));
	/* the window slides: 10 clean probes later, no loss */
	for (unsigned int i = 0; i < 10; i++)
		rtt[i] = 5;
	run(&m, &now, 10, 100, rtt);
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
		cmocka_unit_test(t_sla),
		cmocka_unit_test(t_sla_none_compliant),
		cmocka_unit_test(t_sla_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
