/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_TEST_FIXTURES_H
#define EW_TEST_FIXTURES_H

/*
 * Configurations shared by tests, as YAML text to paste after a node line
 * and before the test's own classes.
 *
 * EW_TEST_SITE_A: lan0 (ifx 0, a route to 10.1.128.0/17 via a LAN
 * router), inet (ifx 1, VXLAN overlay gold, remote on-link) and lte (ifx
 * 2, GRE overlay silver, remote behind the gateway); 10.2.0.0/16 over
 * both overlays, 10.3.0.0/16 over silver. Used by tests/unit/test_pkt.c
 * (site A) and tests/fuzz/fuzz_packet.c.
 */
#define EW_TEST_SITE_A \
	"interfaces:\n" \
	"  - { name: lan0, role: lan, device: net_null0, address: 10.1.0.1/24,\n" \
	"      routes: [{ prefix: 10.1.128.0/17, via: 10.1.0.254 }] }\n" \
	"  - { name: inet, role: wan, device: net_null1, address: 198.51.100.1/24, gateway: 198.51.100.254 }\n" \
	"  - { name: lte, role: wan, device: net_null2, address: 203.0.113.1/25, gateway: 203.0.113.126 }\n" \
	"overlays:\n" \
	"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n" \
	"    tunnels: [{ name: to-b, wan: inet, remote: 198.51.100.2, peer: 169.254.100.2 }]\n" \
	"    routes: [{ prefix: 10.2.0.0/16, via: to-b }]\n" \
	"  - name: silver\n    id: 200\n    encap: gre\n    address: 169.254.200.1/24\n" \
	"    tunnels: [{ name: to-b, wan: lte, remote: 203.0.113.129, peer: 169.254.200.2 }]\n" \
	"    routes: [{ prefix: 10.2.0.0/16, via: to-b }, { prefix: 10.3.0.0/16, via: to-b }]\n"

#endif /* EW_TEST_FIXTURES_H */
