/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PORT_H
#define EW_PORT_H

/*
 * Port set-up: a DPDK vdev ("net_af_packet0,iface=veth0") is hot-plugged,
 * a PCI address is looked up among the probed devices; then one RX and one
 * TX queue per worker (RSS over them when the PMD offers it), MTU, start.
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

int ew_port_open(const char *device, unsigned int n_queues, uint16_t mtu,
		struct rte_mempool *mp, uint16_t *port_id,
		struct rte_ether_addr *mac, char *err, size_t errlen);
void ew_port_close(uint16_t port_id);

#endif /* EW_PORT_H */
