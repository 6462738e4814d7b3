/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_MONITOR_H
#define EW_MONITOR_H

/*
 * Tunnel path estimators, fed with probe results; no I/O and no clock of
 * their own (times are passed in, in nanoseconds), so tests drive them
 * with a fake clock.
 *
 * - RTT: last, and smoothed (EWMA, gain 1/8 as TCP's SRTT), seeded with
 *   the least of the first 3 samples (the first answers may have waited
 *   for ARP at either end).
 * - Jitter: RFC 3550 section 6.4.1 style, J += (|D| - J) / 16, D the
 *   difference between consecutive RTTs.
 * - Loss: over the last WINDOW settled probes (answered, or unanswered
 *   after the timeout); a late answer repairs its probe.
 * - Up/down: a tunnel starts up (unknown is usable); down after DOWN_AFTER
 *   consecutive lost probes (counted from the newest answered one), up
 *   again after UP_AFTER consecutive answers.
 */

#include <stdbool.h>
#include <stdint.h>

#define EW_MON_MAX_WINDOW	1024
#define EW_MON_UP_AFTER		3

struct ew_mon {
	/* settings */
	uint32_t window;
	uint32_t down_after;
	uint64_t timeout_ns;

	/* probes: ring of the last EW_MON_MAX_WINDOW by sequence number */
	uint32_t next_seq;		/* the next probe's sequence number */
	uint64_t sent_ns[EW_MON_MAX_WINDOW];
	uint8_t state[EW_MON_MAX_WINDOW];	/* 0 pending, 1 answered, 2 lost */

	/* results */
	bool up;
	bool have_rtt;			/* srtt seeded (3 samples) */
	uint32_t n_rtt;
	uint64_t seed_ns;
	uint64_t rtt_ns, srtt_ns, jitter_ns;
	uint32_t answered_in_row;
	int64_t newest_answered;	/* -1: none yet */
	uint64_t sent, answered, lost;
	uint64_t transitions;		/* up <-> down changes */
};

void ew_mon_init(struct ew_mon *m, uint32_t window, uint32_t down_after,
		uint64_t timeout_ns);
/* A probe goes out now; returns its sequence number. */
uint32_t ew_mon_sent(struct ew_mon *m, uint64_t now_ns);
/* The answer to probe SEQ with this round trip (measured at the wire).
 * Answers to unknown or too old probes are ignored (returns false). */
bool ew_mon_answer(struct ew_mon *m, uint32_t seq, uint64_t rtt_ns);
/* Settle probes whose timeout passed; returns true if up/down changed. */
bool ew_mon_tick(struct ew_mon *m, uint64_t now_ns);
/* Loss over the window of settled probes, 0..1 (0 with none settled). */
double ew_mon_loss(const struct ew_mon *m);

/* ---- the SLA engine ---- */

struct ew_sla {
	double latency_ms, jitter_ms, loss_pct;	/* < 0: not constrained */
};

/* A path as the SLA engine sees it. */
struct ew_path {
	bool up;
	double rtt_ms, jitter_ms, loss_pct;
};

#define EW_SLA_MAX_OVERLAYS 32

/*
 * One class's choice among its overlays (preference order). The active
 * overlay is kept while it meets the SLA; when it stops, the class moves to
 * the first overlay that meets it, except that an overlay the class left
 * for a violation must meet the SLA for HOLD_DOWN first (no flapping). If
 * none meets it, the least-violating overlay that is up is used.
 */
struct ew_sla_state {
	unsigned int n;			/* overlays of the class */
	int active;			/* index into the class's overlays, -1 none */
	uint64_t good_since[EW_SLA_MAX_OVERLAYS];	/* 0: not meeting it now */
	bool left[EW_SLA_MAX_OVERLAYS];	/* left for a violation, holding down */
	uint64_t switches;
	uint64_t none_compliant;	/* decisions with no overlay meeting it */
};

enum ew_sla_reason {
	EW_SLA_KEEP = 0,
	EW_SLA_START,		/* first choice */
	EW_SLA_VIOLATION,	/* the active one broke the SLA */
	EW_SLA_DOWN,		/* the active one went down */
	EW_SLA_RETURN,		/* a preferred one met it for the hold-down */
	EW_SLA_DEGRADED,	/* none meets it: least violating */
};

const char *ew_sla_reason_name(enum ew_sla_reason r);

void ew_sla_init(struct ew_sla_state *s, unsigned int n);
bool ew_sla_meets(const struct ew_sla *sla, const struct ew_path *p);
/*
 * Decide with the paths' current state at NOW_NS; returns why the active
 * overlay changed (EW_SLA_KEEP: it did not). *FROM is the one before.
 */
enum ew_sla_reason ew_sla_decide(struct ew_sla_state *s, const struct ew_sla *sla,
		const struct ew_path *paths, uint64_t now_ns, uint64_t hold_down_ns,
		int *from);

#endif /* EW_MONITOR_H */
