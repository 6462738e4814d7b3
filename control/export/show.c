/* SPDX-License-Identifier: BSD-3-Clause */
/* Counter tables for operators. Counters are summed over lcores on read. */

#include <stdlib.h>

#include "control/daemon.h"
#include "control/export/export.h"
#include "fastpath/neigh.h"
#include "fastpath/pmtu.h"

void
ew_show_interfaces(const struct ew_daemon *d, FILE *f)
{
	const struct ew_tables *t = d->dp.tables;
	struct ew_lcore_stats *s = ew_dp_stats_snapshot(&d->dp);
	char a[40];
	unsigned int i;

	if (s == NULL)
		return;
	fprintf(f, "%-10s %-4s %-18s %-17s %12s %12s %14s %14s %10s\n",
			"interface", "role", "address", "mac", "rx_packets",
			"tx_packets", "rx_bytes", "tx_bytes", "drops");
	for (i = 0; i < t->n_ports; i++) {
		const struct ew_port *p = &t->ports[i];
		struct ew_prefix pf = { p->addr, p->plen };
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		fprintf(f, "%-10s %-4s %-18s %-17s %12" PRIu64 " %12" PRIu64
				" %14" PRIu64 " %14" PRIu64 " %10" PRIu64 "\n",
				p->name, ew_role_name(p->role),
				ew_prefix_str(&pf, a, sizeof(a)), mac,
				s->port[i].rx_packets, s->port[i].tx_packets,
				s->port[i].rx_bytes, s->port[i].tx_bytes,
				s->port[i].drops);
	}
	free(s);
}

void
ew_show_tunnels(const struct ew_daemon *d, FILE *f)
{
	const struct ew_tables *t = d->dp.tables;
	struct ew_lcore_stats *s = ew_dp_stats_snapshot(&d->dp);
	char r[16], p[16];
	unsigned int i;

	if (s == NULL)
		return;
	fprintf(f, "%-10s %-12s %-6s %-5s %-8s %-15s %-15s %12s %12s %14s %14s %5s %8s\n",
			"overlay", "tunnel", "encap", "id", "wan", "remote", "peer",
			"tx_packets", "rx_packets", "tx_bytes", "rx_bytes", "mtu",
			"path_mtu");
	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];
		uint64_t w = __atomic_load_n(&t->tun_mtu[i], __ATOMIC_RELAXED);

		fprintf(f, "%-10s %-12s %-6s %-5u %-8s %-15s %-15s %12" PRIu64
				" %12" PRIu64 " %14" PRIu64 " %14" PRIu64 " %5u %8u\n",
				t->ov[tu->ox].name, tu->name,
				ew_encap_name(tu->encap), tu->id,
				t->ports[tu->ifx].name,
				ew_ipv4_str(tu->remote, r, sizeof(r)),
				ew_ipv4_str(tu->peer, p, sizeof(p)),
				s->tunnel[tu->slot].tx_packets,
				s->tunnel[tu->slot].rx_packets,
				s->tunnel[tu->slot].tx_bytes,
				s->tunnel[tu->slot].rx_bytes,
				ew_pmtu_inner(w), ew_pmtu_path(w));
	}
	free(s);
}

void
ew_show_stats(const struct ew_daemon *d, FILE *f)
{
	struct ew_lcore_stats *s = ew_dp_stats_snapshot(&d->dp);
	unsigned int i;

	if (s == NULL)
		return;
	fprintf(f, "punted to control: %" PRIu64 "\n", s->punted);
	fprintf(f, "arp moves: %" PRIu64 " followed, %" PRIu64
			" rate-limited, %" PRIu64 " refused (old MAC answered)\n",
			s->arp_moves, s->arp_moves_limited, s->arp_moves_refused);
	fprintf(f, "%-16s %12s  %s\n", "drop reason", "packets", "meaning");
	for (i = 0; i < EW_DROP_MAX; i++)
		if (s->drop[i] != 0)
			fprintf(f, "%-16s %12" PRIu64 "  %s\n", ew_drop_names[i],
					s->drop[i], ew_drop_help[i]);
	free(s);
}

void
ew_show_neighbours(const struct ew_daemon *d, FILE *f)
{
	struct ew_neigh_info *n = calloc(EW_NEIGH_MAX, sizeof(*n));
	const struct ew_tables *t = d->dp.tables;
	unsigned int i, cnt;
	char ip[16], mac[RTE_ETHER_ADDR_FMT_SIZE], scope[48];

	if (n == NULL)
		return;
	cnt = ew_sp_neighbours(d->sp, n, EW_NEIGH_MAX);
	fprintf(f, "%-20s %-15s %-17s %s\n", "where", "address", "mac", "state");
	for (i = 0; i < cnt; i++) {
		if (n[i].scope & EW_SCOPE_OV)
			snprintf(scope, sizeof(scope), "overlay id %u",
					n[i].scope & ~EW_SCOPE_OV);
		else
			snprintf(scope, sizeof(scope), "%s",
					n[i].scope < t->n_ports ?
					t->ports[n[i].scope].name : "?");
		rte_ether_format_addr(mac, sizeof(mac), &n[i].mac);
		fprintf(f, "%-20s %-15s %-17s %s (%u queued)\n", scope,
				ew_ipv4_str(n[i].ip, ip, sizeof(ip)),
				n[i].resolved ? mac : "-",
				n[i].resolved ? "reachable" : "incomplete",
				n[i].queued);
	}
	free(n);
}
