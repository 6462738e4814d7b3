/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet path without ports: header checks, LPM, encapsulation templates,
 * and whole worker round trips (LAN -> VXLAN/GRE at site A, decap -> LAN
 * at site B) on mbufs from a --no-huge mempool.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "config/config.h"
#include "fastpath/encap.h"
#include "fastpath/neigh.h"
#include "fastpath/pkt.h"
#include "fastpath/pmtu.h"
#include "fastpath/port.h"
#include "fastpath/reasm.h"
#include "fastpath/worker.h"
#include "tests/common/eal.h"
#include "tests/common/fixtures.h"

static struct rte_mempool *mp;

/* Site A: lan0 (ifx 0), inet (ifx 1, VXLAN gold, remote on-link), lte
 * (ifx 2, GRE silver, remote behind the gateway). */
static const char cfg_a[] =
	"node: { name: a }\n"
	EW_TEST_SITE_A
	"classes:\n"
	"  - { name: gre-udp, match: [{ proto: udp, dst_port: 5000-5100 }], overlays: [silver], dscp: 46 }\n"
	"  - { name: sigtran, match: [{ proto: 132, dst_port: 2905 }], overlays: [silver] }\n"
	"  - { name: default, overlays: [gold, silver] }\n";

/* Site B: the mirror image. */
static const char cfg_b[] =
	"node: { name: b }\n"
	"interfaces:\n"
	"  - { name: lan0, role: lan, device: net_null0, address: 10.2.0.1/24 }\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.2/24, gateway: 198.51.100.254 }\n"
	"  - { name: lte, role: wan, device: net_null2, address: 203.0.113.129/25, gateway: 203.0.113.254 }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.2/24\n"
	"    tunnels: [{ name: to-a, wan: inet, remote: 198.51.100.1, peer: 169.254.100.1 }]\n"
	"    routes: [{ prefix: 10.1.0.0/16, via: to-a }]\n"
	"  - name: silver\n    id: 200\n    encap: gre\n    address: 169.254.200.2/24\n"
	"    tunnels: [{ name: to-a, wan: lte, remote: 203.0.113.1, peer: 169.254.200.1 }]\n"
	"    routes: [{ prefix: 10.1.0.0/16, via: to-a }]\n";

static const struct rte_ether_addr mac_a[3] = {
	{ { 0x02, 0xa0, 0, 0, 0, 0 } }, { { 0x02, 0xa0, 0, 0, 0, 1 } },
	{ { 0x02, 0xa0, 0, 0, 0, 2 } } };
static const struct rte_ether_addr mac_b[3] = {
	{ { 0x02, 0xb0, 0, 0, 0, 0 } }, { { 0x02, 0xb0, 0, 0, 0, 1 } },
	{ { 0x02, 0xb0, 0, 0, 0, 2 } } };
static const struct rte_ether_addr mac_gw = { { 0x02, 0x99, 0, 0, 0, 0xfe } };
static const struct rte_ether_addr mac_host_a = { { 0x02, 0x11, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_host_b = { { 0x02, 0x22, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_lanrtr = { { 0x02, 0x11, 0, 0, 0, 0xfe } };

struct site {
	struct ew_dp dp;
	struct ew_tables *t;
	struct ew_worker w;
	struct ew_lcore_stats *st;
};

static struct site A, B;
static unsigned int hash_seq;

static void
site_init(struct site *s, const char *text, const struct rte_ether_addr *macs)
{
	static const uint16_t ports[3] = { 0, 1, 2 };
	struct ew_config *cfg;
	struct ew_diag d;
	char err[128], name[32];

	memset(s, 0, sizeof(*s));
	cfg = ew_config_load_string("t.yaml", text, strlen(text), &d);
	if (cfg == NULL)
		ew_diag_print(&d, stderr);
	assert_non_null(cfg);
	s->t = ew_tables_build(cfg, macs, ports, NULL, NULL, err, sizeof(err));
	assert_non_null(s->t);
	snprintf(name, sizeof(name), "neigh%u", hash_seq++);
	s->dp.neigh = ew_neigh_create(name, NULL);
	assert_non_null(s->dp.neigh);
	s->dp.mp = mp;
	s->dp.tables = s->t;
	s->st = rte_zmalloc("st", sizeof(*s->st), 64);
	assert_non_null(s->st);
	ew_worker_init(&s->w, &s->dp, 0, s->st);
}

static void
site_fini(struct site *s)
{
	unsigned int i;

	ew_reasm_fini(&s->w);
	for (i = 0; i < EW_MAX_IFACES; i++)
		rte_pktmbuf_free_bulk(s->w.tx[i].m, s->w.tx[i].n);
	rte_pktmbuf_free_bulk(s->w.punt, s->w.n_punt);
	rte_hash_free(s->dp.neigh);
	rte_free(s->st);
	ew_tables_free(s->t);
}

static int
setup(void **state)
{
	site_init(&A, cfg_a, mac_a);
	site_init(&B, cfg_b, mac_b);
	/* everything resolved: gateways, overlay peers, hosts */
	ew_neigh_set(A.dp.neigh, 1, 0xc6336402, &mac_b[1]);	/* on-link remote */
	ew_neigh_set(A.dp.neigh, 2, 0xcb00717e, &mac_gw);	/* lte gateway */
	ew_neigh_set(A.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &mac_b[1]);
	ew_neigh_set(A.dp.neigh, 0, 0x0a0100fe, &mac_lanrtr);
	ew_neigh_set(B.dp.neigh, 1, 0xc6336401, &mac_a[1]);
	ew_neigh_set(B.dp.neigh, 2, 0xcb0071fe, &mac_gw);
	ew_neigh_set(B.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6401, &mac_a[1]);
	ew_neigh_set(B.dp.neigh, 0, 0x0a02000a, &mac_host_b);
	return 0;
}

static int
teardown(void **state)
{
	site_fini(&A);
	site_fini(&B);
	return 0;
}

/* An Ethernet/IPv4/L4 frame from host A (10.1.0.10) to DST. */
static struct rte_mbuf *
frame(uint32_t dst, uint8_t proto, uint16_t sport, uint16_t dport,
		uint16_t payload, uint8_t ttl, bool df, const struct rte_ether_addr *to)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint16_t l4 = proto == IPPROTO_TCP ? 24 : 8;
	uint16_t tot = (uint16_t)(20 + l4 + payload);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	uint8_t *p;

	assert_non_null(m);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(14 + tot));
	assert_non_null(eth);
	memset(eth, 0, 14u + tot);
	eth->dst_addr = *to;
	eth->src_addr = mac_host_a;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->fragment_offset = df ? rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(0x0a01000a);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	p = (uint8_t *)(ip + 1);
	p[0] = (uint8_t)(sport >> 8);
	p[1] = (uint8_t)sport;
	p[2] = (uint8_t)(dport >> 8);
	p[3] = (uint8_t)dport;
	if (proto == IPPROTO_UDP) {
		p[4] = (uint8_t)((8 + payload) >> 8);
		p[5] = (uint8_t)(8 + payload);
	} else if (proto == IPPROTO_TCP) {
		p[12] = 6 << 4;		/* 24-byte header */
		p[13] = 0x02;		/* SYN */
		p[20] = 2;		/* MSS option */
		p[21] = 4;
		p[22] = 1460 >> 8;
		p[23] = 1460 & 0xff;
	}
	memset(p + l4, 0xab, payload);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		uint16_t ck = rte_ipv4_udptcp_cksum(ip, p);

		if (proto == IPPROTO_TCP)
			memcpy(p + 16, &ck, 2);
		else
			memcpy(p + 6, &ck, 2);
	}
	return m;
}

/* Run one packet through SITE's worker arriving on IFX. */
static void
rx1(struct site *s, unsigned int ifx, struct rte_mbuf *m)
{
	ew_worker_rx(&s->w, s->t, ifx, &m, 1);
}

/* Take the single packet buffered for IFX (fails if not exactly one). */
static struct rte_mbuf *
take_tx(struct site *s, unsigned int ifx)
{
	assert_int_equal(s->w.tx[ifx].n, 1);
	s->w.tx[ifx].n = 0;
	return s->w.tx[ifx].m[0];
}

static struct rte_mbuf *
take_punt(struct site *s, uint8_t reason)
{
	struct rte_mbuf *m;

	assert_int_equal(s->w.n_punt, 1);
	m = s->w.punt[0];
	s->w.n_punt = 0;
	assert_int_equal(ew_meta(m)->reason, reason);
	return m;
}

static void
assert_nothing_out(struct site *s)
{
	unsigned int i;

	for (i = 0; i < s->t->n_ports; i++)
		assert_int_equal(s->w.tx[i].n, 0);
	assert_int_equal(s->w.n_punt, 0);
}

/* ---- tests ---- */

static void
t_ipv4_check(void **state)
{
	uint8_t b[64] = { 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 17 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

	ip->hdr_checksum = rte_ipv4_cksum(ip);
	assert_int_equal(ew_ipv4_check(ip, 40), -1);
	assert_int_equal(ew_ipv4_check(ip, 19), EW_DROP_RUNT);
	assert_int_equal(ew_ipv4_check(ip, 39), EW_DROP_IP_LENGTH);
	b[10] ^= 1;
	assert_int_equal(ew_ipv4_check(ip, 40), EW_DROP_IP_CHECKSUM);
	b[10] ^= 1;
	b[0] = 0x44;
	assert_int_equal(ew_ipv4_check(ip, 40), EW_DROP_IP_IHL);
	b[0] = 0x65;
	assert_int_equal(ew_ipv4_check(ip, 40), EW_DROP_IP_VERSION);
	b[0] = 0x4f;		/* IHL 60 > total length 40 */
	assert_int_equal(ew_ipv4_check(ip, 64), EW_DROP_IP_LENGTH);
}

static void
t_ttl_dec(void **state)
{
	uint8_t b[20] = { 0x45, 0, 0, 20, 0xab, 0xcd, 0, 0, 1, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;
	unsigned int ttl;

	/* every TTL, including the checksum wrap-around cases */
	for (ttl = 255; ttl >= 1; ttl--) {
		ip->time_to_live = (uint8_t)ttl;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		ew_ip_ttl_dec(ip);
		assert_int_equal(ip->time_to_live, ttl - 1);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	}
}

static void
t_lpm(void **state)
{
	struct ew_lpm l;
	uint32_t addr[] = { 0x0a000000, 0x0a010000, 0x0a010100, 0 };
	uint8_t len[] = { 8, 16, 24, 0 };
	uint32_t val[] = { 1, 2, 3, 4 }, v;

	assert_int_equal(ew_lpm_build(&l, addr, len, val, 4), 0);
	assert_int_equal(ew_lpm_lookup(&l, 0x0a010105, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(ew_lpm_lookup(&l, 0x0a010205, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(ew_lpm_lookup(&l, 0x0a020205, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ew_lpm_lookup(&l, 0x0b000001, &v), 0);
	assert_int_equal(v, 4);
	ew_lpm_free(&l);
	assert_int_equal(ew_lpm_build(&l, addr, len, val, 3), 0);
	assert_int_equal(ew_lpm_lookup(&l, 0x0b000001, &v), -1);
	ew_lpm_free(&l);
	addr[1] = 0x0a000000;
	len[1] = 8;
	assert_int_equal(ew_lpm_build(&l, addr, len, val, 2), -1);	/* duplicate */
}

/* The header sum against DPDK's, on random headers with options. */
static void
t_hdr_sum(void **state)
{
	uint8_t b[60];
	uint32_t seed = 7, i, k, ihl;

	for (i = 0; i < 20000; i++) {
		for (k = 0; k < sizeof(b); k++) {
			seed = seed * 1103515245 + 12345;
			b[k] = (uint8_t)(seed >> 16);
			if (i % 7 == 0)
				b[k] |= 0xf0;	/* many carries */
		}
		ihl = 20 + 4 * (i % 11);
		assert_int_equal(ew_ipv4_hdr_sum((const struct rte_ipv4_hdr *)b, ihl),
				rte_raw_cksum(b, ihl));
	}
}

/* Random tables against a brute-force longest match. */
static void
t_lpm_random(void **state)
{
	enum { N = 3000 };
	static uint32_t addr[N], val[N];
	static uint8_t len[N];
	struct ew_lpm l;
	uint32_t seed = 12345, n, i, q;
	int round;

	for (round = 0; round < 20; round++) {
		n = 0;
		while (n < (round < 10 ? (uint32_t)round * 3 + 1 : N)) {
			uint8_t pl;
			uint32_t a, k;

			seed = seed * 1103515245 + 12345;
			pl = (uint8_t)((seed >> 8) % 33);
			seed = seed * 1103515245 + 12345;
			/* cluster in 10/8 so prefixes nest */
			a = (0x0a000000 | (seed & 0x00ffffff)) & ew_prefix_mask(pl);
			for (k = 0; k < n; k++)
				if (addr[k] == a && len[k] == pl)
					break;
			if (k < n)
				continue;
			addr[n] = a;
			len[n] = pl;
			val[n] = n;
			n++;
		}
		assert_int_equal(ew_lpm_build(&l, addr, len, val, n), 0);
		for (q = 0; q < (round < 10 ? 2000u : 300u); q++) {
			uint32_t ip, v = UINT32_MAX, best = UINT32_MAX;
			int bl = -1;

			seed = seed * 1103515245 + 12345;
			ip = (seed & 1) ? (0x0a000000 | (seed >> 8)) : seed;
			for (i = 0; i < n; i++)
				if ((ip & ew_prefix_mask(len[i])) == addr[i] &&
						(int)len[i] > bl) {
					bl = len[i];
					best = val[i];
				}
			if (bl < 0) {
				assert_int_equal(ew_lpm_lookup(&l, ip, &v), -1);
			} else {
				assert_int_equal(ew_lpm_lookup(&l, ip, &v), 0);
				assert_int_equal(v, best);
			}
		}
		ew_lpm_free(&l);
	}
}

static void
t_tables(void **state)
{
	uint32_t v;

	assert_int_equal(A.t->n_tunnels, 2);
	/* local addresses and LAN routes; near is a superset, by /8 */
	assert_true(ew_tables_is_local(A.t, 0x0a010001));	/* lan0 */
	assert_true(ew_tables_is_local(A.t, 0xa9fec801));	/* silver */
	assert_false(ew_tables_is_local(A.t, 0x0a010002));
	assert_true(ew_tables_near(A.t, 0x0a010001));
	assert_true(ew_tables_near(A.t, 0xc6336401));	/* inet */
	assert_true(ew_tables_near(A.t, 0xa9fe6401));	/* gold */
	assert_true(ew_tables_near(A.t, 0x0a7f0000));	/* same /8 as lan0 */
	assert_false(ew_tables_near(A.t, 0xac100001));	/* 172.16.0.1 */
	assert_false(ew_tables_near(A.t, 0x0b000001));
	assert_int_equal(A.t->tun[0].nh, 0xc6336402);	/* on-link: direct */
	assert_int_equal(A.t->tun[1].nh, 0xcb00717e);	/* off-link: gateway */
	assert_int_equal(ew_tunnel_find(A.t, 1, EW_ENCAP_VXLAN, 100, 0xc6336402), 0);
	assert_int_equal(ew_tunnel_find(A.t, 2, EW_ENCAP_GRE, 200, 0xcb007181), 1);
	assert_int_equal(ew_tunnel_find(A.t, 1, EW_ENCAP_GRE, 100, 0xc6336402), -1);
	assert_int_equal(ew_tunnel_find(A.t, 1, EW_ENCAP_VXLAN, 100, 0xc6336403), -1);
	/* only on the tunnel's own WAN */
	assert_int_equal(ew_tunnel_find(A.t, 2, EW_ENCAP_VXLAN, 100, 0xc6336402), -1);
	assert_true(ew_tunnel_other_wan(A.t, 2, EW_ENCAP_VXLAN, 100, 0xc6336402));
	assert_false(ew_tunnel_other_wan(A.t, 2, EW_ENCAP_VXLAN, 101, 0xc6336402));
	/* connected /32 to each tunnel's peer */
	assert_int_equal(ew_lpm_lookup(&A.t->ov[0].fib, 0xa9fe6402, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ew_lpm_lookup(&A.t->ov[0].fib, 0xa9fe6403, &v), -1);
	assert_true(ew_tables_is_local(A.t, 0xa9fe6401));
	assert_true(ew_tables_is_local(A.t, 0xcb007101));
	assert_false(ew_tables_is_local(A.t, 0x0a01000a));
	/* classes: UDP 5000-5100 -> gre-udp, the rest -> default */
	assert_string_equal(ew_classify(A.t, 0, 17, 1, 2, 40000, 5001, 0)->name, "gre-udp");
	assert_string_equal(ew_classify(A.t, 0, 17, 1, 2, 40000, 5101, 0)->name, "default");
	assert_string_equal(ew_classify(A.t, 0, 6, 1, 2, 40000, 5001, 0)->name, "default");
}

static void
check_outer_ip(const struct rte_ipv4_hdr *ip, uint8_t proto, uint32_t src,
		uint32_t dst, uint16_t len)
{
	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(ip->next_proto_id, proto);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), src);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), dst);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), len);
	assert_int_equal(ip->time_to_live, 64);
	assert_int_equal(rte_be_to_cpu_16(ip->fragment_offset), RTE_IPV4_HDR_DF_FLAG);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
}

static void
t_vxlan_round_trip(void **state)
{
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_UDP, 40000, 9000, 100, 64,
			true, &mac_a[0]);
	uint8_t inner[200];
	const uint8_t *h;
	const struct rte_ether_hdr *eth, *ieth;
	const struct rte_ipv4_hdr *ip, *iip;
	const struct rte_udp_hdr *udp;
	uint16_t sport;

	memcpy(inner, rte_pktmbuf_mtod_offset(m, void *, 14), 128);
	rx1(&A, 0, m);
	m = take_tx(&A, 1);
	assert_nothing_out(&A);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 50 + 14 + 128);
	h = rte_pktmbuf_mtod(m, const uint8_t *);
	eth = (const struct rte_ether_hdr *)h;
	assert_memory_equal(&eth->dst_addr, &mac_b[1], 6);
	assert_memory_equal(&eth->src_addr, &mac_a[1], 6);
	assert_int_equal(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	check_outer_ip(ip, IPPROTO_UDP, 0xc6336401, 0xc6336402, 20 + 8 + 8 + 14 + 128);
	assert_int_equal(ip->type_of_service, 0);		/* default class: none */
	udp = (const struct rte_udp_hdr *)(ip + 1);
	assert_int_equal(rte_be_to_cpu_16(udp->dst_port), 4789);
	sport = rte_be_to_cpu_16(udp->src_port);
	assert_true(sport >= 49152);
	assert_int_equal(rte_be_to_cpu_16(udp->dgram_len), 8 + 8 + 14 + 128);
	assert_int_equal(udp->dgram_cksum, 0);
	assert_int_equal(h[42], 0x08);			/* I flag */
	assert_int_equal(h[43] | h[44] | h[45] | h[49], 0);
	assert_int_equal(h[46] << 16 | h[47] << 8 | h[48], 100);
	ieth = (const struct rte_ether_hdr *)(h + 50);
	assert_memory_equal(&ieth->dst_addr, &mac_b[1], 6);	/* peer's MAC */
	assert_memory_equal(&ieth->src_addr, &mac_a[1], 6);
	iip = (const struct rte_ipv4_hdr *)(ieth + 1);
	assert_int_equal(iip->time_to_live, 63);
	assert_int_equal(rte_raw_cksum(iip, 20), 0xffff);
	assert_memory_equal((const uint8_t *)iip + 20, inner + 20, 108);
	assert_int_equal(A.st->tunnel[0].tx_packets, 1);

	/* the same flow hashes to the same source port */
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 40000, 9000, 10, 64, true, &mac_a[0]));
	{
		struct rte_mbuf *m2 = take_tx(&A, 1);

		assert_int_equal(rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(m2,
				struct rte_udp_hdr *, 34)->src_port), sport);
		rte_pktmbuf_free(m2);
	}

	/* B: as it arrives from the underlay (gateway's MAC -> B's inet) */
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	((struct rte_ether_hdr *)eth)->dst_addr = mac_b[1];
	((struct rte_ether_hdr *)eth)->src_addr = mac_gw;
	rx1(&B, 1, m);
	m = take_tx(&B, 0);
	assert_nothing_out(&B);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 128);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, &mac_host_b, 6);
	assert_memory_equal(&eth->src_addr, &mac_b[0], 6);
	iip = (const struct rte_ipv4_hdr *)(eth + 1);
	assert_int_equal(iip->time_to_live, 62);
	assert_int_equal(rte_raw_cksum(iip, 20), 0xffff);
	assert_memory_equal((const uint8_t *)iip + 20, inner + 20, 108);
	assert_int_equal(B.st->tunnel[0].rx_packets, 1);
	rte_pktmbuf_free(m);
}

static void
t_gre_round_trip(void **state)
{
	/* UDP 5050 is class gre-udp -> overlay silver (GRE over lte) */
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_UDP, 40000, 5050, 64, 64,
			false, &mac_a[0]);
	const uint8_t *h, *g;
	const struct rte_ipv4_hdr *ip, *iip;
	struct rte_ether_hdr *eth;

	rx1(&A, 0, m);
	m = take_tx(&A, 2);
	assert_nothing_out(&A);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 20 + 8 + 20 + 8 + 64);
	h = rte_pktmbuf_mtod(m, const uint8_t *);
	ip = (const struct rte_ipv4_hdr *)(h + 14);
	check_outer_ip(ip, IPPROTO_GRE, 0xcb007101, 0xcb007181, 20 + 8 + 92);
	assert_int_equal(ip->type_of_service, 46 << 2);	/* the class's outer DSCP */
	assert_memory_equal(h, &mac_gw, 6);		/* via the lte gateway */
	g = h + 34;
	assert_int_equal(g[0], 0x20);			/* K only */
	assert_int_equal(g[1], 0);			/* version 0 */
	assert_int_equal(g[2] << 8 | g[3], 0x0800);
	assert_int_equal(g[4] << 24 | g[5] << 16 | g[6] << 8 | g[7], 200);
	iip = (const struct rte_ipv4_hdr *)(g + 8);
	assert_int_equal(rte_be_to_cpu_32(iip->dst_addr), 0x0a02000a);

	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eth->dst_addr = mac_b[2];
	rx1(&B, 2, m);
	m = take_tx(&B, 0);
	assert_nothing_out(&B);
	iip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_be_to_cpu_32(iip->src_addr), 0x0a01000a);
	assert_int_equal(iip->time_to_live, 62);
	assert_int_equal(B.st->tunnel[1].rx_packets, 1);
	rte_pktmbuf_free(m);
}

/* Validation accepts ports for SCTP (proto 132), so the data path must
 * read them: SCTP to port 2905 is class sigtran (silver, GRE over lte),
 * to another port the default class (gold, VXLAN over inet). */
static void
t_sctp_ports(void **state)
{
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_SCTP, 2905, 2905, 40, 64, false,
			&mac_a[0]));
	rte_pktmbuf_free(take_tx(&A, 2));
	assert_nothing_out(&A);
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_SCTP, 2905, 2906, 40, 64, false,
			&mac_a[0]));
	rte_pktmbuf_free(take_tx(&A, 1));
	assert_nothing_out(&A);
	assert_string_equal(ew_classify(A.t, 0, 132, 1, 2, 1, 2905, 0)->name, "sigtran");
}

/* A packet as B would send it to A, then altered by FN. */
static struct rte_mbuf *
from_b(void (*fn)(uint8_t *h))
{
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 64, true,
			&mac_a[0]);

	rx1(&A, 0, m);
	m = take_tx(&A, 1);
	/* turn A's outgoing packet into one arriving at A from B */
	{
		uint8_t *h = rte_pktmbuf_mtod(m, uint8_t *);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(h + 14);
		uint32_t t = ip->src_addr;

		memcpy(h, &mac_a[1], 6);
		ip->src_addr = ip->dst_addr;
		ip->dst_addr = t;
		memcpy(h + 50, &mac_a[1], 6);	/* inner dst: A's MAC */
		if (fn != NULL)
			fn(h);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return m;
}

static void
spoof_src(uint8_t *h)
{
	h[14 + 12 + 3] = 99;		/* outer source 198.51.100.99 */
}

static void
bad_vni(uint8_t *h)
{
	h[48] = 101;
}

static void
no_iflag(uint8_t *h)
{
	h[42] = 0;
}

static void
first_frag(uint8_t *h)
{
	h[14 + 6] = 0x20;		/* outer MF */
}

static void
later_frag(uint8_t *h)
{
	h[14 + 6] = 0x00;
	h[14 + 7] = 0x10;		/* outer offset 128 bytes */
}

static void
to_inner_a(uint8_t *h)
{
	/* inner destination: back to A's own LAN host, from B's LAN */
	struct rte_ipv4_hdr *iip = (struct rte_ipv4_hdr *)(h + 64);

	iip->src_addr = rte_cpu_to_be_32(0x0a02000a);
	iip->dst_addr = rte_cpu_to_be_32(0x0a01000a);
	iip->hdr_checksum = 0;
	iip->hdr_checksum = rte_ipv4_cksum(iip);
}

static void
t_decap_validation(void **state)
{
	uint64_t before;

	before = A.st->drop[EW_DROP_TUNNEL_UNKNOWN];
	rx1(&A, 1, from_b(spoof_src));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_TUNNEL_UNKNOWN], before + 1);
	rx1(&A, 1, from_b(bad_vni));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_TUNNEL_UNKNOWN], before + 2);
	before = A.st->drop[EW_DROP_VXLAN_FLAGS];
	rx1(&A, 1, from_b(no_iflag));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_VXLAN_FLAGS], before + 1);
	/* outer fragments of tunnel traffic: dropped, never reassembled */
	before = A.st->drop[EW_DROP_OUTER_FRAG];
	rx1(&A, 1, from_b(first_frag));
	rx1(&A, 1, from_b(later_frag));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_OUTER_FRAG], before + 2);
	/* the real peer, to a LAN host A has not resolved: punted for ARP */
	rx1(&A, 1, from_b(to_inner_a));
	rte_pktmbuf_free(take_punt(&A, EW_PUNT_NH_PORT));
	assert_nothing_out(&A);
	/* once resolved: forwarded to the host */
	ew_neigh_set(A.dp.neigh, 0, 0x0a01000a, &mac_host_a);
	rx1(&A, 1, from_b(to_inner_a));
	rte_pktmbuf_free(take_tx(&A, 0));
	assert_nothing_out(&A);
	ew_neigh_del(A.dp.neigh, 0, 0x0a01000a);
}

static void
to_inner_a_bcast(uint8_t *h)
{
	to_inner_a(h);
	memset(h + 50, 0xff, 6);	/* inner destination MAC: broadcast */
}

static void
to_inner_a_bcast_ttl1(uint8_t *h)
{
	struct rte_ipv4_hdr *iip = (struct rte_ipv4_hdr *)(h + 64);

	to_inner_a_bcast(h);
	iip->time_to_live = 1;
	iip->hdr_checksum = 0;
	iip->hdr_checksum = rte_ipv4_cksum(iip);
}

/* An inner frame to the broadcast MAC with a unicast destination is not
 * routed, and not answered with time exceeded (RFC 1812 5.3.4, 4.3.2.7). */
static void
t_inner_bcast(void **state)
{
	uint64_t before = A.st->drop[EW_DROP_INNER_L2_BCAST];

	ew_neigh_set(A.dp.neigh, 0, 0x0a01000a, &mac_host_a);
	rx1(&A, 1, from_b(to_inner_a_bcast));
	rx1(&A, 1, from_b(to_inner_a_bcast_ttl1));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_INNER_L2_BCAST], before + 2);
	rx1(&A, 1, from_b(to_inner_a));		/* the unicast control */
	rte_pktmbuf_free(take_tx(&A, 0));
	ew_neigh_del(A.dp.neigh, 0, 0x0a01000a);
}

static void
t_punts(void **state)
{
	struct rte_mbuf *m;
	uint64_t before;

	/* TTL 1: ICMP time exceeded from the control thread */
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 1, true, &mac_a[0]));
	m = take_punt(&A, EW_PUNT_ICMP_ERR);
	assert_int_equal(ew_meta(m)->arg, 11 << 8);
	rte_pktmbuf_free(m);
	/* to our own LAN address */
	rx1(&A, 0, frame(0x0a010001, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]));
	rte_pktmbuf_free(take_punt(&A, EW_PUNT_LOCAL));
	/* no overlay routes 10.9.0.1: unreachable */
	before = A.st->drop[EW_DROP_NO_ROUTE];
	rx1(&A, 0, frame(0x0a090001, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]));
	m = take_punt(&A, EW_PUNT_ICMP_ERR);
	assert_int_equal(ew_meta(m)->arg, 3 << 8);
	assert_int_equal(A.st->drop[EW_DROP_NO_ROUTE], before + 1);
	rte_pktmbuf_free(m);
	/* over the overlay MTU (1450) with DF: frag needed carrying the MTU */
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 2, 1460, 64, true, &mac_a[0]));
	m = take_punt(&A, EW_PUNT_ICMP_ERR);
	assert_int_equal(ew_meta(m)->arg, 3 << 8 | 4);
	assert_int_equal(ew_meta(m)->nh, 1450);
	rte_pktmbuf_free(m);
	/* same without DF: fragmented by the control thread */
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 2, 1460, 64, false, &mac_a[0]));
	m = take_punt(&A, EW_PUNT_FRAG);
	assert_int_equal(ew_meta(m)->tun_slot, 0);
	rte_pktmbuf_free(m);
	/* not addressed to our MAC */
	before = A.st->drop[EW_DROP_L2_NOT_US];
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_gw));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_L2_NOT_US], before + 1);
	/* overlay peer not resolved: punted to wait for ARP */
	ew_neigh_del(A.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402);
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]));
	rte_pktmbuf_free(take_punt(&A, EW_PUNT_NH_TUN));
	ew_neigh_set(A.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &mac_b[1]);
}

static void
t_arp_punt(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + sizeof(*a));
	memset(eth, 0xff, 6);
	eth->src_addr = mac_host_a;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	memset(a, 0, sizeof(*a));
	rx1(&A, 0, m);
	m = take_punt(&A, EW_PUNT_ARP);
	assert_int_equal(ew_meta(m)->ifx, 0);
	rte_pktmbuf_free(m);
}

static void
t_vlan(void **state)
{
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 64, true,
			&mac_a[0]);
	uint8_t *h;
	uint64_t before;

	/* priority tag (VLAN 0): accepted */
	rte_pktmbuf_prepend(m, 4);
	h = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(h, h + 4, 12);
	h[12] = 0x81;
	h[13] = 0x00;
	h[14] = 0xa0;		/* PCP 5, VID 0 */
	h[15] = 0x00;
	rx1(&A, 0, m);
	rte_pktmbuf_free(take_tx(&A, 1));
	/* VLAN 5: not configured, dropped */
	m = frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]);
	rte_pktmbuf_prepend(m, 4);
	h = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(h, h + 4, 12);
	h[12] = 0x81;
	h[13] = 0x00;
	h[14] = 0x00;
	h[15] = 0x05;
	before = A.st->drop[EW_DROP_VLAN];
	rx1(&A, 0, m);
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_VLAN], before + 1);
}

static void
t_lan_route(void **state)
{
	/* 10.1.200.5 is behind the LAN router 10.1.0.254 (static route) */
	struct rte_mbuf *m = frame(0x0a01c805, IPPROTO_UDP, 1, 2, 10, 64, true,
			&mac_a[0]);
	const struct rte_ether_hdr *eth;

	rx1(&A, 0, m);
	m = take_tx(&A, 0);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_memory_equal(&eth->dst_addr, &mac_lanrtr, 6);
	assert_memory_equal(&eth->src_addr, &mac_a[0], 6);
	assert_int_equal(rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->time_to_live, 63);
	rte_pktmbuf_free(m);
}

/* The outer UDP source port of a UDP frame to 10.2.0.10 (gold, VXLAN)
 * with fragment field FRAG (host order), sent from port SPORT. */
static uint16_t
vxlan_sport(uint16_t frag, uint16_t sport)
{
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_UDP, sport, 5555, 64, 64,
			false, &mac_a[0]);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	const struct rte_udp_hdr *udp;
	uint16_t port;

	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	rx1(&A, 0, m);
	m = take_tx(&A, 1);
	udp = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, 14 + 20);
	port = rte_be_to_cpu_16(udp->src_port);
	rte_pktmbuf_free(m);
	return port;
}

/* All fragments of a datagram (the first has the ports, the others do not)
 * hash alike: one tunnel, one outer source port, so underlay ECMP keeps
 * them in order. Whole datagrams still hash their ports. */
static void
t_frag_hash(void **state)
{
	uint16_t first = vxlan_sport(RTE_IPV4_HDR_MF_FLAG, 40001);
	uint8_t b[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, IPPROTO_UDP, 0, 0,
			10, 1, 0, 10, 10, 2, 0, 10, 0x9c, 0x41, 0x15, 0xb3 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;
	uint32_t h0, h1;

	assert_int_equal(vxlan_sport(RTE_IPV4_HDR_MF_FLAG | 185, 40001), first);
	assert_int_equal(vxlan_sport(370, 40001), first);
	/* the first fragment's bytes at the L4 offset are not ports */
	assert_int_equal(vxlan_sport(RTE_IPV4_HDR_MF_FLAG, 40002), first);
	assert_int_not_equal(vxlan_sport(0, 40001), vxlan_sport(0, 40002));
	assert_int_not_equal(vxlan_sport(RTE_IPV4_HDR_DF_FLAG, 40001),
			vxlan_sport(RTE_IPV4_HDR_DF_FLAG, 40002));

	h0 = ew_flow_hash(ip, sizeof(b));
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	h1 = ew_flow_hash(ip, sizeof(b));
	assert_int_not_equal(h0, h1);
	ip->fragment_offset = rte_cpu_to_be_16(100);
	assert_int_equal(ew_flow_hash(ip, sizeof(b)), h1);
	b[20] = 0x11;	/* other "ports": no matter in a fragment */
	assert_int_equal(ew_flow_hash(ip, sizeof(b)), h1);
}

static void
t_mss_clamp(void **state)
{
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_TCP, 40000, 80, 0, 64, true,
			&mac_a[0]);
	struct rte_ipv4_hdr *iip;
	uint8_t *tcp;

	rx1(&A, 0, m);
	m = take_tx(&A, 1);
	iip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 64);
	tcp = (uint8_t *)(iip + 1);
	assert_int_equal(tcp[22] << 8 | tcp[23], 1450 - 40);
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(iip, tcp), 0);
	rte_pktmbuf_free(m);
}

static void
t_mss_clamp_decap(void **state)
{
	/* a SYN from B's LAN (MSS 1460) reaches A's LAN host clamped */
	struct rte_mbuf *m = frame(0x0a01000a, IPPROTO_TCP, 80, 40000, 0, 64, true,
			&mac_b[0]);
	struct rte_ipv4_hdr *ip;
	uint8_t *tcp;

	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	ip->src_addr = rte_cpu_to_be_32(0x0a02000a);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	tcp = (uint8_t *)(ip + 1);
	tcp[16] = tcp[17] = 0;
	{
		uint16_t ck = rte_ipv4_udptcp_cksum(ip, tcp);

		memcpy(tcp + 16, &ck, 2);
	}
	rx1(&B, 0, m);				/* B encapsulates towards A */
	m = take_tx(&B, 1);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), &mac_a[1], 6);
	/* B clamped it; undo that, as a peer that does not clamp would */
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 64);
	tcp = (uint8_t *)(ip + 1);
	assert_int_equal(tcp[22] << 8 | tcp[23], 1410);
	tcp[22] = 1460 >> 8;
	tcp[23] = 1460 & 0xff;
	tcp[16] = tcp[17] = 0;
	{
		uint16_t ck = rte_ipv4_udptcp_cksum(ip, tcp);

		memcpy(tcp + 16, &ck, 2);
	}
	ew_neigh_set(A.dp.neigh, 0, 0x0a01000a, &mac_host_a);
	rx1(&A, 1, m);				/* A decapsulates to its LAN */
	m = take_tx(&A, 0);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	tcp = (uint8_t *)(ip + 1);
	assert_int_equal(tcp[22] << 8 | tcp[23], 1450 - 40);
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, tcp), 0);
	rte_pktmbuf_free(m);
	ew_neigh_del(A.dp.neigh, 0, 0x0a01000a);
}

/* Issue 12 item 5: a SYN whose MSS option starts at an odd offset
 * (WScale, NOP, NOP, Timestamp, MSS, EOL: MSS at byte 35, its value at
 * 37) is clamped with a checksum that still verifies from scratch. */
static void
t_mss_clamp_odd(void **state)
{
	static const uint8_t opt[20] = { 3, 3, 7, 1, 1, 8, 10, 0x11, 0x22, 0x33,
		0x44, 0, 0, 0, 0, 2, 4, 0x05, 0xb4, 0 };
	struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_TCP, 40000, 80, 16, 64,
			true, &mac_a[0]);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, 14);
	uint8_t *tcp = (uint8_t *)(ip + 1);
	uint16_t ck;

	tcp[12] = 10 << 4;			/* 40-byte header */
	memcpy(tcp + 20, opt, sizeof(opt));
	tcp[16] = tcp[17] = 0;
	ck = rte_ipv4_udptcp_cksum(ip, tcp);
	memcpy(tcp + 16, &ck, 2);
	rx1(&A, 0, m);
	m = take_tx(&A, 1);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 64);
	tcp = (uint8_t *)(ip + 1);
	assert_int_equal(tcp[35], 2);			/* kind MSS at an odd offset */
	assert_int_equal(tcp[37] << 8 | tcp[38], 1450 - 40);
	assert_memory_equal(tcp + 20, opt, 15);	/* the rest untouched */
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, tcp), 0);
	rte_pktmbuf_free(m);
}

/* Issue 12 item 6, RFC 6040 normal mode. Encapsulation: the outer ECN
 * field is the inner one, next to the class's DSCP. */
static void
t_ecn_encap(void **state)
{
	static const struct { uint16_t dport; uint8_t in, out; } c[] = {
		{ 9000, 0x02, 0x02 },		/* default class, ECT(0) */
		{ 9000, 0x01, 0x01 },		/* ECT(1) */
		{ 9000, 0x03, 0x03 },		/* CE */
		{ 9000, 0xb8, 0x00 },		/* inner DSCP is not copied */
		{ 5050, 0x02, 46 << 2 | 2 },	/* class DSCP 46 and ECT(0) */
		{ 5050, 0x00, 46 << 2 },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(c); i++) {
		struct rte_mbuf *m = frame(0x0a02000a, IPPROTO_UDP, 40000,
				c[i].dport, 20, 64, true, &mac_a[0]);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv4_hdr *, 14);

		ew_ip_tos_set(ip, c[i].in);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		rx1(&A, 0, m);
		m = take_tx(&A, c[i].dport == 5050 ? 2 : 1);
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		assert_int_equal(ip->type_of_service, c[i].out);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		rte_pktmbuf_free(m);
	}
}

static uint8_t ecn_outer, ecn_inner;

static void
ecn_mark(uint8_t *h)
{
	h[14 + 1] = ecn_outer;
	h[64 + 1] = ecn_inner;
	to_inner_a(h);			/* inner checksum */
}

/* Decapsulation: outer CE marks ECT inner packets CE and drops Not-ECT
 * ones (counted); outer ECT(1) over inner ECT(0) gives ECT(1); outer
 * ECT(0) or Not-ECT leaves the inner field alone. */
static void
t_ecn_decap(void **state)
{
	static const struct { uint8_t out, in, want; } c[] = {
		{ 3, 2, 3 }, { 3, 1, 3 }, { 3, 3, 3 }, { 3, 0xb9, 0xbb },
		{ 1, 2, 1 }, { 1, 0, 0 }, { 2, 1, 1 }, { 2, 0, 0 }, { 0, 2, 2 },
		{ 0, 3, 3 },
	};
	uint64_t before = A.st->drop[EW_DROP_ECN_NOT_ECT];
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	unsigned int i;

	ew_neigh_set(A.dp.neigh, 0, 0x0a01000a, &mac_host_a);
	for (i = 0; i < RTE_DIM(c); i++) {
		ecn_outer = c[i].out;
		ecn_inner = c[i].in;
		rx1(&A, 1, from_b(ecn_mark));
		m = take_tx(&A, 0);
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		assert_int_equal(ip->type_of_service, c[i].want);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(A.st->drop[EW_DROP_ECN_NOT_ECT], before);
	ecn_outer = 3;
	ecn_inner = 0;
	rx1(&A, 1, from_b(ecn_mark));
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_ECN_NOT_ECT], before + 1);
	ew_neigh_del(A.dp.neigh, 0, 0x0a01000a);
}

static void
t_garbage(void **state)
{
	/* random frames on every port: each is transmitted, punted or
	 * counted as a drop; nothing crashes */
	unsigned int i, ifx, len, k;
	uint64_t out = 0, drops0 = 0, drops = 0;

	srand(42);
	for (i = 0; i < A.t->n_ports; i++)
		drops0 += A.st->port[i].drops;
	for (i = 0; i < 20000; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint8_t *h;

		ifx = (unsigned int)rand() % 3;
		len = (unsigned int)rand() % 200;
		h = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
		for (k = 0; k < len; k++)
			h[k] = (uint8_t)rand();
		/* often make it look plausible */
		if (len >= 34 && (i & 1)) {
			memcpy(h, &A.t->ports[ifx].mac, 6);
			h[12] = 0x08;
			h[13] = 0x00;
			h[14] = 0x45;
		}
		rx1(&A, ifx, m);
		for (k = 0; k < A.t->n_ports; k++) {
			out += A.w.tx[k].n;
			rte_pktmbuf_free_bulk(A.w.tx[k].m, A.w.tx[k].n);
			A.w.tx[k].n = 0;
		}
		out += A.w.n_punt;
		rte_pktmbuf_free_bulk(A.w.punt, A.w.n_punt);
		A.w.n_punt = 0;
	}
	for (i = 0; i < A.t->n_ports; i++)
		drops += A.st->port[i].drops;
	/* every packet accounted for: out + counted drops == received */
	assert_int_equal(out + (drops - drops0), 20000);
	/* and no mbuf leaked */
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

/* ---- jumbo frames: sites A and B with every interface at MTU 9000 ---- */

static struct rte_mempool *mp_jumbo, *mp_std;

/* TEXT with "mtu: 9000" added to every interface line with ROLE. */
static char *
jumbo_cfg(const char *text, const char *role)
{
	char *out = malloc(strlen(text) * 2 + 1), *o = out;
	const char *p = text;

	assert_non_null(out);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p + 1) : strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strncmp(line, "  - { name: ", 12) == 0 && strstr(line, role) != NULL) {
			o += sprintf(o, "  - { mtu: 9000, ");
			memcpy(o, p + 6, n - 6);
			o += n - 6;
		} else {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	return out;
}

/* A all at 9000; B's WAN at 9000 and, with LAN_1500, its LAN at 1500. */
static int
jumbo_sites(bool lan_1500)
{
	char *a = jumbo_cfg(cfg_a, "role: "),
		*b = jumbo_cfg(cfg_b, lan_1500 ? "role: wan" : "role: ");

	mp_std = mp;
	mp = mp_jumbo;
	site_init(&A, a, mac_a);
	site_init(&B, b, mac_b);
	free(a);
	free(b);
	ew_neigh_set(A.dp.neigh, 1, 0xc6336402, &mac_b[1]);
	ew_neigh_set(A.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &mac_b[1]);
	ew_neigh_set(B.dp.neigh, 1, 0xc6336401, &mac_a[1]);
	ew_neigh_set(B.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6401, &mac_a[1]);
	ew_neigh_set(B.dp.neigh, 0, 0x0a02000a, &mac_host_b);
	return 0;
}

static int
setup_jumbo(void **state)
{
	return jumbo_sites(false);
}

static int
setup_jumbo_lan_1500(void **state)
{
	return jumbo_sites(true);
}

static int
teardown_jumbo(void **state)
{
	teardown(state);
	mp = mp_std;
	return 0;
}

/* M (one segment) cut into segments at the N ascending offsets in CUT,
 * the later ones from POOL: as a PMD with scatter would hand it over. */
static struct rte_mbuf *
rechain(struct rte_mbuf *m, const uint16_t *cut, unsigned int n,
		struct rte_mempool *pool)
{
	uint16_t len = rte_pktmbuf_data_len(m);
	struct rte_mbuf *tail = NULL, *t;
	unsigned int i;
	char *d;

	assert_int_equal(m->nb_segs, 1);
	for (i = 0; i < n; i++) {
		uint16_t end = i + 1 < n ? cut[i + 1] : len;

		t = rte_pktmbuf_alloc(pool);
		assert_non_null(t);
		d = rte_pktmbuf_append(t, (uint16_t)(end - cut[i]));
		assert_non_null(d);
		memcpy(d, rte_pktmbuf_mtod_offset(m, char *, cut[i]), end - cut[i]);
		if (tail == NULL)
			tail = t;
		else
			assert_int_equal(rte_pktmbuf_chain(tail, t), 0);
	}
	assert_int_equal(rte_pktmbuf_trim(m, (uint16_t)(len - cut[0])), 0);
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	assert_int_equal(m->nb_segs, n + 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), len);
	return m;
}

/* A frame of 14 + TOT bytes from host A to host B, UDP, DF. */
static struct rte_mbuf *
big_frame(uint16_t tot)
{
	return frame(0x0a02000a, IPPROTO_UDP, 40000, 9000, (uint16_t)(tot - 28),
			64, true, &mac_a[0]);
}

/* A's LAN -> VXLAN -> B's LAN: one whole, single-segment packet each way. */
static void
jumbo_through(struct rte_mbuf *m, uint16_t tot)
{
	const uint8_t *p;
	uint16_t i;

	rx1(&A, 0, m);
	m = take_tx(&A, 1);
	assert_nothing_out(&A);
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 50 + 14 + tot);
	check_outer_ip(rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14),
			IPPROTO_UDP, 0xc6336401, 0xc6336402, (uint16_t)(50 + tot));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), &mac_b[1], 6);
	rx1(&B, 1, m);
	m = take_tx(&B, 0);
	assert_nothing_out(&B);
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + tot);
	p = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14 + 28);
	for (i = 0; i < tot - 28; i++)
		if (p[i] != 0xab)
			fail_msg("payload byte %u is %#x", i, p[i]);
	rte_pktmbuf_free(m);
}

static void
t_jumbo(void **state)
{
	static const uint16_t cut_2k[] = { 2048 }, cut_ip[] = { 20 },
			cut_3[] = { 14, 1000, 2000 };
	struct rte_mbuf *m;
	unsigned int i;
	uint64_t drops = 0;

	/* at 1500 the buffers are DPDK's default; at 9000 they hold a frame */
	assert_int_equal(RTE_PKTMBUF_HEADROOM + ew_port_buf_size(1500),
			RTE_MBUF_DEFAULT_BUF_SIZE);
	assert_true(ew_port_buf_size(9000) >= 9000 + 18);
	assert_int_equal(A.t->ov[0].mtu, 9000 - 50);
	/* a full-size overlay packet, in one buffer */
	jumbo_through(big_frame(8950), 8950);
	/* one byte more with DF: frag needed carrying 8950 */
	rx1(&A, 0, big_frame(8951));
	m = take_punt(&A, EW_PUNT_ICMP_ERR);
	assert_int_equal(ew_meta(m)->arg, 3 << 8 | 4);
	assert_int_equal(ew_meta(m)->nh, 8950);
	rte_pktmbuf_free(m);
	/* chained by the PMD (scatter, pcap): made whole before any header
	 * is read, even when the first segment ends inside the IP header */
	jumbo_through(rechain(big_frame(8950), cut_2k, 1, mp_jumbo), 8950);
	jumbo_through(rechain(big_frame(8950), cut_ip, 1, mp_jumbo), 8950);
	jumbo_through(rechain(big_frame(3000), cut_3, 3, mp_jumbo), 3000);
	/* nothing dropped but the one over the MTU */
	for (i = 0; i < A.t->n_ports; i++)
		drops += A.st->port[i].drops + B.st->port[i].drops;
	assert_int_equal(drops, 1);
	assert_int_equal(A.st->drop[EW_DROP_MTU], 1);
}

/* B's LAN (1500) is smaller than the overlay (8950, over a 9000 WAN): a
 * bigger packet out of the tunnel gets frag needed with the LAN's MTU, sent
 * back into the tunnel, or without DF goes to be fragmented for the LAN. */
static void
t_jumbo_lan_mtu(void **state)
{
	struct rte_mbuf *m;
	unsigned int df;

	assert_int_equal(B.t->ov[0].mtu, 8950);
	assert_int_equal(B.t->ports[0].mtu, 1500);
	for (df = 0; df < 2; df++) {
		m = frame(0x0a02000a, IPPROTO_UDP, 40000, 9000, 4000, 64, df,
				&mac_a[0]);
		rx1(&A, 0, m);
		m = take_tx(&A, 1);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), &mac_b[1], 6);
		rx1(&B, 1, m);
		m = take_punt(&B, df ? EW_PUNT_ICMP_ERR : EW_PUNT_FRAG_PORT);
		assert_nothing_out(&B);
		if (df) {
			assert_int_equal(ew_meta(m)->arg, 3 << 8 | 4);
			assert_int_equal(ew_meta(m)->nh, 1500);
			assert_int_equal(ew_meta(m)->tun_slot, B.t->tun[0].slot);
			assert_int_equal(B.st->drop[EW_DROP_MTU], 1);
		} else {
			assert_int_equal(ew_meta(m)->ifx, 0);
			assert_int_equal(ew_meta(m)->nh, 0x0a02000a);
			assert_int_equal(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->time_to_live, 62);
		}
		rte_pktmbuf_free(m);
	}
	/* what fits the LAN is forwarded as before */
	jumbo_through(big_frame(1500), 1500);
}

/* A chained frame that one buffer cannot hold (here: 2 KB buffers, a
 * 4,000-byte frame) is dropped as oversize, never parsed piecewise. */
static void
t_chained_oversize(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *t;
	uint64_t before = A.st->drop[EW_DROP_OVERSIZE];
	uint8_t *h;
	int s;

	h = (uint8_t *)rte_pktmbuf_append(m, 14);
	memcpy(h, &mac_a[0], 6);
	h[12] = 0x08;
	h[13] = 0x00;
	for (s = 0; s < 2; s++) {
		t = rte_pktmbuf_alloc(mp);
		h = (uint8_t *)rte_pktmbuf_append(t, 2000);
		memset(h, 0x45, 2000);
		assert_int_equal(rte_pktmbuf_chain(m, t), 0);
	}
	rx1(&A, 0, m);
	assert_nothing_out(&A);
	assert_int_equal(A.st->drop[EW_DROP_OVERSIZE], before + 1);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

/*
 * Site C: a hybrid-WAN spoke reaching one hub address (192.0.2.10) over
 * both WANs. Overlay gold (VXLAN 100) has a tunnel over each WAN to that
 * address; overlay silver (GRE 200) only one, over inet. Decapsulation is
 * keyed by (arrival WAN, VNI/key, remote).
 */
static const char cfg_c[] =
	"node: { name: c }\n"
	"interfaces:\n"
	"  - { name: lan0, role: lan, device: net_null0, address: 10.1.0.1/24 }\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254 }\n"
	"  - { name: lte, role: wan, device: net_null2, address: 203.0.113.1/25, gateway: 203.0.113.126 }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n"
	"    tunnels:\n"
	"      - { name: hub-inet, wan: inet, remote: 192.0.2.10, peer: 169.254.100.2, probe: none }\n"
	"      - { name: hub-lte, wan: lte, remote: 192.0.2.10, peer: 169.254.100.3, probe: none }\n"
	"    routes: [{ prefix: 10.2.0.0/16, via: hub-inet }, { prefix: 10.3.0.0/16, via: hub-lte }]\n"
	"  - name: silver\n    id: 200\n    encap: gre\n    address: 169.254.200.1/24\n"
	"    tunnels: [{ name: hub, wan: inet, remote: 192.0.2.10, peer: 169.254.200.2, probe: none }]\n"
	"    routes: [{ prefix: 10.4.0.0/16, via: hub }]\n";

static struct site C;

static int
setup_c(void **state)
{
	site_init(&C, cfg_c, mac_a);
	ew_neigh_set(C.dp.neigh, 1, 0xc63364fe, &mac_gw);	/* inet gateway */
	ew_neigh_set(C.dp.neigh, 2, 0xcb00717e, &mac_gw);	/* lte gateway */
	ew_neigh_set(C.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &mac_b[1]);
	ew_neigh_set(C.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6403, &mac_b[2]);
	ew_neigh_set(C.dp.neigh, 0, 0x0a01000a, &mac_host_a);
	return 0;
}

static int
teardown_c(void **state)
{
	site_fini(&C);
	return 0;
}

/* Longest match across the LAN and overlay tables: a LAN aggregate
 * 10.0.0.0/8 and a LAN 10.3.5.0/24 beside overlay routes 10.2.0.0/16 and
 * 10.3.0.0/16; 10.9.0.0/16 in both (a tie: the LAN's); 10.4.0.0/16 in an
 * overlay the class does not use (the LAN's /8 then). */
static const char cfg_l[] =
	"node: { name: l }\n"
	"interfaces:\n"
	"  - { name: lan0, role: lan, device: net_null0, address: 10.1.0.1/24,\n"
	"      routes: [{ prefix: 10.0.0.0/8, via: 10.1.0.254 }, { prefix: 10.3.5.0/24, via: 10.1.0.254 },\n"
	"               { prefix: 10.9.0.0/16, via: 10.1.0.254 }] }\n"
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254 }\n"
	"overlays:\n"
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n"
	"    tunnels: [{ name: to-b, wan: inet, remote: 198.51.100.2, peer: 169.254.100.2 }]\n"
	"    routes: [{ prefix: 10.2.0.0/16, via: to-b }, { prefix: 10.3.0.0/16, via: to-b },\n"
	"             { prefix: 10.9.0.0/16, via: to-b }]\n"
	"  - name: silver\n    id: 200\n    encap: gre\n    address: 169.254.200.1/24\n"
	"    tunnels: [{ name: to-c, wan: inet, remote: 198.51.100.3, peer: 169.254.200.3 }]\n"
	"    routes: [{ prefix: 10.4.0.0/16, via: to-c }]\n"
	"classes: [{ name: default, overlays: [gold] }]\n";

/* Where a LAN packet to DST leaves site L: its interface index. */
static unsigned int
lpm_out(struct site *s, uint32_t dst)
{
	unsigned int i, out = ~0u;

	rx1(s, 0, frame(dst, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]));
	for (i = 0; i < s->t->n_ports; i++)
		if (s->w.tx[i].n == 1)
			out = i;
	rte_pktmbuf_free(take_tx(s, out));
	assert_nothing_out(s);
	return out;
}

static void
t_lpm_across(void **state)
{
	struct site L;

	site_init(&L, cfg_l, mac_a);
	ew_neigh_set(L.dp.neigh, 1, 0xc6336402, &mac_b[1]);
	ew_neigh_set(L.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &mac_b[1]);
	ew_neigh_set(L.dp.neigh, 0, 0x0a0100fe, &mac_lanrtr);
	assert_int_equal(lpm_out(&L, 0x0a02000a), 1);	/* /16 overlay > /8 LAN */
	assert_int_equal(lpm_out(&L, 0x0a03060a), 1);	/* /16 overlay > /8 LAN */
	assert_int_equal(lpm_out(&L, 0x0a03050a), 0);	/* /24 LAN > /16 overlay */
	assert_int_equal(lpm_out(&L, 0x0a05000a), 0);	/* only the LAN's /8 */
	assert_int_equal(lpm_out(&L, 0x0a04000a), 0);	/* not the class's overlay */
	assert_int_equal(lpm_out(&L, 0x0a09000a), 0);	/* /16 both: the LAN */
	assert_int_equal(lpm_out(&L, 0x0a0100fe), 0);	/* connected */
	assert_true(L.t->lan_nh[1].ov_inside);		/* 10.0.0.0/8 */
	assert_false(L.t->lan_nh[2].ov_inside);		/* 10.3.5.0/24 */
	assert_false(L.t->lan_nh[3].ov_inside);		/* 10.9.0.0/16 */
	site_fini(&L);
}

/* A tunnel packet from the hub (192.0.2.10) as it arrives at site C on
 * WAN IFX: ENCAP with ID, carrying 10.2.0.10 -> 10.1.0.10 (UDP). */
static struct rte_mbuf *
from_hub(enum ew_encap encap, uint32_t id, unsigned int ifx)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	const struct ew_port *p = &C.t->ports[ifx];
	unsigned int hl = encap == EW_ENCAP_VXLAN ? 8 + 8 + 14 : 8;
	uint16_t inner = 20 + 8 + 10, tot = (uint16_t)(20 + hl + inner);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip, *iip;
	uint8_t *l4, *u;

	assert_non_null(m);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(14 + tot));
	assert_non_null(eth);
	memset(eth, 0, 14u + tot);
	eth->dst_addr = p->mac;
	eth->src_addr = mac_gw;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->time_to_live = 60;
	ip->src_addr = rte_cpu_to_be_32(0xc000020a);		/* 192.0.2.10 */
	ip->dst_addr = rte_cpu_to_be_32(p->addr);
	l4 = (uint8_t *)(ip + 1);
	if (encap == EW_ENCAP_VXLAN) {
		struct rte_ether_hdr *ieth = (struct rte_ether_hdr *)(l4 + 16);

		ip->next_proto_id = IPPROTO_UDP;
		l4[0] = 0xc0;					/* sport 49152 */
		l4[2] = EW_VXLAN_PORT >> 8;
		l4[3] = EW_VXLAN_PORT & 0xff;
		l4[5] = (uint8_t)(8 + 8 + 14 + inner);
		l4[8] = 0x08;					/* I flag */
		l4[12] = (uint8_t)(id >> 16);
		l4[13] = (uint8_t)(id >> 8);
		l4[14] = (uint8_t)id;
		ieth->dst_addr = p->mac;
		ieth->src_addr = mac_b[1];
		ieth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		iip = (struct rte_ipv4_hdr *)(ieth + 1);
	} else {
		ip->next_proto_id = IPPROTO_GRE;
		l4[0] = 0x20;					/* K */
		l4[2] = 0x08;					/* IPv4 */
		l4[4] = (uint8_t)(id >> 24);
		l4[5] = (uint8_t)(id >> 16);
		l4[6] = (uint8_t)(id >> 8);
		l4[7] = (uint8_t)id;
		iip = (struct rte_ipv4_hdr *)(l4 + 8);
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	iip->version_ihl = RTE_IPV4_VHL_DEF;
	iip->total_length = rte_cpu_to_be_16(inner);
	iip->time_to_live = 64;
	iip->next_proto_id = IPPROTO_UDP;
	iip->src_addr = rte_cpu_to_be_32(0x0a02000a);
	iip->dst_addr = rte_cpu_to_be_32(0x0a01000a);
	iip->hdr_checksum = rte_ipv4_cksum(iip);
	u = (uint8_t *)(iip + 1);
	u[1] = 7;
	u[3] = 9;
	u[5] = 18;
	return m;
}

/* A hub with one public address, reached over inet and LTE: the tables
 * build (they did not: "cannot build tables"), each tunnel decapsulates
 * on its own WAN, and a packet on the other WAN is a counted drop. */
static void
t_two_wans_one_remote(void **state)
{
	const struct ew_tunnel *tu = C.t->tun;
	struct rte_mbuf *m;
	uint64_t before;
	const struct rte_ipv4_hdr *ip;

	assert_int_equal(C.t->n_tunnels, 3);
	assert_int_equal(tu[0].ifx, 1);
	assert_int_equal(tu[1].ifx, 2);
	assert_int_equal(tu[2].ifx, 1);
	/* VXLAN 100 from the hub over inet: tunnel hub-inet */
	rx1(&C, 1, from_hub(EW_ENCAP_VXLAN, 100, 1));
	rte_pktmbuf_free(take_tx(&C, 0));
	assert_nothing_out(&C);
	assert_int_equal(C.st->tunnel[tu[0].slot].rx_packets, 1);
	assert_int_equal(C.st->tunnel[tu[1].slot].rx_packets, 0);
	/* the same VNI and remote over LTE: tunnel hub-lte */
	rx1(&C, 2, from_hub(EW_ENCAP_VXLAN, 100, 2));
	rte_pktmbuf_free(take_tx(&C, 0));
	assert_nothing_out(&C);
	assert_int_equal(C.st->tunnel[tu[0].slot].rx_packets, 1);
	assert_int_equal(C.st->tunnel[tu[1].slot].rx_packets, 1);
	/* GRE 200 on its own WAN (inet): delivered */
	rx1(&C, 1, from_hub(EW_ENCAP_GRE, 200, 1));
	rte_pktmbuf_free(take_tx(&C, 0));
	assert_nothing_out(&C);
	assert_int_equal(C.st->tunnel[tu[2].slot].rx_packets, 1);
	/* the same GRE packet arriving on LTE: not its tunnel's WAN */
	before = C.st->drop[EW_DROP_TUNNEL_WRONG_WAN];
	rx1(&C, 2, from_hub(EW_ENCAP_GRE, 200, 2));
	assert_nothing_out(&C);
	assert_int_equal(C.st->drop[EW_DROP_TUNNEL_WRONG_WAN], before + 1);
	assert_int_equal(C.st->port[2].drops, 1);
	assert_int_equal(C.st->tunnel[tu[2].slot].rx_packets, 1);
	/* an unknown VNI is still tunnel_unknown */
	before = C.st->drop[EW_DROP_TUNNEL_UNKNOWN];
	rx1(&C, 2, from_hub(EW_ENCAP_VXLAN, 300, 2));
	assert_nothing_out(&C);
	assert_int_equal(C.st->drop[EW_DROP_TUNNEL_UNKNOWN], before + 1);
	/* and the other way: each route's tunnel leaves by its own WAN */
	rx1(&C, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]));
	m = take_tx(&C, 1);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), 0xc6336401);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), 0xc000020a);
	rte_pktmbuf_free(m);
	rx1(&C, 0, frame(0x0a03000a, IPPROTO_UDP, 1, 2, 10, 64, true, &mac_a[0]));
	m = take_tx(&C, 2);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), 0xcb007101);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), 0xc000020a);
	rte_pktmbuf_free(m);
	assert_nothing_out(&C);
}

/* af_packet (issue 12, item 7): a frame exactly as long as the port's ring
 * frames hold, whose IP says more, is the ring's cut copy of a datagram
 * the kernel reassembled (its whole copy goes through the control
 * thread): counted as afp_cut. Any other short frame stays ip_length. */
static void
t_afp_cut(void **state)
{
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		m = frame(0x0a02000a, IPPROTO_ICMP, 1, 2, 1400, 64, false, &mac_a[0]);
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		ip->total_length = rte_cpu_to_be_16(3000);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		A.dp.afp_snap[0] = (uint16_t)(rte_pktmbuf_data_len(m) + i);
		rx1(&A, 0, m);
		assert_nothing_out(&A);
	}
	A.dp.afp_snap[0] = 0;
	assert_int_equal(A.st->drop[EW_DROP_AFP_CUT], 1);
	assert_int_equal(A.st->drop[EW_DROP_IP_LENGTH], 1);
}

/* The outer header (from IP on) of what site A sends for a LAN frame of
 * PROTO/DPORT: VXLAN leaves by inet (ifx 1), GRE by lte (ifx 2). */
static unsigned int
outer_quote(uint8_t proto, uint16_t dport, unsigned int wan, uint8_t *q,
		unsigned int max)
{
	struct rte_mbuf *m = frame(0x0a02000a, proto, 40000, dport, 100, 64,
			true, &mac_a[0]);
	unsigned int n;

	rx1(&A, 0, m);
	m = take_tx(&A, wan);
	n = RTE_MIN(rte_pktmbuf_data_len(m) - 14u, max);
	memcpy(q, rte_pktmbuf_mtod_offset(m, uint8_t *, 14), n);
	rte_pktmbuf_free(m);
	return n;
}

/* Which tunnel an underlay frag needed quotes: ours only, by addresses,
 * port/protocol and VNI/key, on the tunnel's own WAN. */
static void
t_pmtu_quote(void **state)
{
	uint8_t vx[128], gre[128], q[128];
	uint16_t tuns[4];
	unsigned int nv, ng;

	nv = outer_quote(IPPROTO_UDP, 80, 1, vx, sizeof(vx));
	ng = outer_quote(IPPROTO_UDP, 5000, 2, gre, sizeof(gre));
	assert_true(nv >= 20 + 8 + 8 + 14 + 20);
	/* VXLAN, the whole header quoted, and as little as IP + 8 */
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, vx, nv, tuns, 4), 1);
	assert_int_equal(tuns[0], 0);
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, vx, 28, tuns, 4), 1);
	assert_int_equal(tuns[0], 0);
	/* too short, the wrong WAN, a LAN */
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, vx, 27, tuns, 4), 0);
	assert_int_equal(ew_pmtu_quote_match(A.t, 2, vx, nv, tuns, 4), 0);
	assert_int_equal(ew_pmtu_quote_match(A.t, 0, vx, nv, tuns, 4), 0);
	/* another VNI (quoted), source, remote, port, a source port below
	 * our range, DF clear: not ours */
	memcpy(q, vx, nv);
	q[20 + 8 + 6] ^= 1;
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[15] ^= 1;
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[19] ^= 1;
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[23] ^= 1;
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[20] = 0x80;
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[25] ^= 1;		/* UDP length */
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, 28, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[27] = 1;		/* a UDP checksum: we send none */
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, 28, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[6] &= ~0x40;
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	memcpy(q, vx, nv);
	q[0] = 0x65;		/* version 6 */
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, q, nv, tuns, 4), 0);
	/* GRE: the key is always quoted */
	assert_int_equal(ew_pmtu_quote_match(A.t, 2, gre, 28, tuns, 4), 1);
	assert_int_equal(tuns[0], 1);
	assert_int_equal(ew_pmtu_quote_match(A.t, 1, gre, ng, tuns, 4), 0);
	memcpy(q, gre, ng);
	q[27] ^= 1;
	assert_int_equal(ew_pmtu_quote_match(A.t, 2, q, ng, tuns, 4), 0);
	memcpy(q, gre, ng);
	q[20] |= 0x10;		/* a sequence number: not as we send it */
	assert_int_equal(ew_pmtu_quote_match(A.t, 2, q, ng, tuns, 4), 0);
	memcpy(q, gre, ng);
	q[9] = IPPROTO_TCP;
	assert_int_equal(ew_pmtu_quote_match(A.t, 2, q, ng, tuns, 4), 0);
}

/* What a frag needed teaches, and what the worker does with it. */
static void
t_pmtu_word(void **state)
{
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *iip;
	uint8_t *tcp;
	uint64_t w;

	assert_int_equal(ew_pmtu_learn(1400, 1500), 1400);
	assert_int_equal(ew_pmtu_learn(1500, 1500), 0);	/* it fitted */
	assert_int_equal(ew_pmtu_learn(100, 1500), EW_PMTU_MIN);
	assert_int_equal(ew_pmtu_learn(0, 1500), 1492);	/* RFC 1191 plateau */
	assert_int_equal(ew_pmtu_learn(0, 1492), 1006);
	/* the generation starts at the WAN's MTU: the overlay's MTU */
	w = A.t->tun_mtu[0];
	assert_int_equal(ew_pmtu_path(w), 1500);
	assert_int_equal(ew_pmtu_inner(w), 1450);
	assert_int_equal(ew_pmtu_mss(w), 1410);
	w = ew_pmtu_word(A.t, 0, 1400);
	assert_int_equal(ew_pmtu_inner(w), 1350);
	assert_int_equal(ew_pmtu_mss(w), 1310);
	assert_int_equal(ew_pmtu_inner(ew_pmtu_word(A.t, 1, 1400)), 1372);
	A.t->tun_mtu[0] = w;
	/* DF: frag needed with the tunnel's MTU; DF clear: fragmented */
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 80, 1351 - 28, 64, true,
			&mac_a[0]));
	m = take_punt(&A, EW_PUNT_ICMP_ERR);
	assert_int_equal(ew_meta(m)->nh, 1350);
	rte_pktmbuf_free(m);
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 80, 1351 - 28, 64, false,
			&mac_a[0]));
	rte_pktmbuf_free(take_punt(&A, EW_PUNT_FRAG));
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 80, 1350 - 28, 64, true,
			&mac_a[0]));
	rte_pktmbuf_free(take_tx(&A, 1));
	/* a SYN is clamped to the path's MSS */
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_TCP, 40000, 80, 0, 64, true,
			&mac_a[0]));
	m = take_tx(&A, 1);
	iip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 64);
	tcp = (uint8_t *)(iip + 1);
	assert_int_equal(tcp[22] << 8 | tcp[23], 1310);
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(iip, tcp), 0);
	rte_pktmbuf_free(m);
	assert_nothing_out(&A);
}

/* TEXT with ", df: clear" on the tunnel whose peer is PEER. */
static char *
df_clear_cfg(const char *text, const char *peer)
{
	char *out = malloc(strlen(text) + 32), *o = out;
	const char *at = strstr(text, peer);

	assert_non_null(out);
	assert_non_null(at);
	at += strlen(peer);
	memcpy(o, text, (size_t)(at - text));
	o += at - text;
	o += sprintf(o, ", df: clear");
	strcpy(o, at);
	return out;
}

/* Both sites' gold tunnel with df: clear. */
static int
setup_df(void **state)
{
	char *a = df_clear_cfg(cfg_a, "peer: 169.254.100.2"),
		*b = df_clear_cfg(cfg_b, "peer: 169.254.100.1");

	setup(state);
	site_fini(&A);
	site_fini(&B);
	site_init(&A, a, mac_a);
	site_init(&B, b, mac_b);
	free(a);
	free(b);
	ew_neigh_set(A.dp.neigh, 1, 0xc6336402, &mac_b[1]);
	ew_neigh_set(A.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6402, &mac_b[1]);
	ew_neigh_set(A.dp.neigh, 0, 0x0a01000a, &mac_host_a);
	ew_neigh_set(B.dp.neigh, 1, 0xc6336401, &mac_a[1]);
	ew_neigh_set(B.dp.neigh, EW_SCOPE_OV | 100, 0xa9fe6401, &mac_a[1]);
	return 0;
}

/* Fragment (OFF, LEN bytes of M's outer payload, MF) of frame M (Ethernet,
 * outer IPv4 with a 20-byte header), as the underlay would cut it. */
static struct rte_mbuf *
outer_frag(const struct rte_mbuf *m, uint16_t off, uint16_t len, bool mf,
		uint16_t id)
{
	struct rte_mbuf *f = rte_pktmbuf_alloc(mp);
	uint8_t *p;
	struct rte_ipv4_hdr *ip;

	assert_non_null(f);
	p = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(34 + len));
	assert_non_null(p);
	memcpy(p, rte_pktmbuf_mtod(m, const uint8_t *), 34);
	memcpy(p + 34, rte_pktmbuf_mtod_offset(m, const uint8_t *, 34 + off), len);
	ip = (struct rte_ipv4_hdr *)(p + 14);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)((off / 8) |
			(mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return f;
}

/* df: clear: outer DF clear; the peer's outer fragments are reassembled
 * (capped, expired and counted); fragments from others still dropped. */
static void
t_df_clear(void **state)
{
	struct rte_mbuf *m, *f;
	const struct rte_ipv4_hdr *ip;
	uint16_t plen, i;
	uint64_t before;

	/* A's outer header leaves without DF */
	assert_true(A.t->tun[0].df_clear);
	assert_false(A.t->tun[1].df_clear);
	rx1(&A, 0, frame(0x0a02000a, IPPROTO_UDP, 1, 80, 1000, 64, true, &mac_a[0]));
	m = take_tx(&A, 1);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(ip->fragment_offset, 0);
	rte_pktmbuf_free(m);
	/* B sends 1400 bytes to A's host; the underlay cuts it in two */
	B.w.rx_tsc = A.w.rx_tsc = rte_rdtsc();
	m = frame(0x0a01000a, IPPROTO_UDP, 80, 1, 1400 - 28, 64, false, &mac_b[0]);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->src_addr =
			rte_cpu_to_be_32(0x0a02000a);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum = 0;
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum =
			rte_ipv4_cksum(ip);
	rx1(&B, 0, m);
	m = take_tx(&B, 1);
	plen = (uint16_t)(rte_pktmbuf_data_len(m) - 34);
	rx1(&A, 1, outer_frag(m, 800, plen - 800, false, 7));
	assert_nothing_out(&A);
	rx1(&A, 1, outer_frag(m, 0, 800, true, 7));
	f = take_tx(&A, 0);
	ip = rte_pktmbuf_mtod_offset(f, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 1400);
	assert_int_equal(A.st->tunnel[A.t->tun[0].slot].rx_packets, 1);
	rte_pktmbuf_free(f);
	/* the same from a spoofed source: outer_fragment as before */
	before = A.st->drop[EW_DROP_OUTER_FRAG];
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->src_addr =
			rte_cpu_to_be_32(0xc6336409);
	rx1(&A, 1, outer_frag(m, 0, 800, true, 8));
	assert_int_equal(A.st->drop[EW_DROP_OUTER_FRAG], before + 1);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->src_addr =
			rte_cpu_to_be_32(0xc6336402);
	/* more incomplete datagrams than the cap: refused, counted; then
	 * they expire */
	for (i = 0; i < EW_REASM_MAX + 8; i++)
		rx1(&A, 1, outer_frag(m, 0, 800, true, (uint16_t)(100 + i)));
	assert_nothing_out(&A);
	assert_true(A.st->drop[EW_DROP_REASM_REFUSED] >= 8);
	ew_reasm_tick(&A.w, A.w.rx_tsc + rte_get_tsc_hz() / 1000 * (EW_REASM_MS + 100));
	assert_true(A.st->drop[EW_DROP_REASM_EXPIRED] > 0);
	assert_true(A.st->drop[EW_DROP_REASM_EXPIRED] +
			A.st->drop[EW_DROP_REASM_REFUSED] >= EW_REASM_MAX + 8);
	rte_pktmbuf_free(m);
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "256", "--no-pci",
		"--no-telemetry", "-l", "0", "--log-level=error", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_ipv4_check),
		cmocka_unit_test(t_ttl_dec),
		cmocka_unit_test(t_lpm),
		cmocka_unit_test(t_lpm_random),
		cmocka_unit_test(t_hdr_sum),
		cmocka_unit_test_setup_teardown(t_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vxlan_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gre_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(t_sctp_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(t_decap_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(t_punts, setup, teardown),
		cmocka_unit_test_setup_teardown(t_arp_punt, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lan_route, setup, teardown),
		cmocka_unit_test_setup_teardown(t_mss_clamp, setup, teardown),
		cmocka_unit_test_setup_teardown(t_frag_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(t_inner_bcast, setup, teardown),
		cmocka_unit_test(t_lpm_across),
		cmocka_unit_test_setup_teardown(t_mss_clamp_decap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_mss_clamp_odd, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ecn_encap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ecn_decap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(t_jumbo, setup_jumbo, teardown_jumbo),
		cmocka_unit_test_setup_teardown(t_jumbo_lan_mtu, setup_jumbo_lan_1500,
				teardown_jumbo),
		cmocka_unit_test_setup_teardown(t_chained_oversize, setup, teardown),
		cmocka_unit_test_setup_teardown(t_two_wans_one_remote, setup_c, teardown_c),
		cmocka_unit_test_setup_teardown(t_afp_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pmtu_quote, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pmtu_word, setup, teardown),
		cmocka_unit_test_setup_teardown(t_df_clear, setup_df, teardown),
	};
	char cmd[128];
	int rc;

	if (ew_test_eal_init("ewunit", eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	if (ew_meta_register() != 0)
		return 1;
	mp = rte_pktmbuf_pool_create("ut", 4096, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return 1;
	/* sized as edgewayd sizes its pool for an MTU of 9000 */
	mp_jumbo = ew_dp_pool_create("utj", 512, 9000, 0, cmd, sizeof(cmd));
	if (mp_jumbo == NULL) {
		fprintf(stderr, "%s\n", cmd);
		return 1;
	}
	if (rte_pktmbuf_data_room_size(mp_jumbo) < RTE_PKTMBUF_HEADROOM + 9018)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(mp);
	rte_mempool_free(mp_jumbo);
	ew_test_eal_cleanup();
	return rc;
}
