/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PKT_H
#define EW_PKT_H

/* Header checks shared by the workers and the control thread. */

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "fastpath/stats.h"

/* The ones' complement sum of an IPv4 header of IHL bytes (0xffff when the
 * checksum is right): 32-bit words into 64 bits, folded once at the end. */
static inline uint16_t
ew_ipv4_hdr_sum(const struct rte_ipv4_hdr *ip, uint32_t ihl)
{
	const uint8_t *p = (const uint8_t *)ip;
	uint64_t s = 0;
	uint32_t i, w;

	for (i = 0; i < ihl; i += 4) {
		memcpy(&w, p + i, 4);
		s += w;
	}
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* 0 if IP (LEN bytes available) is a sound IPv4 header, else a drop reason
 * (never 0 since EW_DROP_L2_NOT_US is 0: callers compare with -1). */
static inline int
ew_ipv4_check(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint32_t ihl, tot;

	if (unlikely(len < sizeof(*ip)))
		return EW_DROP_RUNT;
	if (unlikely((ip->version_ihl >> 4) != 4))
		return EW_DROP_IP_VERSION;
	ihl = (ip->version_ihl & 0xf) * 4u;
	if (unlikely(ihl < sizeof(*ip)))
		return EW_DROP_IP_IHL;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < ihl || tot > len || ihl > len))
		return EW_DROP_IP_LENGTH;
	if (unlikely(ew_ipv4_hdr_sum(ip, ihl) != 0xffff))
		return EW_DROP_IP_CHECKSUM;
	return -1;
}

/* Not a unicast host address usable as a source. */
static inline bool
ew_ip_bad_src(uint32_t a)
{
	return a == 0 || a >= 0xe0000000u || (a >> 24) == 127;
}

static inline bool
ew_ip_bad_dst(uint32_t a)
{
	return a == 0 || a >= 0xe0000000u || (a >> 24) == 127;
}

static inline bool
ew_ip_is_fragment(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset &
			rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/* TTL decrement with the RFC 1624 incremental checksum update. */
static inline void
ew_ip_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint32_t c = (uint32_t)rte_be_to_cpu_16(ip->hdr_checksum) + 0x0100;

	ip->time_to_live--;
	c = (c & 0xffff) + (c >> 16);
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)c);
}

/* Set the TOS byte, with the RFC 1624 incremental checksum update. */
static inline void
ew_ip_tos_set(struct rte_ipv4_hdr *ip, uint8_t tos)
{
	uint32_t c = (uint16_t)~rte_be_to_cpu_16(ip->hdr_checksum);

	c += (uint16_t)~(ip->version_ihl << 8 | ip->type_of_service);
	c += (uint32_t)ip->version_ihl << 8 | tos;
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	ip->type_of_service = tos;
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~c);
}

/*
 * Clamp the MSS option of a TCP SYN to MSS, updating the TCP checksum
 * incrementally. TCP is the TCP header with LEN bytes available.
 */
static inline void
ew_tcp_mss_clamp(uint8_t *tcp, uint32_t len, uint16_t mss)
{
	uint32_t doff, i;

	if (len < 20 || !(tcp[13] & 0x02))	/* SYN */
		return;
	doff = (uint32_t)(tcp[12] >> 4) * 4u;
	if (doff < 20 || doff > len)
		return;
	for (i = 20; i + 1 < doff;) {
		uint8_t kind = tcp[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (tcp[i + 1] < 2 || i + tcp[i + 1] > doff)
			break;
		if (kind == 2 && tcp[i + 1] == 4) {
			uint16_t old = (uint16_t)(tcp[i + 2] << 8 | tcp[i + 3]);
			uint16_t m_old = old, m_new = mss;
			uint32_t c;

			if (old <= mss)
				return;
			tcp[i + 2] = (uint8_t)(mss >> 8);
			tcp[i + 3] = (uint8_t)mss;
			/* The value straddles two checksum words when it starts
			 * at an odd offset (e.g. after a 3-byte window scale):
			 * its bytes then count swapped in the sum, so the
			 * update uses the byte-swapped words (RFC 1071 2(B)). */
			if (i & 1) {
				m_old = (uint16_t)(old << 8 | old >> 8);
				m_new = (uint16_t)(mss << 8 | mss >> 8);
			}
			/* RFC 1624: HC' = ~(~HC + ~m + m') */
			c = (uint16_t)~(tcp[16] << 8 | tcp[17]);
			c += (uint16_t)~m_old;
			c += m_new;
			c = (c & 0xffff) + (c >> 16);
			c = (c & 0xffff) + (c >> 16);
			c = (uint16_t)~c;
			tcp[16] = (uint8_t)(c >> 8);
			tcp[17] = (uint8_t)c;
			return;
		}
		i += tcp[i + 1];
	}
}

#endif /* EW_PKT_H */
