/* SPDX-License-Identifier: BSD-3-Clause */
/* Frames for the slow-path tests (frames.h). */

#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "tests/common/frames.h"

struct rte_mbuf *
ew_test_arp_frame(struct rte_mempool *mp, uint16_t op,
		const struct rte_ether_addr *sha, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*a));
	a = (struct rte_arp_hdr *)(eth + 1);
	memset(eth->dst_addr.addr_bytes, 0xff, 6);
	eth->src_addr = *sha;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	memset(&a->arp_data.arp_tha, 0, 6);
	a->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	return m;
}
