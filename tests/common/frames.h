/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_TEST_FRAMES_H
#define EW_TEST_FRAMES_H

/* Frames the slow-path tests feed in, built in mbufs; the punt metadata
 * is the caller's. */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

/* Ethernet (broadcast) / ARP OP from SHA at SIP about TIP, addresses in
 * host order. NULL if MP has no mbuf left. */
struct rte_mbuf *ew_test_arp_frame(struct rte_mempool *mp, uint16_t op,
		const struct rte_ether_addr *sha, uint32_t sip, uint32_t tip);

#endif /* EW_TEST_FRAMES_H */
