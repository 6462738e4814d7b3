/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: opening one from the config's device string (a vdev is hot-plugged
 * first; af_packet gets its ring and kernel MTU set here), closing it, and
 * reading the af_packet ring drops the PMD does not count.
 */

#include <dirent.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "fastpath/port.h"

#define EW_RX_DESC 1024
#define EW_TX_DESC 1024

/* DPDK's af_packet PMD: its default ring frame size (2048 bytes). The
 * kernel puts the Ethernet header TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - 14
 * = 66 bytes into a frame; the PMD wants the frame size less 32 to fit an
 * mbuf, and finds frame i at i * framesz (so a block must hold a whole
 * number of frames). */
#define EW_AFP_FRAMESZ_DEFAULT	2048
#define EW_AFP_MAC_OFF	(TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - RTE_ETHER_HDR_LEN)
#define EW_AFP_RCVBUF	(4 << 20)

static int
find_port(const char *name, uint16_t *port_id)
{
	return rte_eth_dev_get_port_by_name(name, port_id);
}

/* The af_packet ring frame size for mbufs of pool MP, 0 when the default
 * fits: the buffer size (EW_PORT_SLACK covers the 66-byte offset). The
 * pool's, not the port's MTU: the PMD has the kernel reassemble fragments
 * (PACKET_FANOUT_FLAG_DEFRAG), so a 1500-byte LAN's fragments can arrive
 * as one bigger packet, which the overlay may still carry. */
static unsigned int
afp_framesz(const struct rte_mempool *mp)
{
	unsigned int fs = rte_pktmbuf_data_room_size((struct rte_mempool *)mp) -
			RTE_PKTMBUF_HEADROOM;

	return fs > EW_AFP_FRAMESZ_DEFAULT ? fs : 0;
}

/* The smallest block (a whole number of pages) that holds a whole number
 * of frames of FS bytes: 36 KiB (4 frames) for 9216-byte frames. */
static unsigned int
afp_blocksz(unsigned int fs)
{
	unsigned int page = (unsigned int)sysconf(_SC_PAGESIZE), b = fs;

	while (b % page != 0)
		b += fs;
	return b;
}

/* The largest MTU the device takes, by ethdev's own rule (rte_eth_dev_configure
 * and rte_eth_dev_set_mtu refuse more). */
static uint32_t
dev_max_mtu(const struct rte_eth_dev_info *info)
{
	uint32_t overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;

	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	if (info->max_rx_pktlen <= overhead)
		return 0;
	return RTE_MIN(info->max_rx_pktlen - overhead, (uint32_t)info->max_mtu);
}

/* The kernel interface of af_packet device DEVICE ("...,iface=NAME,...")
 * into NAME (SIZE bytes): 0, or -1 for another device or no iface=. */
static int
afp_iface(const char *device, char *name, size_t size)
{
	const char *ifn = strstr(device, "iface=");

	if (strncmp(device, "net_af_packet", 13) != 0 || ifn == NULL)
		return -1;
	snprintf(name, size, "%.*s", (int)strcspn(ifn + 6, ","), ifn + 6);
	return 0;
}

/*
 * An af_packet port receives what its kernel interface lets through. DPDK
 * 22.11's PMD claims 1518-byte frames at most, so ethdev refuses it any MTU
 * above 1500; set the kernel interface's MTU here instead, as the PMD itself
 * does for smaller ones.
 */
static int
afp_kernel_mtu(const char *device, uint16_t mtu, char *err, size_t errlen)
{
	struct ifreq ifr;
	int s, rc;

	memset(&ifr, 0, sizeof(ifr));
	if (afp_iface(device, ifr.ifr_name, sizeof(ifr.ifr_name)) != 0)
		return 0;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		snprintf(err, errlen, "device '%s': cannot set the MTU of %s: %s",
				device, ifr.ifr_name, strerror(errno));
		return -1;
	}
	rc = ioctl(s, SIOCGIFMTU, &ifr);
	if (rc == 0 && ifr.ifr_mtu != mtu) {
		ifr.ifr_mtu = mtu;
		rc = ioctl(s, SIOCSIFMTU, &ifr);
	}
	if (rc != 0)
		snprintf(err, errlen, "device '%s': cannot set the MTU of %s to %u: %s",
				device, ifr.ifr_name, mtu, strerror(errno));
	close(s);
	return rc == 0 ? 0 : -1;
}

/* Why vdev DEVICE could not be created (RC): af_packet's own error code
 * hides the usual cause, an interface missing from this namespace. */
static void
vdev_error(const char *device, int rc, char *err, size_t errlen)
{
	const char *ifn = strstr(device, "iface=");
	char ifname[IF_NAMESIZE + 1];

	if (ifn != NULL) {
		snprintf(ifname, sizeof(ifname), "%.*s",
				(int)strcspn(ifn + 6, ","), ifn + 6);
		if (if_nametoindex(ifname) == 0) {
			snprintf(err, errlen, "device '%s': no interface '%s' in this network namespace",
					device, ifname);
			return;
		}
	}
	snprintf(err, errlen, "device '%s': cannot create: %s",
			device, rte_strerror(-rc));
}

/* Hot-plug vdev DEVICE ("net_...,args"); an af_packet one (AFP) gets
 * N_QUEUES queue pairs and ring frames for MP's buffers unless DEVICE
 * says otherwise. */
static int
vdev_create(const char *device, bool afp, unsigned int n_queues,
		struct rte_mempool *mp, char *err, size_t errlen)
{
	char args[300];
	size_t k = (size_t)snprintf(args, sizeof(args), "%s", device);
	unsigned int fs;
	int rc;

	/* af_packet: one queue pair per worker (PACKET_FANOUT), and
	 * ring frames that hold what an mbuf holds */
	if (afp && strstr(device, "qpairs=") == NULL && k < sizeof(args))
		k += (size_t)snprintf(args + k, sizeof(args) - k,
				",qpairs=%u", n_queues);
	fs = afp_framesz(mp);
	if (afp && fs != 0 && strstr(device, "framesz=") == NULL &&
			k < sizeof(args))
		k += (size_t)snprintf(args + k, sizeof(args) - k,
				",framesz=%u,blocksz=%u", fs,
				afp_blocksz(fs));
	if (k >= sizeof(args)) {
		snprintf(err, errlen, "device '%s': arguments too long", device);
		return -1;
	}
	rc = rte_dev_probe(args);
	if (rc != 0) {
		vdev_error(device, rc, err, errlen);
		return -1;
	}
	return 0;
}

/* Configure port PORT_ID (DEVICE, described by INFO) with N_QUEUES queue
 * pairs receiving into MP, RSS over them when the PMD offers it, and MTU
 * unless 0 (the device cannot take it). */
static int
dev_configure(uint16_t port_id, const char *device,
		const struct rte_eth_dev_info *info, unsigned int n_queues,
		uint16_t mtu, struct rte_mempool *mp, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	unsigned int q;
	int rc;

	conf.rxmode.mtu = mtu;
	if (n_queues > 1 && info->flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP |
				RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
				info->flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(port_id, (uint16_t)n_queues,
			(uint16_t)n_queues, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "device '%s': configure failed: %s",
				device, rte_strerror(-rc));
		return -1;
	}
	for (q = 0; q < n_queues; q++) {
		rc = rte_eth_rx_queue_setup(port_id, (uint16_t)q, EW_RX_DESC,
				rte_eth_dev_socket_id(port_id), NULL, mp);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port_id, (uint16_t)q,
					EW_TX_DESC,
					rte_eth_dev_socket_id(port_id), NULL);
		if (rc != 0) {
			snprintf(err, errlen, "device '%s': queue %u set-up failed: %s",
					device, q, rte_strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int
ew_port_open(const char *device, unsigned int n_queues, uint16_t mtu,
		struct rte_mempool *mp, uint16_t *port_id,
		struct rte_ether_addr *mac, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	char name[128];
	const char *comma = strchr(device, ',');
	size_t n = comma ? (size_t)(comma - device) : strlen(device);
	bool afp = strncmp(device, "net_af_packet", 13) == 0;
	uint32_t max_mtu;
	int rc;

	if (n >= sizeof(name)) {
		snprintf(err, errlen, "device '%s': name too long", device);
		return -1;
	}
	memcpy(name, device, n);
	name[n] = '\0';
	if (rte_pktmbuf_data_room_size(mp) < RTE_PKTMBUF_HEADROOM +
			ew_port_buf_size(mtu)) {
		snprintf(err, errlen, "device '%s': packet buffers of %u bytes cannot hold a frame of mtu %u",
				device, rte_pktmbuf_data_room_size(mp), mtu);
		return -1;
	}
	if (strncmp(name, "net_", 4) == 0 &&
			vdev_create(device, afp, n_queues, mp, err, errlen) != 0)
		return -1;
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
	/* Frames up to the MTU in one buffer each: no RX scatter needed. */
	max_mtu = dev_max_mtu(&info);
	if (mtu > max_mtu && !afp) {
		snprintf(err, errlen, "device '%s': mtu %u is above the device's maximum (%u)",
				device, mtu, max_mtu);
		return -1;
	}
	if (dev_configure(*port_id, device, &info, n_queues,
			mtu <= max_mtu ? mtu : 0, mp, err, errlen) != 0)
		return -1;
	/* Not every PMD can change its MTU (af_packet follows the kernel
	 * interface); the configured MTU is still enforced by edgeway. */
	if (mtu <= max_mtu)
		rte_eth_dev_set_mtu(*port_id, mtu);
	else if (afp_kernel_mtu(device, mtu, err, errlen) != 0)
		return -1;
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

uint16_t
ew_port_afp_snap(const char *device, struct rte_mempool *mp)
{
	const char *fs = strstr(device, "framesz=");
	unsigned long f;

	if (strncmp(device, "net_af_packet", 13) != 0)
		return 0;
	f = fs != NULL ? strtoul(fs + 8, NULL, 10) : afp_framesz(mp);
	if (f == 0)
		f = EW_AFP_FRAMESZ_DEFAULT;
	/* the kernel puts the Ethernet header this far into a frame */
	if (f <= EW_AFP_MAC_OFF || f - EW_AFP_MAC_OFF > UINT16_MAX)
		return 0;
	return (uint16_t)(f - EW_AFP_MAC_OFF);
}

void
ew_port_afp_copy_big(const int *fds, unsigned int n)
{
	int one = 1, rcvbuf = EW_AFP_RCVBUF;
	unsigned int i;

	for (i = 0; i < n; i++) {
		setsockopt(fds[i], SOL_PACKET, PACKET_COPY_THRESH, &one,
				sizeof(one));
		/* room for some big datagrams between two reads (1 ms) */
		if (setsockopt(fds[i], SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				sizeof(rcvbuf)) != 0)
			setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf,
					sizeof(rcvbuf));
	}
}

unsigned int
ew_port_afp_sockets(const char *device, int *fds, unsigned int max)
{
	char name[IF_NAMESIZE];
	unsigned int ifindex, n = 0;
	struct dirent *de;
	DIR *dir;

	if (afp_iface(device, name, sizeof(name)) != 0)
		return 0;
	ifindex = if_nametoindex(name);
	if (ifindex == 0)
		return 0;
	dir = opendir("/proc/self/fd");
	if (dir == NULL)
		return 0;
	while (n < max && (de = readdir(dir)) != NULL) {
		struct sockaddr_ll sll;
		socklen_t len = sizeof(int);
		int fd, dom;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(dir) ||
				getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) != 0 ||
				dom != AF_PACKET)
			continue;
		len = sizeof(sll);
		if (getsockname(fd, (struct sockaddr *)&sll, &len) == 0 &&
				(unsigned int)sll.sll_ifindex == ifindex)
			fds[n++] = fd;
	}
	closedir(dir);
	return n;
}

uint64_t
ew_port_afp_drops(const int *fds, unsigned int n)
{
	uint64_t drops = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		if (getsockopt(fds[i], SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			drops += st.tp_drops;
	}
	return drops;
}
