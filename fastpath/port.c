/* SPDX-License-Identifier: BSD-3-Clause */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "fastpath/port.h"

#define EW_RX_DESC 1024
#define EW_TX_DESC 1024

static int
find_port(const char *name, uint16_t *port_id)
{
	return rte_eth_dev_get_port_by_name(name, port_id);
}

int
ew_port_open(const char *device, unsigned int n_queues, uint16_t mtu,
		struct rte_mempool *mp, uint16_t *port_id,
		struct rte_ether_addr *mac, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	char name[128], args[300];
	const char *comma = strchr(device, ',');
	size_t n = comma ? (size_t)(comma - device) : strlen(device);
	unsigned int q;
	int rc;

	if (n >= sizeof(name)) {
		snprintf(err, errlen, "device '%s': name too long", device);
		return -1;
	}
	memcpy(name, device, n);
	name[n] = '\0';
	if (strncmp(name, "net_", 4) == 0) {
		/* af_packet: one queue pair per worker (PACKET_FANOUT) */
		if (strncmp(name, "net_af_packet", 13) == 0 &&
				strstr(device, "qpairs=") == NULL)
			snprintf(args, sizeof(args), "%s,qpairs=%u", device, n_queues);
		else
			snprintf(args, sizeof(args), "%s", device);
		rc = rte_dev_probe(args);
		if (rc != 0) {
			const char *ifn = strstr(device, "iface=");
			char ifname[IF_NAMESIZE + 1];

			/* af_packet's own error code hides the usual cause */
			if (ifn != NULL) {
				snprintf(ifname, sizeof(ifname), "%.*s",
						(int)strcspn(ifn + 6, ","), ifn + 6);
				if (if_nametoindex(ifname) == 0) {
					snprintf(err, errlen, "device '%s': no interface '%s' in this network namespace",
							device, ifname);
					return -1;
				}
			}
			snprintf(err, errlen, "device '%s': cannot create: %s",
					device, rte_strerror(-rc));
			return -1;
		}
	}
	if (find_port(name, port_id) != 0) {
		snprintf(err, errlen, "device '%s': no such port (a vdev name net_*, or a PCI address the EAL probed)",
				device);
		return -1;
	}
	rc = rte_eth_dev_info_get(*port_id, &info);
	if (rc != 0) {
		snprintf(err, errlen, "device '%s': no device info", device);
		return -1;
	}
	if (n_queues > info.max_rx_queues || n_queues > info.max_tx_queues) {
		snprintf(err, errlen, "device '%s': %u workers need %u queues, the device has %u",
				device, n_queues, n_queues, info.max_rx_queues);
		return -1;
	}
	if (n_queues > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP |
				RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
				info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(*port_id, (uint16_t)n_queues,
			(uint16_t)n_queues, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "device '%s': configure failed: %s",
				device, rte_strerror(-rc));
		return -1;
	}
	for (q = 0; q < n_queues; q++) {
		rc = rte_eth_rx_queue_setup(*port_id, (uint16_t)q, EW_RX_DESC,
				rte_eth_dev_socket_id(*port_id), NULL, mp);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(*port_id, (uint16_t)q,
					EW_TX_DESC,
					rte_eth_dev_socket_id(*port_id), NULL);
		if (rc != 0) {
			snprintf(err, errlen, "device '%s': queue %u set-up failed: %s",
					device, q, rte_strerror(-rc));
			return -1;
		}
	}
	/* Not every PMD can change its MTU (af_packet follows the kernel
	 * interface); the configured MTU is still enforced by edgeway. */
	rte_eth_dev_set_mtu(*port_id, mtu);
	rc = rte_eth_dev_start(*port_id);
	if (rc != 0) {
		snprintf(err, errlen, "device '%s': start failed: %s", device,
				rte_strerror(-rc));
		return -1;
	}
	rte_eth_promiscuous_enable(*port_id);
	rte_eth_macaddr_get(*port_id, mac);
	return 0;
}

void
ew_port_close(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	char name[RTE_ETH_NAME_MAX_LEN];

	rte_eth_dev_stop(port_id);
	if (rte_eth_dev_get_name_by_port(port_id, name) != 0)
		name[0] = '\0';
	rte_eth_dev_info_get(port_id, &info);
	rte_eth_dev_close(port_id);
	if (strncmp(name, "net_", 4) == 0)
		rte_dev_remove(info.device);
}
