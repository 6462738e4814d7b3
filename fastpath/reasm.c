/* SPDX-License-Identifier: BSD-3-Clause */
/* Outer reassembly for df: clear tunnels (reasm.h). */
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>

#include "fastpath/reasm.h"

int
ew_reasm_init(struct ew_worker *w)
{
	uint64_t hz = rte_get_tsc_hz();

	RTE_BUILD_BUG_ON(EW_REASM_MAX % 4 != 0);
	w->reasm = rte_ip_frag_table_create(EW_REASM_MAX / 4, 4, EW_REASM_MAX,
			hz / 1000 * EW_REASM_MS, SOCKET_ID_ANY);
	w->reasm_dr.cnt = 0;
	w->reasm_next = 0;
	return w->reasm != NULL ? 0 : -1;
}

void
ew_reasm_fini(struct ew_worker *w)
{
	if (w->reasm == NULL)
		return;
	rte_ip_frag_free_death_row(&w->reasm_dr, 0);
	rte_ip_frag_table_destroy(w->reasm);
	w->reasm = NULL;
}

static void
count(struct ew_worker *w, enum ew_drop r, unsigned int ifx, uint32_t n)
{
	w->st->drop[r] += n;
	w->st->port[ifx].drops += n;
}

struct rte_mbuf *
ew_reasm_outer(struct ew_worker *w, const struct ew_tables *t,
		struct rte_mbuf *m, unsigned int ifx)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t before = w->reasm_dr.cnt;
	struct rte_mbuf *r;

	if (w->reasm == NULL || ew_tunnel_find(t, ifx, EW_TUNKEY_FRAG, 0,
			rte_be_to_cpu_32(ip->src_addr)) < 0) {
		count(w, EW_DROP_OUTER_FRAG, ifx, 1);
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->l2_len = 0;
	m->l3_len = (ip->version_ihl & 0xf) * 4u;
	r = rte_ipv4_frag_reassemble_packet(w->reasm, &w->reasm_dr, m,
			w->rx_tsc, ip);
	if (w->reasm_dr.cnt != before) {
		count(w, EW_DROP_REASM_REFUSED, ifx, w->reasm_dr.cnt - before);
		/* room for the next burst: a full row would leak */
		if (w->reasm_dr.cnt >= RTE_IP_FRAG_DEATH_ROW_MBUF_LEN / 2)
			rte_ip_frag_free_death_row(&w->reasm_dr, 0);
	}
	if (r == NULL)
		return NULL;
	if (r->nb_segs > 1 && rte_pktmbuf_linearize(r) != 0) {
		count(w, EW_DROP_OVERSIZE, ifx, 1);
		rte_pktmbuf_free(r);
		return NULL;
	}
	/* DPDK asks the NIC to finish the outer header's checksum; that
	 * header is about to go, and the flag must not ride on the inner
	 * packet to a LAN port */
	r->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
	return r;
}

void
ew_reasm_tick(struct ew_worker *w, uint64_t tsc)
{
	uint32_t before;

	if (w->reasm == NULL || tsc < w->reasm_next)
		return;
	w->reasm_next = tsc + rte_get_tsc_hz() / 10;
	before = w->reasm_dr.cnt;
	rte_ip_frag_table_del_expired_entries(w->reasm, &w->reasm_dr, tsc);
	w->st->drop[EW_DROP_REASM_EXPIRED] += w->reasm_dr.cnt - before;
	if (w->reasm_dr.cnt != 0)
		rte_ip_frag_free_death_row(&w->reasm_dr, 0);
}
