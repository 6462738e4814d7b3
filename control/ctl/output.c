/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rendering of the daemon's answers for the console: one function a view
 * of "show" (interfaces, overlays, tunnels, routes, classes, stats), each a
 * table for people or, with --json, one JSON document (pbjson.c prints the
 * messages); and the short answers to hello and to changes.
 */

#include <stdio.h>
#include <string.h>

#include "control/ctl/output.h"
#include "control/ctl/parser.h"
#include "control/ctl/pbjson.h"

int
ew_out_verdict(const Edgeway__Response *r)
{
	size_t i;

	for (i = 0; i < r->n_errors; i++)
		fprintf(stderr, "%s\n", r->errors[i]);
	if (r->code == EDGEWAY__CODE__OK)
		return 0;
	if (r->n_errors == 0)
		fprintf(stderr, "edgewayctl: refused (code %d)\n", r->code);
	return r->code == EDGEWAY__CODE__FAILED ? 1 : 2;
}

void
ew_out_done(const Edgeway__Response *r, const char *done, bool json)
{
	if (done != NULL && !json)
		printf("%s (generation %lu)\n", done, (unsigned long)r->generation);
	if (json)
		printf("{\"code\": \"OK\", \"generation\": %lu}\n",
				(unsigned long)r->generation);
}

void
ew_out_hello(const Edgeway__Hello *h, bool json)
{
	if (json) {
		ew_pb_json(stdout, &h->base, 0);
		putchar('\n');
	} else {
		printf("%s, node %s, API version %u\n", h->software, h->node,
				h->version);
	}
}

/* {"KEY": [ITEMS]}: a list view as one JSON document */
static void
json_array(FILE *f, const char *key, ProtobufCMessage **items, size_t n)
{
	size_t i;

	fprintf(f, "{\n  \"%s\": [", key);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		ew_pb_json(f, items[i], 2);
	}
	fputs("]\n}\n", f);
}

static const char *
dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static int
show_interfaces(const Edgeway__ShowReply *s, bool json)
{
	size_t i;

	if (json) {
		json_array(stdout, "interfaces", (ProtobufCMessage **)s->interfaces,
				s->n_interfaces);
		return 0;
	}
	printf("%-10s %-4s %-18s %-17s %12s %12s %14s %14s %8s\n",
			"INTERFACE", "ROLE", "ADDRESS", "MAC", "RX_PACKETS",
			"TX_PACKETS", "RX_BYTES", "TX_BYTES", "DROPS");
	for (i = 0; i < s->n_interfaces; i++) {
		Edgeway__Interface *m = s->interfaces[i];

		printf("%-10s %-4s %-18s %-17s %12lu %12lu %14lu %14lu %8lu\n",
				m->name, m->role, m->address, m->mac,
				(unsigned long)m->rx_packets,
				(unsigned long)m->tx_packets,
				(unsigned long)m->rx_bytes,
				(unsigned long)m->tx_bytes,
				(unsigned long)m->drops);
	}
	return 0;
}

static int
show_overlays(const Edgeway__ShowReply *s, bool json)
{
	size_t i;

	if (json) {
		json_array(stdout, "overlays", (ProtobufCMessage **)s->overlays,
				s->n_overlays);
		return 0;
	}
	printf("%-12s %-9s %-6s %-18s %5s %-4s %7s %6s\n", "OVERLAY", "ID",
			"ENCAP", "ADDRESS", "MTU", "MSS", "TUNNELS", "ROUTES");
	for (i = 0; i < s->n_overlays; i++) {
		Edgeway__Overlay *m = s->overlays[i];

		printf("%-12s %-9u %-6s %-18s %5u %-4s %7zu %6zu\n", m->name,
				m->id, m->encap, m->address, m->mtu,
				m->mss_clamp == EDGEWAY__TOGGLE__TOGGLE_OFF ? "off" : "on",
				m->n_tunnels, m->n_routes);
	}
	return 0;
}

static int
show_tunnels(const Edgeway__ShowReply *s, bool json)
{
	size_t i;

	if (json) {
		json_array(stdout, "tunnels", (ProtobufCMessage **)s->tunnels,
				s->n_tunnels);
		return 0;
	}
	printf("%-12s %-12s %-8s %-15s %-15s %-4s %8s %8s %6s %-10s %12s %12s %8s %6s\n",
			"OVERLAY", "TUNNEL", "WAN", "REMOTE", "PEER", "UP",
			"RTT_MS", "JIT_MS", "LOSS%", "PROBE", "TX_PACKETS",
			"RX_PACKETS", "PATH_MTU", "MTU");
	for (i = 0; i < s->n_tunnels; i++) {
		Edgeway__Tunnel *m = s->tunnels[i];
		char probe[64];

		/* auto shows what it found: auto/stamp, auto/icmp */
		if (strcmp(m->probe, "auto") == 0 && m->probe_active[0] != '\0')
			snprintf(probe, sizeof(probe), "auto/%s", m->probe_active);
		else
			snprintf(probe, sizeof(probe), "%s", m->probe);
		printf("%-12s %-12s %-8s %-15s %-15s %-4s %8.2f %8.2f %6.1f %-10s %12lu %12lu %8u %6u\n",
				m->overlay, m->name, m->wan, m->remote, m->peer,
				m->up ? "up" : "down", m->rtt_ms, m->jitter_ms,
				m->loss_pct, probe, (unsigned long)m->tx_packets,
				(unsigned long)m->rx_packets, m->path_mtu, m->mtu);
	}
	return 0;
}

static int
show_routes(const Edgeway__ShowReply *s, bool json)
{
	size_t i;

	if (json) {
		json_array(stdout, "routes", (ProtobufCMessage **)s->routes,
				s->n_routes);
		return 0;
	}
	printf("%-12s %-20s %s\n", "OVERLAY", "PREFIX", "VIA");
	for (i = 0; i < s->n_routes; i++)
		printf("%-12s %-20s %s\n", s->routes[i]->overlay,
				s->routes[i]->prefix, s->routes[i]->via);
	return 0;
}

/* The winner first, marked; the other table's match after it. */
static int
show_lookup(const Edgeway__ShowReply *s, bool json)
{
	const Edgeway__RouteLookup *m = s->lookup;
	bool ov_wins;
	char lan[64], ov[64];

	if (m == NULL)
		return ew_ctl_err("empty answer");
	if (json) {
		ew_pb_json(stdout, &m->base, 0);
		fputc('\n', stdout);
		return 0;
	}
	ov_wins = strcmp(m->table, "overlay") == 0;
	snprintf(lan, sizeof(lan), "%-7s  %-18s %s %s", "lan", m->lan_prefix,
			m->lan_interface, m->lan_via[0] != '\0' ? m->lan_via : "connected");
	snprintf(ov, sizeof(ov), "%-7s  %-18s %s %s", "overlay", m->overlay_prefix,
			m->overlay, m->tunnel);
	printf("%s in class %s: %s\n", m->address, m->class_,
			strcmp(m->table, "none") == 0 ? "no route" : m->table);
	printf("%-7s  %-18s %s\n", "TABLE", "PREFIX", "VIA");
	if (ov_wins || m->lan_prefix[0] == '\0') {
		if (m->overlay_prefix[0] != '\0')
			printf("%s%s\n", ov, ov_wins ? "  wins" : "");
	} else {
		printf("%s  wins\n", lan);
		if (m->overlay_prefix[0] != '\0')
			printf("%s\n", ov);
	}
	if (ov_wins && m->lan_prefix[0] != '\0')
		printf("%s\n", lan);
	return 0;
}

static int
show_classes(const Edgeway__ShowReply *s, bool json)
{
	size_t i, k;

	if (json) {
		json_array(stdout, "classes", (ProtobufCMessage **)s->classes,
				s->n_classes);
		return 0;
	}
	printf("%-14s %-22s %-12s %6s %12s %14s %8s %8s\n", "CLASS", "OVERLAYS",
			"ACTIVE", "RULES", "PACKETS", "BYTES", "DROPS", "SWITCHES");
	for (i = 0; i < s->n_classes; i++) {
		Edgeway__Class *m = s->classes[i];
		char ovs[256] = "";

		for (k = 0; k < m->n_overlays; k++)
			snprintf(ovs + strlen(ovs), sizeof(ovs) - strlen(ovs),
					"%s%s", k ? "," : "", m->overlays[k]);
		printf("%-14s %-22s %-12s %6zu %12lu %14lu %8lu %8lu\n", m->name, ovs,
				m->n_active_overlays ? m->active_overlays[0] : "-",
				m->n_match, (unsigned long)m->packets,
				(unsigned long)m->bytes, (unsigned long)m->drops,
				(unsigned long)m->switches);
	}
	return 0;
}

/* JSON: drops as an object keyed by reason (SPEC.md) */
static void
stats_json(const Edgeway__Stats *st)
{
	size_t i;

	printf("{\n  \"punted\": %lu,\n  \"generation\": %lu,\n  \"classifier_builds\": %lu,\n  \"uptime_ms\": %lu,\n  \"drops\": {",
			(unsigned long)st->punted,
			(unsigned long)st->generation,
			(unsigned long)st->classifier_builds,
			(unsigned long)st->uptime_ms);
	for (i = 0; i < st->n_drops; i++) {
		printf("%s\n    ", i ? "," : "");
		ew_json_string(stdout, st->drops[i]->reason);
		printf(": %lu", (unsigned long)st->drops[i]->packets);
	}
	printf("\n  }\n}\n");
}

static int
show_stats(const Edgeway__ShowReply *s, bool json)
{
	const Edgeway__Stats *st = s->stats;
	size_t i;

	if (st == NULL)
		return ew_ctl_err("empty answer");
	if (json) {
		stats_json(st);
		return 0;
	}
	printf("generation %lu (classifier built %lu times), up %lu s, punted to control %lu\n",
			(unsigned long)st->generation,
			(unsigned long)st->classifier_builds,
			(unsigned long)(st->uptime_ms / 1000),
			(unsigned long)st->punted);
	printf("%-16s %12s  %s\n", "DROP REASON", "PACKETS", "MEANING");
	for (i = 0; i < st->n_drops; i++)
		if (st->drops[i]->packets != 0)
			printf("%-16s %12lu  %s\n", st->drops[i]->reason,
					(unsigned long)st->drops[i]->packets,
					dash(st->drops[i]->help));
	return 0;
}

int
ew_out_show(Edgeway__Show__What what, const Edgeway__ShowReply *s, bool json)
{
	if (s == NULL)
		return ew_ctl_err("empty answer");
	switch (what) {
	case EDGEWAY__SHOW__WHAT__INTERFACES:
		return show_interfaces(s, json);
	case EDGEWAY__SHOW__WHAT__OVERLAYS:
		return show_overlays(s, json);
	case EDGEWAY__SHOW__WHAT__TUNNELS:
		return show_tunnels(s, json);
	case EDGEWAY__SHOW__WHAT__ROUTES:
		return show_routes(s, json);
	case EDGEWAY__SHOW__WHAT__CLASSES:
		return show_classes(s, json);
	case EDGEWAY__SHOW__WHAT__STATS:
		return show_stats(s, json);
	case EDGEWAY__SHOW__WHAT__ROUTE_LOOKUP:
		return show_lookup(s, json);
	default:
		return 0;
	}
}
