/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PMTU_H
#define EW_PMTU_H

/*
 * Tunnel path MTU (RFC 1191 over the underlay, RFC 4459 section 3.2 style
 * towards the LAN). Each tunnel has one 64-bit word in its generation
 * (t->tun_mtu[tun]): the effective inner MTU, the MSS to clamp SYNs to and
 * the underlay path MTU it was derived from. The control thread is its only
 * writer (control/slowpath/pmtu.c); workers read it with one plain load.
 * An underlay "fragmentation needed" is believed only when the header it
 * quotes is one of our tunnels' outer headers (ew_pmtu_quote_match).
 */

#include <stdint.h>

#include "fastpath/tables.h"

#define EW_PMTU_MIN	576	/* floor of a learnt underlay path MTU */
#define EW_PMTU_AGE_MS	(10 * 60 * 1000)	/* RFC 1191: try the WAN's MTU
						 * again 10 minutes after a
						 * decrease */

/* bits 0-15: inner MTU, 16-31: MSS clamp (0 = off), 32-47: path MTU */
static inline uint16_t
ew_pmtu_inner(uint64_t w)
{
	return (uint16_t)w;
}

static inline uint16_t
ew_pmtu_mss(uint64_t w)
{
	return (uint16_t)(w >> 16);
}

static inline uint16_t
ew_pmtu_path(uint64_t w)
{
	return (uint16_t)(w >> 32);
}

/* The word of tunnel TUN over an underlay path MTU of PMTU bytes: the
 * inner MTU is the overlay's, or less when the path needs it. */
static inline uint64_t
ew_pmtu_word(const struct ew_tables *t, unsigned int tun, uint16_t pmtu)
{
	const struct ew_tunnel *tu = &t->tun[tun];
	const struct ew_overlay *ov = &t->ov[tu->ox];
	unsigned int over = tu->tpl_len - RTE_ETHER_HDR_LEN;
	unsigned int mtu = ov->mtu, mss = 0;

	if (pmtu < over + 68u)		/* RFC 791's smallest, inside */
		pmtu = (uint16_t)(over + 68u);
	if (pmtu - over < mtu)
		mtu = pmtu - over;
	if (ov->mss != 0)
		mss = RTE_MIN((unsigned int)ov->mss, mtu - 40u);	/* >= 28 */
	return (uint64_t)mtu | (uint64_t)mss << 16 | (uint64_t)pmtu << 32;
}

/*
 * QUOTE (QLEN bytes) is what an ICMP error that arrived on WAN IFX quotes:
 * the start of a packet we sent? Puts the indexes of the tunnels whose
 * outer header it is in TUNS (at most MAX) and returns how many; 0 = none
 * of ours (a spoof, or garbage). It must be IPv4 with DF, from IFX's
 * address to a tunnel's remote: VXLAN (UDP to 4789 from our source port
 * range, with the IP payload's length and no checksum, as we send it; the
 * VNI when quoted, else every VXLAN tunnel of IFX to that remote) or GRE
 * (with the key).
 */
unsigned int ew_pmtu_quote_match(const struct ew_tables *t, unsigned int ifx,
		const uint8_t *quote, uint32_t qlen, uint16_t *tuns,
		unsigned int max);

/* The path MTU to believe from a frag needed saying NEXT_HOP (0: an old
 * router that does not say) about a packet of QUOTED_LEN bytes: the
 * RFC 1191 plateau below QUOTED_LEN then; never below EW_PMTU_MIN. 0 when
 * it makes no sense (NEXT_HOP not below QUOTED_LEN). */
uint16_t ew_pmtu_learn(uint16_t next_hop, uint16_t quoted_len);

#endif /* EW_PMTU_H */
