/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config back out: as YAML that ew_config_load() reads to an equal
 * config (save), and as a deep copy (changes are made on a copy, never on
 * the running config).
 */

#include <stdlib.h>
#include <string.h>

#include "config/config.h"

/* A double-quoted YAML scalar. */
static void
q(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);	/* YAML double-quoted escape */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *
pfx(const struct ew_prefix *p, char *b, size_t n)
{
	return ew_prefix_str(p, b, n);
}

static void
save_match(FILE *f, const struct ew_match_cfg *m)
{
	const char *sep = "";
	char b[40];
	unsigned int i;

	fputs("      - {", f);
	if (m->proto >= 0) {
		if (m->proto == 6)
			fprintf(f, " proto: tcp");
		else if (m->proto == 17)
			fprintf(f, " proto: udp");
		else if (m->proto == 1)
			fprintf(f, " proto: icmp");
		else
			fprintf(f, " proto: %d", m->proto);
		sep = ",";
	}
	if (m->src.len > 0) {
		fprintf(f, "%s src: %s", sep, pfx(&m->src, b, sizeof(b)));
		sep = ",";
	}
	if (m->dst.len > 0) {
		fprintf(f, "%s dst: %s", sep, pfx(&m->dst, b, sizeof(b)));
		sep = ",";
	}
	if (m->sport_lo != 0 || m->sport_hi != 65535) {
		fprintf(f, "%s src_port: %u-%u", sep, m->sport_lo, m->sport_hi);
		sep = ",";
	}
	if (m->dport_lo != 0 || m->dport_hi != 65535) {
		fprintf(f, "%s dst_port: %u-%u", sep, m->dport_lo, m->dport_hi);
		sep = ",";
	}
	if (m->n_ingress > 0) {
		fprintf(f, "%s ingress: [", sep);
		for (i = 0; i < m->n_ingress; i++)
			fprintf(f, "%s%s", i ? ", " : "", m->ingress_ref[i].name);
		fputc(']', f);
		sep = ",";
	}
	if (m->dscp >= 0)
		fprintf(f, "%s dscp: %d", sep, m->dscp);
	fputs(" }\n", f);
}

char *
ew_config_save(const struct ew_config *cfg)
{
	char *buf = NULL, b[40], c[40];
	size_t len = 0;
	unsigned int i, k;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	fprintf(f, "# edgeway running configuration\nnode:\n  name: %s\n\n",
			cfg->node_name);
	fprintf(f, "dataplane:\n  workers: %u\n", cfg->workers);
	if (cfg->n_eal_args > 0) {
		fputs("  eal: [", f);
		for (i = 0; i < cfg->n_eal_args; i++) {
			fputs(i ? ", " : "", f);
			q(f, cfg->eal_args[i]);
		}
		fputs("]\n", f);
	}
	fprintf(f, "  mbufs: %u\n  idle: %s\n\n", cfg->mbufs,
			cfg->idle == EW_IDLE_POLL ? "poll" : "adaptive");
	fputs("control:\n  socket: ", f);
	q(f, cfg->socket);
	fputc('\n', f);
	if (cfg->metrics[0] != '\0')
		fprintf(f, "  metrics: %s\n", cfg->metrics);

	fputs("\ninterfaces:\n", f);
	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct ew_iface_cfg *ic = &cfg->ifaces[i];

		fprintf(f, "  - name: %s\n    role: %s\n    device: ", ic->name,
				ew_role_name(ic->role));
		q(f, ic->device);
		fprintf(f, "\n    address: %s\n", pfx(&ic->address, b, sizeof(b)));
		if (ic->gateway != 0)
			fprintf(f, "    gateway: %s\n", ew_ipv4_str(ic->gateway, b, sizeof(b)));
		fprintf(f, "    mtu: %u\n", ic->mtu);
		if (ic->n_routes > 0) {
			fputs("    routes:\n", f);
			for (k = 0; k < ic->n_routes; k++)
				fprintf(f, "      - { prefix: %s, via: %s }\n",
						pfx(&ic->routes[k].prefix, b, sizeof(b)),
						ew_ipv4_str(ic->routes[k].via, c, sizeof(c)));
		}
		if (ic->n_neighbors > 0) {
			fputs("    neighbors:\n", f);
			for (k = 0; k < ic->n_neighbors; k++)
				fprintf(f, "      - { address: %s, mac: \"%s\" }\n",
						ew_ipv4_str(ic->neighbors[k].addr, b, sizeof(b)),
						ew_mac_str(ic->neighbors[k].mac, c, sizeof(c)));
		}
	}

	if (cfg->n_overlays > 0)
		fputs("\noverlays:\n", f);
	for (i = 0; i < cfg->n_overlays; i++) {
		const struct ew_overlay_cfg *ov = &cfg->overlays[i];

		fprintf(f, "  - name: %s\n    id: %u\n    encap: %s\n    address: %s\n",
				ov->name, ov->id, ew_encap_name(ov->encap),
				pfx(&ov->address, b, sizeof(b)));
		if (ov->mtu_set)
			fprintf(f, "    mtu: %u\n", ov->mtu);
		fprintf(f, "    mss_clamp: %s\n", ov->mss_clamp ? "true" : "false");
		if (ov->n_tunnels > 0) {
			fputs("    tunnels:\n", f);
			for (k = 0; k < ov->n_tunnels; k++) {
				const struct ew_tunnel_cfg *t = &ov->tunnels[k];

				fprintf(f, "      - { name: %s, wan: %s, remote: %s, peer: %s, probe: %s",
						t->name, t->wan_ref.name,
						ew_ipv4_str(t->remote, b, sizeof(b)),
						ew_ipv4_str(t->peer, c, sizeof(c)),
						ew_probe_name(t->probe));
				if (t->peer_mac_set)
					fprintf(f, ", peer_mac: \"%s\"",
							ew_mac_str(t->peer_mac, b, sizeof(b)));
				fputs(" }\n", f);
			}
		}
		if (ov->n_routes > 0) {
			fputs("    routes:\n", f);
			for (k = 0; k < ov->n_routes; k++)
				fprintf(f, "      - { prefix: %s, via: %s }\n",
						pfx(&ov->routes[k].prefix, b, sizeof(b)),
						ov->routes[k].via_ref.name);
		}
	}

	if (cfg->n_classes > 0)
		fputs("\nclasses:\n", f);
	for (i = 0; i < cfg->n_classes; i++) {
		const struct ew_class_cfg *cl = &cfg->classes[i];

		fprintf(f, "  - name: %s\n", cl->name);
		if (cl->n_match > 0) {
			fputs("    match:\n", f);
			for (k = 0; k < cl->n_match; k++)
				save_match(f, &cl->match[k]);
		}
		fputs("    overlays: [", f);
		for (k = 0; k < cl->n_overlays; k++)
			fprintf(f, "%s%s", k ? ", " : "", cl->overlay_refs[k].name);
		fputs("]\n", f);
		if (cl->sla.set) {
			const char *sep = "";

			fputs("    sla: {", f);
			if (cl->sla.latency_ms >= 0) {
				fprintf(f, " latency_ms: %.15g", cl->sla.latency_ms);
				sep = ",";
			}
			if (cl->sla.jitter_ms >= 0) {
				fprintf(f, "%s jitter_ms: %.15g", sep, cl->sla.jitter_ms);
				sep = ",";
			}
			if (cl->sla.loss_pct >= 0)
				fprintf(f, "%s loss_pct: %.15g", sep, cl->sla.loss_pct);
			fputs(" }\n", f);
		}
		if (cl->balance == EW_BALANCE_FLOW)
			fputs("    balance: flow\n", f);
		if (cl->dscp >= 0)
			fprintf(f, "    dscp: %d\n", cl->dscp);
	}
	fprintf(f, "\nmonitor:\n  interval_ms: %u\n  window: %u\n  down_after: %u\n  hold_down_ms: %u\n",
			cfg->monitor.interval_ms, cfg->monitor.window,
			cfg->monitor.down_after, cfg->monitor.hold_down_ms);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void *
dup_mem(const void *p, size_t size, bool *fail)
{
	void *m;

	if (p == NULL || size == 0)
		return NULL;
	m = malloc(size);
	if (m == NULL) {
		*fail = true;
		return NULL;
	}
	memcpy(m, p, size);
	return m;
}

struct ew_config *
ew_config_dup(const struct ew_config *src)
{
	struct ew_config *c = malloc(sizeof(*c));
	bool fail = false;
	unsigned int i;

	if (c == NULL)
		return NULL;
	*c = *src;
	for (i = 0; i < src->n_eal_args; i++) {
		c->eal_args[i] = strdup(src->eal_args[i]);
		fail |= c->eal_args[i] == NULL;
	}
	for (i = 0; i < src->n_ifaces; i++)
		c->ifaces[i].routes = dup_mem(src->ifaces[i].routes,
				src->ifaces[i].n_routes * sizeof(*src->ifaces[i].routes),
				&fail);
	for (i = 0; i < src->n_ifaces; i++)
		c->ifaces[i].neighbors = dup_mem(src->ifaces[i].neighbors,
				src->ifaces[i].n_neighbors * sizeof(*src->ifaces[i].neighbors),
				&fail);
	c->overlays = dup_mem(src->overlays, src->n_overlays * sizeof(*src->overlays),
			&fail);
	for (i = 0; c->overlays != NULL && i < src->n_overlays; i++) {
		const struct ew_overlay_cfg *o = &src->overlays[i];

		c->overlays[i].tunnels = dup_mem(o->tunnels,
				o->n_tunnels * sizeof(*o->tunnels), &fail);
		c->overlays[i].routes = dup_mem(o->routes,
				o->n_routes * sizeof(*o->routes), &fail);
	}
	c->classes = dup_mem(src->classes, src->n_classes * sizeof(*src->classes),
			&fail);
	for (i = 0; c->classes != NULL && i < src->n_classes; i++) {
		const struct ew_class_cfg *k = &src->classes[i];

		c->classes[i].match = dup_mem(k->match, k->n_match * sizeof(*k->match),
				&fail);
		c->classes[i].overlay_refs = dup_mem(k->overlay_refs,
				k->n_overlays * sizeof(*k->overlay_refs), &fail);
		c->classes[i].overlays = dup_mem(k->overlays,
				k->n_overlays * sizeof(*k->overlays), &fail);
	}
	if (fail) {
		ew_config_free(c);
		return NULL;
	}
	return c;
}
