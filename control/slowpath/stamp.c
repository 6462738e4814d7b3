/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * STAMP (RFC 8762), unauthenticated: a stateless session-reflector at our
 * addresses, and the session-sender side of the tunnel probes (sending a
 * test packet into a tunnel, taking the reflected answer to the monitor).
 * Timestamps T1 and T3 are written by worker 0 as the packet leaves.
 */
#include <string.h>

#include <rte_udp.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/pkt.h"

/* An IPv4/UDP packet with a 44-byte STAMP payload, addresses and ports
 * given (host order), UDP checksum 0; data at the IP header. */
static struct rte_mbuf *
stamp_alloc(struct ew_sp *sp, uint32_t src, uint32_t dst, uint16_t sport,
		uint16_t dport, uint8_t ttl, uint8_t **payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sp->dp->mp);
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint16_t len = sizeof(*ip) + sizeof(*udp) + EW_STAMP_LEN;

	if (m == NULL) {
		sp->st->drop[EW_DROP_NO_MBUF]++;
		return NULL;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, len);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(ip, 0, len);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ew_sp_ip_finish(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + EW_STAMP_LEN);
	*payload = (uint8_t *)(udp + 1);
	ew_meta(m)->flags = EW_META_TXNTP;	/* worker 0 writes T1/T3 */
	return m;
}

static void
put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, 8);
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return rte_be_to_cpu_64(v);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

/* Session-sender: sequence number, timestamp (T1, by worker 0), error
 * estimate (not externally synchronized, multiplier 1), zeros. */
int
ew_sp_stamp_send(struct ew_sp *sp, unsigned int tun, uint32_t seq)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	struct rte_mbuf *m;
	uint8_t *pl;

	m = stamp_alloc(sp, sp->t->ov[tu->ox].addr, tu->peer, EW_STAMP_SENDER_PORT,
			EW_STAMP_PORT, 64, &pl);
	if (m == NULL)
		return -1;
	put32(pl, seq);
	pl[13] = 1;			/* error estimate: S=0 Z=0 scale 0 mult 1 */
	ew_sp_probe_meta(m, tu->slot, seq);
	ew_sp_out_tunnel(sp, m, tun, 0);
	return 0;
}

/* Session-reflector, stateless: answer a test packet at our address. */
static void
stamp_reflect(struct ew_sp *sp, struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		const struct rte_udp_hdr *udp, const uint8_t *in, unsigned int ifx,
		uint16_t tun)
{
	uint64_t t2 = ew_tsc_to_ntp(&sp->dp->clock, ew_meta(m)->tsc);
	struct rte_mbuf *r;
	uint8_t *pl;

	r = stamp_alloc(sp, rte_be_to_cpu_32(ip->dst_addr),
			rte_be_to_cpu_32(ip->src_addr), EW_STAMP_PORT,
			rte_be_to_cpu_16(udp->src_port), 255, &pl);
	if (r == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(pl, in, 4);		/* stateless: the sender's sequence */
	pl[13] = 1;
	put64(pl + 16, t2);		/* receive timestamp */
	memcpy(pl + 24, in, 4);		/* sender sequence */
	memcpy(pl + 28, in + 4, 8);	/* sender timestamp */
	memcpy(pl + 36, in + 12, 2);	/* sender error estimate */
	pl[40] = ip->time_to_live;	/* sender TTL */
	rte_pktmbuf_free(m);
	ew_sp_out_ip(sp, r, ifx, tun);
}

/* Session-sender: a reflected packet came back through tunnel TXI. The
 * round trip is the monitor's: from its own send time of the sender
 * sequence number to T4, minus the reflector's time (T3 - T2). The
 * sender timestamp T1 echoed back is not used: the reflector (or anyone
 * in the path) controls it. */
static void
stamp_answer(struct ew_sp *sp, struct rte_mbuf *m, const uint8_t *pl, uint16_t tun)
{
	uint64_t t4 = ew_tsc_to_ns(&sp->dp->clock, ew_meta(m)->tsc);
	uint64_t t2 = ew_ntp_to_ns(get64(pl + 16)), t3 = ew_ntp_to_ns(get64(pl + 4));

	if (sp->probe_cb == NULL || t3 < t2) {
		ew_sp_drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	sp->probe_cb(sp->probe_arg, sp->t->tun[tun].slot, get32(pl + 24),
			EW_MON_STAMP, t4, t3 - t2);
	rte_pktmbuf_free(m);
}

/* Data at IPv4 addressed to us (LOCAL or OV_LOCAL): a STAMP test packet
 * to reflect, or the reflected answer to one of our probes. False, M left
 * alone, when it is neither. */
bool
ew_sp_stamp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u, len;
	const struct rte_udp_hdr *udp;
	const uint8_t *pl;

	len = rte_pktmbuf_data_len(m);
	if (ip->next_proto_id != IPPROTO_UDP || ew_ip_is_fragment(ip) ||
			len < ihl + sizeof(struct rte_udp_hdr) + EW_STAMP_LEN)
		return false;
	udp = (const struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	pl = (const uint8_t *)(udp + 1);
	if (udp->dst_port == rte_cpu_to_be_16(EW_STAMP_PORT)) {
		/* never answer another reflector, nor ourselves: two
		 * sites would reflect one packet to each other forever */
		if (udp->src_port == rte_cpu_to_be_16(EW_STAMP_PORT) ||
				ew_tables_is_local(sp->t,
					rte_be_to_cpu_32(ip->src_addr))) {
			ew_sp_drop(sp, m, EW_DROP_STAMP_LOOP);
			return true;
		}
		stamp_reflect(sp, m, ip, udp, pl, ifx, tun);
		return true;
	}
	if (udp->dst_port == rte_cpu_to_be_16(EW_STAMP_SENDER_PORT) &&
			udp->src_port == rte_cpu_to_be_16(EW_STAMP_PORT) &&
			tun != EW_TUN_NONE) {
		stamp_answer(sp, m, pl, tun);
		return true;
	}
	return false;
}
