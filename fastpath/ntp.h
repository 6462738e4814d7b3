/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_NTP_H
#define EW_NTP_H

/*
 * TSC to NTP timestamps (STAMP/TWAMP format: seconds since 1900 in the
 * high 32 bits, fraction in the low 32). One reference point, taken at
 * start-up and never changed, shared by workers (TX/RX stamps) and the
 * control thread, so every timestamp edgeway writes is on one clock.
 */

#include <stdint.h>
#include <time.h>

#define EW_NTP_UNIX_OFFSET 2208988800ull	/* 1900 -> 1970 */

struct ew_clock {
	uint64_t tsc0;		/* TSC at the reference point */
	uint64_t hz;
	uint64_t unix_ns0;	/* wall clock at the reference point */
};

static inline uint64_t
ew_tsc_to_ns(const struct ew_clock *c, uint64_t tsc)
{
	uint64_t d = tsc - c->tsc0;

	/* split to keep d * 1e9 from overflowing */
	return c->unix_ns0 + (d / c->hz) * 1000000000ull +
			(d % c->hz) * 1000000000ull / c->hz;
}

static inline uint64_t
ew_ns_to_ntp(uint64_t unix_ns)
{
	uint64_t sec = unix_ns / 1000000000ull, ns = unix_ns % 1000000000ull;

	return (sec + EW_NTP_UNIX_OFFSET) << 32 | ((ns << 32) / 1000000000ull);
}

static inline uint64_t
ew_ntp_to_ns(uint64_t ntp)
{
	return ((ntp >> 32) - EW_NTP_UNIX_OFFSET) * 1000000000ull +
			((ntp & 0xffffffffull) * 1000000000ull >> 32);
}

static inline uint64_t
ew_tsc_to_ntp(const struct ew_clock *c, uint64_t tsc)
{
	return ew_ns_to_ntp(ew_tsc_to_ns(c, tsc));
}

#endif /* EW_NTP_H */
