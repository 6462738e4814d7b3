/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text format on GET /metrics (control.metrics), served by
 * libevent's evhttp on the control thread's loop. Counters are summed over
 * lcores at scrape time; names follow SPEC.md.
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include <rte_ethdev.h>

#include "control/daemon.h"
#include "control/probe.h"

struct ew_metrics {
	struct evhttp *http;
	struct ew_daemon *d;
};

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values here are names ([a-z0-9-]) and drop reasons; escape anyway. */
static void
lv(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
write_metrics(FILE *f, struct ew_daemon *d)
{
	const struct ew_tables *t = d->dp.tables;
	struct ew_lcore_stats *s = ew_dp_stats_snapshot(&d->dp);
	static const struct {
		const char *name, *help;
		size_t off;
	} ifc[] = {
		{ "edgeway_interface_rx_packets_total", "Packets received on an interface.",
			offsetof(struct ew_port_stats, rx_packets) },
		{ "edgeway_interface_tx_packets_total", "Packets sent on an interface.",
			offsetof(struct ew_port_stats, tx_packets) },
		{ "edgeway_interface_rx_bytes_total", "Bytes received on an interface.",
			offsetof(struct ew_port_stats, rx_bytes) },
		{ "edgeway_interface_tx_bytes_total", "Bytes sent on an interface.",
			offsetof(struct ew_port_stats, tx_bytes) },
	};
	unsigned int i, k, c;

	if (s == NULL)
		return;
	for (k = 0; k < RTE_DIM(ifc); k++) {
		family(f, ifc[k].name, "counter", ifc[k].help);
		for (i = 0; i < t->n_ports; i++)
			fprintf(f, "%s{interface=\"%s\"} %" PRIu64 "\n", ifc[k].name,
					t->ports[i].name,
					*(const uint64_t *)((const char *)&s->port[i] + ifc[k].off));
	}
	family(f, "edgeway_interface_drops_total", "counter",
			"Packets dropped on an interface: by edgeway, and by the device/kernel ring (missed, errors, no mbuf).");
	for (i = 0; i < t->n_ports; i++) {
		struct rte_eth_stats es;
		uint64_t pmd = 0;

		if (rte_eth_stats_get(t->ports[i].port_id, &es) == 0)
			pmd = es.imissed + es.ierrors + es.rx_nombuf + es.oerrors;
		fprintf(f, "edgeway_interface_drops_total{interface=\"%s\"} %" PRIu64 "\n",
				t->ports[i].name, s->port[i].drops + pmd);
	}

	family(f, "edgeway_tunnel_up", "gauge",
			"1 if the tunnel answers its probes (down after monitor.down_after losses in a row).");
	for (i = 0; i < t->n_tunnels; i++) {
		struct ew_path p;

		ew_probe_path(d, t->tun[i].slot, &p);
		fputs("edgeway_tunnel_up{overlay=\"", f);
		lv(f, t->ov[t->tun[i].ox].name);
		fputs("\",tunnel=\"", f);
		lv(f, t->tun[i].name);
		fprintf(f, "\"} %d\n", p.up);
	}
	{
		static const char *const meas[][2] = {
			{ "edgeway_tunnel_rtt_seconds", "Smoothed round-trip time of the tunnel's probes (NaN until one is answered)." },
			{ "edgeway_tunnel_jitter_seconds", "Jitter of the probes' round trips, RFC 3550 style." },
			{ "edgeway_tunnel_loss_ratio", "Probes lost over the monitor.window." },
		};

		for (k = 0; k < RTE_DIM(meas); k++) {
			family(f, meas[k][0], "gauge", meas[k][1]);
			for (i = 0; i < t->n_tunnels; i++) {
				struct ew_path p;
				double v;

				ew_probe_path(d, t->tun[i].slot, &p);
				v = k == 0 ? p.rtt_ms / 1e3 : k == 1 ? p.jitter_ms / 1e3 :
						p.loss_pct / 100;
				fprintf(f, "%s{overlay=\"%s\",tunnel=\"%s\"} ",
						meas[k][0], t->ov[t->tun[i].ox].name,
						t->tun[i].name);
				if (isnan(v))
					fputs("NaN\n", f);
				else
					fprintf(f, "%.9g\n", v);
			}
		}
	}
	family(f, "edgeway_tunnel_tx_packets_total", "counter", "Packets sent into a tunnel.");
	for (i = 0; i < t->n_tunnels; i++)
		fprintf(f, "edgeway_tunnel_tx_packets_total{overlay=\"%s\",tunnel=\"%s\"} %" PRIu64 "\n",
				t->ov[t->tun[i].ox].name, t->tun[i].name,
				s->tunnel[t->tun[i].slot].tx_packets);
	family(f, "edgeway_tunnel_rx_packets_total", "counter", "Packets received from a tunnel.");
	for (i = 0; i < t->n_tunnels; i++)
		fprintf(f, "edgeway_tunnel_rx_packets_total{overlay=\"%s\",tunnel=\"%s\"} %" PRIu64 "\n",
				t->ov[t->tun[i].ox].name, t->tun[i].name,
				s->tunnel[t->tun[i].slot].rx_packets);

	family(f, "edgeway_class_packets_total", "counter", "Packets classified into a class and sent.");
	for (c = 0; c < t->n_classes; c++)
		fprintf(f, "edgeway_class_packets_total{class=\"%s\"} %" PRIu64 "\n",
				t->classes[c].name, s->cls[t->classes[c].slot].packets);
	family(f, "edgeway_class_bytes_total", "counter", "Bytes classified into a class and sent.");
	for (c = 0; c < t->n_classes; c++)
		fprintf(f, "edgeway_class_bytes_total{class=\"%s\"} %" PRIu64 "\n",
				t->classes[c].name, s->cls[t->classes[c].slot].bytes);
	family(f, "edgeway_class_drops_total", "counter", "Packets of a class no overlay could route.");
	for (c = 0; c < t->n_classes; c++)
		fprintf(f, "edgeway_class_drops_total{class=\"%s\"} %" PRIu64 "\n",
				t->classes[c].name, s->cls[t->classes[c].slot].drops);
	family(f, "edgeway_class_active", "gauge",
			"1 for the overlays a class uses now (its SLA's choice; with balance, all it allows).");
	for (c = 0; c < t->n_classes; c++)
		for (k = 0; k < t->classes[c].n_ov; k++)
			fprintf(f, "edgeway_class_active{class=\"%s\",overlay=\"%s\"} %d\n",
					t->classes[c].name,
					t->ov[t->classes[c].ov[k]].name,
					k == 0 || (t->classes[c].balance && k < t->classes[c].n_pref));
	family(f, "edgeway_class_switches_total", "counter",
			"Times the SLA engine moved a class to another overlay.");
	for (c = 0; c < t->n_classes; c++)
		fprintf(f, "edgeway_class_switches_total{class=\"%s\"} %" PRIu64 "\n",
				t->classes[c].name,
				d->sla[t->classes[c].slot] != NULL ?
				d->sla[t->classes[c].slot]->switches : 0);

	family(f, "edgeway_drops_total", "counter", "Packets dropped, by reason.");
	for (i = 0; i < EW_DROP_MAX; i++)
		fprintf(f, "edgeway_drops_total{reason=\"%s\"} %" PRIu64 "\n",
				ew_drop_names[i], s->drop[i]);
	family(f, "edgeway_punted_total", "counter", "Packets handed to the control thread.");
	fprintf(f, "edgeway_punted_total %" PRIu64 "\n", s->punted);
	family(f, "edgeway_generation", "gauge", "Table generations published since start.");
	fprintf(f, "edgeway_generation %" PRIu64 "\n", d->generation);
	family(f, "edgeway_api_requests_total", "counter", "Requests on the control socket.");
	fprintf(f, "edgeway_api_requests_total %" PRIu64 "\n", d->api_requests);
	family(f, "edgeway_api_errors_total", "counter", "Requests refused or failed.");
	fprintf(f, "edgeway_api_errors_total %" PRIu64 "\n", d->api_errors);
	free(s);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct ew_metrics *m = arg;
	struct evbuffer *out;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET ||
			strcmp(evhttp_request_get_uri(req), "/metrics") != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, "only GET /metrics here");
		return;
	}
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	write_metrics(f, m->d);
	fclose(f);
	out = evbuffer_new();
	evbuffer_add(out, buf, len);
	free(buf);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			"text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, HTTP_OK, "OK", out);
	evbuffer_free(out);
}

struct ew_metrics *
ew_metrics_open(struct event_base *base, struct ew_daemon *d, const char *addr,
		char *err, size_t errlen)
{
	struct ew_metrics *m = calloc(1, sizeof(*m));
	char host[64];
	const char *colon = strrchr(addr, ':');

	if (m == NULL || colon == NULL || (size_t)(colon - addr) >= sizeof(host)) {
		free(m);
		snprintf(err, errlen, "control.metrics '%s' is not ADDRESS:PORT", addr);
		return NULL;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	m->d = d;
	m->http = evhttp_new(base);
	if (m->http == NULL ||
			evhttp_bind_socket(m->http, host, (uint16_t)atoi(colon + 1)) != 0) {
		snprintf(err, errlen, "control.metrics: cannot listen on %s (in use, or no such address here?)",
				addr);
		if (m->http != NULL)
			evhttp_free(m->http);
		free(m);
		return NULL;
	}
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET);
	evhttp_set_gencb(m->http, on_request, m);
	return m;
}

void
ew_metrics_close(struct ew_metrics *m)
{
	if (m == NULL)
		return;
	evhttp_free(m->http);
	free(m);
}
