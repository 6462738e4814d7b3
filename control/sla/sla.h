/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_SLA_H
#define EW_SLA_H

/*
 * control/sla/: what monitoring measures and decides, in plain C: no DPDK,
 * no I/O, no clock of its own (times are passed in, in nanoseconds, so
 * tests drive it with a fake clock; tests/unit/test_monitor links this
 * library alone).
 * - path.c: a tunnel's path estimators (struct ew_mon), fed with probe
 *   results: RTT, jitter, loss, up/down, the probe kind the peer answers.
 * - steer.c: the SLA decision (struct ew_sla_state): which of a class's
 *   overlays it uses, and when and why it switches to another.
 * The caller (control/probe.c) owns the states, sends the probes, feeds
 * the answers in and applies the decisions.
 */

#include <stdbool.h>
#include <stdint.h>

/* ---- path estimators (path.c) ----
 *
 * - RTT: last, and smoothed (EWMA, gain 1/8 as TCP's SRTT), seeded with
 *   the least of the first 3 samples (the first answers may have waited
 *   for ARP at either end).
 * - Jitter: RFC 3550 section 6.4.1 style, J += (|D| - J) / 16, D the
 *   difference between consecutive RTTs.
 * - Loss: over the last WINDOW probes sent at least the loss timeout ago,
 *   max(0.5 s, interval, 2 x SRTT + 4 x jitter): a probe is lost only if it
 *   was not answered within it (so a long path shows no phantom loss),
 *   and newer probes count neither way (no bias towards the answered
 *   ones). An answer that comes later still repairs its probe. Probes
 *   sent before the peer first answered and never answered are void,
 *   not lost (the peer, or ARP at either end, was not ready yet); a peer
 *   that never answers shows 100% loss.
 * - Up/down: a tunnel starts up (unknown is usable). It goes down when
 *   DOWN_AFTER consecutive probes (counted from the newest answered one)
 *   are overdue (unanswered when the next one went, or one interval
 *   after) AND nothing has
 *   been heard for DOWN_AFTER intervals or two round trips, whichever is
 *   longer (EW_MON_FIRST_WAIT_NS before the first answer: on a long path
 *   it waits for ARP at both ends first): a late answer is an answer, so
 *   a path whose round trip is longer than DOWN_AFTER intervals stays up.
 *   Up again after UP_AFTER consecutive answers.
 * - RTTs are measured from the time the monitor sent that sequence number
 *   (the ring below) to the answer's receive time, minus the time the
 *   reflector says it held the probe: nothing the far end echoes back is
 *   trusted as our own send time. Answers to unknown, expired or already
 *   answered probes, or impossible ones, are ignored and counted
 *   (unmatched).
 * - Probe kinds: STAMP, ICMP echo, or auto: STAMP and ICMP echo both go
 *   out (with one sequence number) until the peer answers one of them;
 *   any STAMP answer settles on STAMP; EW_MON_AUTO_ICMP_AFTER answers by
 *   ICMP with none by STAMP settle on ICMP, and then a STAMP probe goes
 *   along every EW_MON_AUTO_RETRY_NS in case the peer learns it. A tunnel
 *   that goes down starts finding out again.
 */

#define EW_MON_MAX_WINDOW	1024	/* probes remembered, by sequence */
#define EW_MON_UP_AFTER		3
#define EW_MON_LOSS_MIN_NS	500000000ull	/* lost: unanswered this long, at least */
#define EW_MON_FIRST_WAIT_NS	3000000000ull	/* never heard from: silence before down */

/* probe kinds (bits) */
#define EW_MON_STAMP		0x1
#define EW_MON_ICMP		0x2
#define EW_MON_AUTO		(EW_MON_STAMP | EW_MON_ICMP)
#define EW_MON_AUTO_ICMP_AFTER	3
#define EW_MON_AUTO_RETRY_NS	10000000000ull

struct ew_mon {
	/* settings */
	uint32_t window;
	uint32_t down_after;
	uint64_t timeout_ns;		/* overdue after this (the interval) */
	uint8_t probe;			/* EW_MON_STAMP, _ICMP or _AUTO */

	/* probes: ring of the last EW_MON_MAX_WINDOW by sequence number */
	uint32_t next_seq;		/* the next probe's sequence number */
	uint32_t settled_below;		/* probes before it: answered or lost */
	uint64_t sent_ns[EW_MON_MAX_WINDOW];
	uint8_t state[EW_MON_MAX_WINDOW];	/* pending, answered, lost, void */
	uint8_t kinds[EW_MON_MAX_WINDOW];	/* what went out (+ held) */
	uint8_t got[EW_MON_MAX_WINDOW];		/* what answered */

	/* auto */
	uint8_t active;			/* kind in use; 0: auto, finding out */
	uint32_t icmp_only;		/* finding out: ICMP answers, no STAMP one */
	uint64_t stamp_tried_ns;	/* auto/icmp: the last STAMP retry */

	/* results */
	bool up;
	bool have_rtt;			/* srtt seeded (3 samples) */
	uint32_t n_rtt;
	uint64_t seed_ns;
	uint64_t rtt_ns, srtt_ns, jitter_ns;
	uint32_t answered_in_row;
	int64_t newest_answered;	/* -1: none yet */
	uint64_t first_sent_ns;		/* 0: nothing sent yet */
	uint64_t heard_ns;		/* the newest answer's receive time, 0: none */
	uint64_t sent, answered, lost;
	uint64_t unmatched;		/* answers ignored (unknown, expired, duplicate) */
	uint64_t transitions;		/* up <-> down changes */

	/* for the owner (control/probe.c): logging, deferred free */
	uint8_t active_logged;
	uint64_t retire_token;
	struct ew_mon *retired_next;
};

void ew_mon_init(struct ew_mon *m, uint32_t window, uint32_t down_after,
		uint64_t timeout_ns);
/* The configured kind (EW_MON_STAMP, _ICMP or _AUTO); a change starts the
 * choice over. ew_mon_init() sets EW_MON_STAMP. */
void ew_mon_set_probe(struct ew_mon *m, unsigned int probe);
/* A probe goes out now; returns its sequence number. What to send for it
 * (EW_MON_STAMP and/or EW_MON_ICMP bits): ew_mon_kinds(). */
uint32_t ew_mon_sent(struct ew_mon *m, uint64_t now_ns);
unsigned int ew_mon_kinds(const struct ew_mon *m, uint32_t seq);
/* Probe SEQ did not leave at once (it waits for ARP): its answer counts,
 * but its round trip, which includes the wait, is no RTT sample. */
void ew_mon_held(struct ew_mon *m, uint32_t seq);
/* Probe SEQ left the worker at TX_NS, later than ew_mon_sent() said (it
 * waited in the control thread's queue): its round trip starts there. */
void ew_mon_wire_sent(struct ew_mon *m, uint32_t seq, uint64_t tx_ns);
/* The KIND answer to probe SEQ, received at RX_NS (the clock of
 * ew_mon_sent()), after RESIDENCE_NS in the reflector (STAMP T3 - T2; 0 for
 * ICMP). Returns false if ignored (and counted in unmatched): unknown or
 * too old a probe, a kind not sent, a duplicate, or times that cannot be. */
bool ew_mon_answer(struct ew_mon *m, uint32_t seq, unsigned int kind,
		uint64_t rx_ns, uint64_t residence_ns);
/* Settle probes; returns true if up/down changed. */
bool ew_mon_tick(struct ew_mon *m, uint64_t now_ns);
/* Loss over the window of settled probes, 0..1 (0 with none settled). */
double ew_mon_loss(const struct ew_mon *m);
/* How long an unanswered probe waits before it counts as lost. */
uint64_t ew_mon_loss_timeout(const struct ew_mon *m);

/* ---- SLA steering (steer.c) ---- */

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

#endif /* EW_SLA_H */
