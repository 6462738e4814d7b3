/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmentation of DF-clear IPv4 packets larger than the MTU they leave by
 * (a tunnel's overlay MTU, or a LAN port's), each fragment then sent like
 * any other packet. No reassembly: fragments addressed to us are dropped.
 */
#include <string.h>

#include <rte_ip_frag.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/pmtu.h"

/* Data at IPv4 (TTL done), DF clear: fragment to tunnel TXI's inner MTU
 * (the overlay's, or less for the underlay's path MTU),
 * or with TXI EW_TUN_NONE to LAN port IFX's MTU towards next hop NH. */
void
ew_sp_fragment(struct ew_sp *sp, struct rte_mbuf *m, unsigned int tun,
		uint8_t tos, unsigned int ifx, uint32_t nh)
{
	struct rte_mbuf *frags[64];
	uint16_t mtu = tun != EW_TUN_NONE ? ew_pmtu_inner(sp->t->tun_mtu[tun]) :
			sp->t->ports[ifx].mtu;
	int n, i;

	n = rte_ipv4_fragment_packet(m, frags, RTE_DIM(frags), mtu,
			sp->dp->mp, sp->dp->mp);
	rte_pktmbuf_free(m);
	if (n < 0) {
		sp->st->drop[EW_DROP_FRAG_FAIL]++;
		return;
	}
	for (i = 0; i < n; i++) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(frags[i], struct rte_ipv4_hdr *);

		memset(ew_meta(frags[i]), 0, sizeof(struct ew_meta));
		ew_sp_ip_finish(ip);
		/* encapsulation prepends into the first segment: give each
		 * fragment a flat copy with headroom */
		if (frags[i]->nb_segs > 1 || rte_pktmbuf_headroom(frags[i]) < EW_TPL_MAX) {
			struct rte_mbuf *c = rte_pktmbuf_copy(frags[i], sp->dp->mp, 0,
					UINT32_MAX);

			rte_pktmbuf_free(frags[i]);
			if (c == NULL || c->nb_segs > 1) {
				rte_pktmbuf_free(c);
				sp->st->drop[EW_DROP_FRAG_FAIL]++;
				continue;
			}
			frags[i] = c;
			memset(ew_meta(c), 0, sizeof(struct ew_meta));
		}
		if (tun != EW_TUN_NONE)
			ew_sp_out_tunnel(sp, frags[i], tun, tos);
		else
			ew_sp_out_port(sp, frags[i], ifx, nh);
	}
}
