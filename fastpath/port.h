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

/*
 * Bytes of packet data one mbuf holds after its headroom, for a port of MTU
 * MTU: the Ethernet header, one 802.1Q tag and 66 bytes of slack for PMDs'
 * buffer layouts (af_packet puts a frame 66 bytes into its ring slot, and
 * gets slots of this size; some NICs round buffer sizes down), rounded up
 * to 1 KiB. 2048 at MTU 1500 (DPDK's default), 9216 at 9000. A buffer holds
 * a whole frame: nothing on the packet path follows chained segments.
 */
#define EW_PORT_SLACK	66

static inline uint16_t
ew_port_buf_size(uint16_t mtu)
{
	return (uint16_t)RTE_ALIGN_CEIL((uint32_t)mtu + RTE_ETHER_HDR_LEN +
			RTE_VLAN_HLEN + EW_PORT_SLACK, 1024);
}

/*
 * Open DEVICE with N_QUEUES queue pairs receiving into MP, whose buffers
 * must hold ew_port_buf_size(MTU). An af_packet device gets a kernel ring
 * whose frames hold what an mbuf holds (framesz=, unless DEVICE sets it)
 * and its kernel interface the MTU. Returns 0, or -1 with ERR set.
 */
int ew_port_open(const char *device, unsigned int n_queues, uint16_t mtu,
		struct rte_mempool *mp, uint16_t *port_id,
		struct rte_ether_addr *mac, char *err, size_t errlen);
void ew_port_close(uint16_t port_id);

/*
 * af_packet devices: DPDK 22.11's PMD never reads its sockets' statistics,
 * so what the kernel drops because a ring is full (the worker was late)
 * would be counted nowhere. ew_port_afp_sockets() finds the PMD's sockets
 * of DEVICE's kernel interface in this process (one per queue), up to MAX
 * into FDS, and returns how many (0 for other devices). ew_port_afp_drops()
 * returns what they dropped since the last call (reading resets them:
 * PACKET_STATISTICS). Control thread only; no packet-path cost.
 */
unsigned int ew_port_afp_sockets(const char *device, int *fds, unsigned int max);
uint64_t ew_port_afp_drops(const int *fds, unsigned int n);

/*
 * The PMD joins its sockets to a PACKET_FANOUT group with
 * PACKET_FANOUT_FLAG_DEFRAG (not configurable in DPDK 22.11): the kernel
 * reassembles IP fragments before they reach the ring, and a datagram
 * longer than a ring frame arrives cut short. ew_port_afp_snap() is the
 * most of a frame DEVICE's ring frames hold (0 for other devices);
 * ew_port_afp_copy_big() has the kernel also queue the whole of such a
 * datagram on the socket (PACKET_COPY_THRESH) for the control thread to
 * read. At port open only.
 */
uint16_t ew_port_afp_snap(const char *device, struct rte_mempool *mp);
void ew_port_afp_copy_big(const int *fds, unsigned int n);

#endif /* EW_PORT_H */
