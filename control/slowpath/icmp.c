/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP at the slow path: echo answers for our addresses, the errors the
 * workers ask for (time exceeded, unreachable, fragmentation needed;
 * rate limited, never about an ICMP error or a non-first fragment), and
 * the ICMP echo probe sent into a tunnel with the answer it gets back.
 */
#include <string.h>

#include <rte_icmp.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/pkt.h"

/* An ICMP error is at most this long: it quotes as much of the offending
 * packet as fits (RFC 1812 4.3.2.3), as Linux does. Every MTU is at least
 * this, so the error always fits the way back. */
#define EW_ICMP_ERR_MAX 576

/* The errors' token bucket: EW_ICMP_RATE a second, bursts as many. */
static bool
icmp_allowed(struct ew_sp *sp)
{
	uint64_t now = sp->now_ms;

	sp->icmp_tokens += (double)(now - sp->icmp_last_ms) * EW_ICMP_RATE / 1000.0;
	sp->icmp_last_ms = now;
	if (sp->icmp_tokens > EW_ICMP_RATE)
		sp->icmp_tokens = EW_ICMP_RATE;
	if (sp->icmp_tokens < 1.0)
		return false;
	sp->icmp_tokens -= 1.0;
	return true;
}

/* The answer to one of our probes: payload = 8 zero bytes, slot, seq,
 * magic. The monitor times it from when worker 0 sent SEQ, nothing the
 * far end echoes. */
static void
probe_answer(struct ew_sp *sp, struct rte_mbuf *m, const uint8_t *pl,
		uint16_t tun)
{
	uint16_t slot, magic;
	uint32_t seq;

	memcpy(&slot, pl + 8, 2);
	memcpy(&seq, pl + 10, 4);
	memcpy(&magic, pl + 14, 2);
	/* only from the tunnel it was sent into, with our marks */
	if (magic != EW_PROBE_ID || slot != sp->t->tun[tun].slot ||
			sp->probe_cb == NULL) {
		ew_sp_drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	sp->probe_cb(sp->probe_arg, slot, seq, EW_MON_ICMP,
			ew_tsc_to_ns(&sp->dp->clock, ew_meta(m)->tsc), 0);
	rte_pktmbuf_free(m);
}

/* ICMP echo probe. */
int
ew_sp_icmp_probe_send(struct ew_sp *sp, unsigned int tun, uint32_t seq)
{
	const struct ew_tunnel *tu = &sp->t->tun[tun];
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *m;
	uint8_t *pl;
	uint16_t slot, magic = EW_PROBE_ID;

	m = rte_pktmbuf_alloc(sp->dp->mp);
	if (m == NULL) {
		sp->st->drop[EW_DROP_NO_MBUF]++;
		return -1;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
			sizeof(*ip) + sizeof(*ic) + EW_PROBE_TAIL);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return -1;
	}
	memset(ip, 0, sizeof(*ip) + sizeof(*ic) + EW_PROBE_TAIL);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*ic) + EW_PROBE_TAIL);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(sp->t->ov[tu->ox].addr);
	ip->dst_addr = rte_cpu_to_be_32(tu->peer);
	ew_sp_ip_finish(ip);
	ic = (struct rte_icmp_hdr *)(ip + 1);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = rte_cpu_to_be_16(EW_PROBE_ID);
	ic->icmp_seq_nb = rte_cpu_to_be_16((uint16_t)seq);
	pl = (uint8_t *)(ic + 1);	/* 8 zero bytes, slot, seq, magic */
	slot = tu->slot;
	memcpy(pl + 8, &slot, 2);
	memcpy(pl + 10, &seq, 4);
	memcpy(pl + 14, &magic, 2);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + EW_PROBE_TAIL);
	ew_sp_probe_meta(m, slot, seq);
	ew_sp_out_tunnel(sp, m, tun, 0);
	return 0;
}

/* Data at IPv4 addressed to us (LOCAL or OV_LOCAL), not STAMP: answer an
 * echo request, take the answer to an ICMP probe, drop the rest. */
void
ew_sp_icmp_input(struct ew_sp *sp, struct rte_mbuf *m, unsigned int ifx,
		uint16_t tun)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u, len, tmp;
	struct rte_icmp_hdr *ic;

	len = rte_pktmbuf_data_len(m);
	if (ip->next_proto_id != IPPROTO_ICMP || ew_ip_is_fragment(ip) ||
			len < ihl + sizeof(*ic)) {
		ew_sp_drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	ic = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (ic->icmp_type == RTE_IP_ICMP_ECHO_REPLY && tun != EW_TUN_NONE &&
			ic->icmp_ident == rte_cpu_to_be_16(EW_PROBE_ID) &&
			len >= ihl + sizeof(*ic) + EW_PROBE_TAIL) {
		probe_answer(sp, m, (uint8_t *)(ic + 1), tun);
		return;
	}
	/* an underlay router's frag needed about one of our tunnels */
	if (ic->icmp_type == 3 && ic->icmp_code == 4 && tun == EW_TUN_NONE &&
			sp->t->ports[ifx].role == EW_ROLE_WAN) {
		if (rte_raw_cksum(ic, len - ihl) != 0xffff)
			ew_sp_drop(sp, m, EW_DROP_PMTU_SPOOF);
		else
			ew_sp_pmtu_input(sp, m, ifx);
		return;
	}
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		/* echo replies and errors for us are not needed yet */
		ew_sp_drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	if (rte_raw_cksum(ic, len - ihl) != 0xffff) {
		ew_sp_drop(sp, m, EW_DROP_LOCAL_PROTO);
		return;
	}
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, len - ihl);
	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = 64;
	ew_sp_ip_finish(ip);
	ew_sp_out_ip(sp, m, ifx, tun);
}

/* Data at the offending IPv4 header. Send ICMP TYPE/CODE to its source,
 * quoting as much of it as fits in EW_ICMP_ERR_MAX bytes. */
void
ew_sp_icmp_error(struct ew_sp *sp, struct rte_mbuf *orig, unsigned int ifx,
		uint16_t tun, uint8_t type, uint8_t code, uint16_t mtu)
{
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod(orig, struct rte_ipv4_hdr *);
	uint32_t ohl = (oip->version_ihl & 0xf) * 4u;
	uint32_t quote = RTE_MIN(rte_pktmbuf_data_len(orig), EW_ICMP_ERR_MAX -
			sizeof(struct rte_ipv4_hdr) - sizeof(struct rte_icmp_hdr));
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *m;
	uint32_t src;

	/* Never answer an ICMP error or a non-first fragment (RFC 1812). */
	if ((oip->next_proto_id == IPPROTO_ICMP && rte_pktmbuf_data_len(orig) > ohl &&
			((const uint8_t *)oip)[ohl] != RTE_IP_ICMP_ECHO_REQUEST &&
			((const uint8_t *)oip)[ohl] != RTE_IP_ICMP_ECHO_REPLY) ||
			(oip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))) {
		rte_pktmbuf_free(orig);
		return;
	}
	if (!icmp_allowed(sp)) {
		ew_sp_drop(sp, orig, EW_DROP_ICMP_RATE);
		return;
	}
	m = rte_pktmbuf_alloc(sp->dp->mp);
	if (m == NULL) {
		ew_sp_drop(sp, orig, EW_DROP_NO_MBUF);
		return;
	}
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
			(uint16_t)(sizeof(*ip) + sizeof(*ic) + quote));
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		ew_sp_drop(sp, orig, EW_DROP_NO_MBUF);
		return;
	}
	ic = (struct rte_icmp_hdr *)(ip + 1);
	memcpy(ic + 1, oip, quote);
	src = tun != EW_TUN_NONE ? sp->t->ov[sp->t->tun[tun].ox].addr :
			sp->t->ports[ifx].addr;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*ic) + quote));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = oip->src_addr;
	ew_sp_ip_finish(ip);
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = type;
	ic->icmp_code = code;
	if (type == 3 && code == 4)	/* RFC 1191: next-hop MTU */
		ic->icmp_seq_nb = rte_cpu_to_be_16(mtu);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + quote);
	rte_pktmbuf_free(orig);
	ew_sp_out_ip(sp, m, ifx, tun);
}
