/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors from the slow path (issue 12, items 3 and 9): an error
 * quotes as much of the offending packet as fits in 576 bytes (RFC 1812
 * 4.3.2.3), and "fragmentation needed" for a packet out of a tunnel that
 * the LAN's MTU cannot take goes back into that tunnel, from the overlay
 * address, carrying the LAN's MTU. Errors are punted as the worker punts
 * them and read back from what the slow path queued for worker 0.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control/slowpath/slowpath.h"
#include "fastpath/worker.h"
#include "tests/common/eal.h"
#include "tests/common/frames.h"
#include "tests/common/slowpath_env.h"

/* lan0 at MTU 1400 behind a 1500-byte WAN (overlay MTU 1450). */
static const char cfg_text[] =
	"node: { name: ic }\n"
	"interfaces:\n"
	"  - { name: lan0, role: lan, device: net_null0, address: 10.1.0.1/24, mtu: 1400 }\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254 }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n"
	"    tunnels: [{ name: to-b, wan: inet, remote: 198.51.100.2, peer: 169.254.100.2 }]\n"
	"    routes: [{ prefix: 10.2.0.0/16, via: to-b }]\n";

#define LAN_IP		0x0a010001u	/* 10.1.0.1 */
#define LAN_HOST	0x0a01000au	/* 10.1.0.10 */
#define FAR_HOST	0x0a02000au	/* 10.2.0.10 */
#define WAN_IP		0xc6336401u	/* 198.51.100.1 */
#define REMOTE		0xc6336402u	/* 198.51.100.2 */
#define OV_IP		0xa9fe6401u	/* 169.254.100.1 */
#define OV_PEER		0xa9fe6402u	/* 169.254.100.2 */
#define VXLAN_HDRS	(RTE_ETHER_HDR_LEN + 20 + 8 + 8 + RTE_ETHER_HDR_LEN)

static const struct rte_ether_addr macs[2] = {
	{ { 0x02, 0xee, 0, 0, 0, 0 } }, { { 0x02, 0xee, 0, 0, 0, 1 } } };
static const struct rte_ether_addr mac_host = { { 0x02, 0x11, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_remote = { { 0x02, 0x99, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr mac_peer = { { 0x02, 0x77, 0, 0, 0, 0x02 } };

static struct rte_mempool *mp;
static struct ew_dp dp;
static struct ew_sp *sp;

static void
meta(struct rte_mbuf *m, uint8_t reason, unsigned int ifx, uint16_t slot,
		uint16_t arg, uint32_t nh)
{
	memset(ew_meta(m), 0, sizeof(struct ew_meta));
	ew_meta(m)->reason = reason;
	ew_meta(m)->ifx = (uint8_t)ifx;
	ew_meta(m)->tun_slot = slot;
	ew_meta(m)->arg = arg;
	ew_meta(m)->nh = nh;
}

/* IPv4 (data at IP) SRC -> DST, TOT bytes long, DF set, UDP 1 -> 2 with
 * a payload counting up, so that every quoted byte can be compared. */
static struct rte_mbuf *
ip4(uint32_t src, uint32_t dst, uint16_t tot)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr *ip;
	uint8_t *p;
	unsigned int i;

	assert_non_null(m);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, tot);
	assert_non_null(ip);
	memset(ip, 0, tot);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 63;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	p = (uint8_t *)(ip + 1);
	for (i = 0; i < tot - 20u; i++)
		p[i] = (uint8_t)i;
	p[1] = 1;
	p[3] = 2;
	return m;
}

/* Take the one frame queued for port IFX (NULL if none). */
static struct rte_mbuf *
take(unsigned int ifx)
{
	struct rte_mbuf *out[8];
	unsigned int n = rte_ring_dequeue_burst(dp.ctl_tx[ifx], (void **)out, 8,
			NULL);

	if (n == 0)
		return NULL;
	assert_int_equal(n, 1);
	return out[0];
}

static void
drain(void)
{
	struct rte_mbuf *out[64];
	unsigned int i, n;

	for (i = 0; i < 2; i++)
		while ((n = rte_ring_dequeue_burst(dp.ctl_tx[i], (void **)out,
				64, NULL)) > 0)
			rte_pktmbuf_free_bulk(out, n);
}

static int
setup(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	memset(&dp, 0, sizeof(dp));
	dp.mp = mp;
	sp = ew_test_slowpath_start(&dp, "ic.yaml", cfg_text, sizeof(cfg_text) - 1,
			macs);
	if (sp == NULL)
		return -1;
	ew_sp_tick(sp, ew_now_ms());
	/* the LAN host, the tunnel's remote and the overlay peer ask for us */
	m = ew_test_arp_frame(mp, RTE_ARP_OP_REQUEST, &mac_host, LAN_HOST, LAN_IP);
	meta(m, EW_PUNT_ARP, 0, EW_TUN_NONE, 0, 0);
	ew_sp_handle(sp, m);
	m = ew_test_arp_frame(mp, RTE_ARP_OP_REQUEST, &mac_remote, REMOTE, WAN_IP);
	meta(m, EW_PUNT_ARP, 1, EW_TUN_NONE, 0, 0);
	ew_sp_handle(sp, m);
	m = ew_test_arp_frame(mp, RTE_ARP_OP_REQUEST, &mac_peer, OV_PEER, OV_IP);
	meta(m, EW_PUNT_OV_ARP, 1, dp.tables->tun[0].slot, 0, 0);
	ew_sp_handle(sp, m);
	drain();
	return 0;
}

static int
teardown(void **state)
{
	struct ew_tables *t = dp.tables;

	(void)state;
	drain();
	ew_sp_free(sp);
	ew_dp_fini(&dp);
	ew_tables_free(t);
	return 0;
}

/* Check error frame M (from port IFX's queue, HDRS bytes before the
 * error's IP header) against ORIG: from SRC, to ORIG's source, TYPE/CODE
 * (and MTU for frag needed), quoting the first QUOTE bytes of ORIG. */
static void
check_error(struct rte_mbuf *m, unsigned int hdrs, const struct rte_mbuf *orig,
		uint32_t src, uint8_t type, uint8_t code, uint16_t mtu,
		unsigned int quote)
{
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod(orig,
			const struct rte_ipv4_hdr *);
	const struct rte_ipv4_hdr *ip;
	const struct rte_icmp_hdr *ic;

	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_data_len(m), hdrs + 20 + 8 + quote);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, hdrs);
	ic = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 8 + quote);
	assert_int_equal(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), src);
	assert_int_equal(ip->dst_addr, oip->src_addr);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(ic->icmp_type, type);
	assert_int_equal(ic->icmp_code, code);
	assert_int_equal(rte_be_to_cpu_16(ic->icmp_seq_nb), mtu);
	assert_int_equal(rte_raw_cksum(ic, 8 + quote), 0xffff);
	assert_memory_equal(ic + 1, oip, quote);
}

/* Frag needed for a 1450-byte packet out of the tunnel that the 1400-byte
 * LAN cannot take: back into the tunnel, from the overlay address, MTU
 * 1400, quoting 548 bytes (576 in all), as Linux does. */
static void
t_frag_needed_into_tunnel(void **state)
{
	struct rte_mbuf *m = ip4(FAR_HOST, LAN_HOST, 1450), *orig;

	(void)state;
	orig = rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);
	assert_non_null(orig);
	meta(m, EW_PUNT_ICMP_ERR, 1, dp.tables->tun[0].slot, 3 << 8 | 4, 1400);
	ew_sp_handle(sp, m);
	assert_null(take(0));
	m = take(1);
	check_error(m, VXLAN_HDRS, orig, OV_IP, 3, 4, 1400, 576 - 28);
	/* inside VXLAN towards the tunnel's remote and the overlay peer */
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
			struct rte_ether_hdr *)->dst_addr, &mac_remote));
	assert_true(rte_is_same_ether_addr(rte_pktmbuf_mtod_offset(m,
			struct rte_ether_addr *, VXLAN_HDRS - RTE_ETHER_HDR_LEN),
			&mac_peer));
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(orig);
}

/* Time exceeded for LAN packets: a small one is quoted whole, a big one
 * up to 576 bytes in all, from the LAN address, out of the LAN. */
static void
t_quote_lengths(void **state)
{
	static const uint16_t lens[] = { 28, 100, 576 - 28, 576 - 27, 1400 };
	struct rte_mbuf *m, *orig;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(lens); i++) {
		m = ip4(LAN_HOST, FAR_HOST, lens[i]);
		orig = rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);
		assert_non_null(orig);
		meta(m, EW_PUNT_ICMP_ERR, 0, EW_TUN_NONE, 11 << 8, 0);
		ew_sp_tick(sp, ew_now_ms() + 1000 * (i + 1)); /* rate limit */
		ew_sp_handle(sp, m);
		m = take(0);
		printf("%u-byte packet: time exceeded of %u bytes\n", lens[i],
				m != NULL ? rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN : 0);
		check_error(m, RTE_ETHER_HDR_LEN, orig, LAN_IP, 11, 0, 0,
				RTE_MIN(lens[i], 576u - 28));
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(orig);
	}
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "512", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level", "*:error", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_frag_needed_into_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(t_quote_lengths, setup, teardown),
	};
	int rc;

	(void)argc;
	if (ew_test_eal_init("ewicmp", eal) < 0)
		return 1;
	if (ew_meta_register() != 0)
		return 1;
	mp = rte_pktmbuf_pool_create("ic", 1024, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(mp);
	ew_test_eal_cleanup();
	return rc;
}
