/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text format on GET /metrics (control.metrics), served on the
 * control thread's libevent loop. Counters are summed over lcores at scrape
 * time; names follow SPEC.md.
 *
 * The server is a bounded HTTP/1.x responder, one request per connection
 * (Connection: close), not evhttp: libevent 2.1's evhttp has no connection
 * cap and no hook to count or time out its connections. Request line and
 * headers: at most EW_METRICS_MAX_HEADERS bytes (431 beyond); a request
 * must arrive whole within EW_METRICS_TIMEOUT_S of connecting, and the
 * answer be taken within as long again (else the connection is closed); a
 * request body is never read; at most EW_METRICS_MAX_CONNS connections
 * (further ones wait in the listen backlog). Only GET /metrics is
 * answered: 405 for other methods, 404 for other paths, 400 for what is
 * not HTTP. Each refusal is counted in edgeway_metrics_refused_total.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <rte_ethdev.h>

#include "control/daemon.h"
#include "control/export/export.h"
#include "control/probe.h"
#include "fastpath/pmtu.h"

#define EW_METRICS_MAX_HEADERS	8192	/* request line and headers */
#define EW_METRICS_TIMEOUT_S	5
#define EW_METRICS_MAX_CONNS	16

/* what the server turned down, edgeway_metrics_refused_total{reason} */
enum ew_mref {
	EW_MREF_METHOD,		/* 405 */
	EW_MREF_PATH,		/* 404 */
	EW_MREF_MALFORMED,	/* 400 */
	EW_MREF_TOO_LARGE,	/* 431 */
	EW_MREF_TIMEOUT,	/* closed: request or answer too slow */
	EW_MREF_BUSY,		/* at the connection cap: newcomers held back */
	EW_MREF_MAX
};

static const char *const ew_mref_names[EW_MREF_MAX] = {
	"method", "path", "malformed", "too_large", "timeout", "busy",
};

struct ew_metrics;

struct ew_mconn {
	struct ew_metrics *m;
	struct bufferevent *bev;
	struct event *deadline;		/* request in, answer out, by then */
	bool answered;			/* closing once the answer is out */
	struct ew_mconn *next;
};

struct ew_metrics {
	struct evconnlistener *lis;
	struct ew_daemon *d;
	struct ew_mconn *conns;
	unsigned int n_conns;
	bool paused;			/* at the cap: listener disabled */
	uint64_t refused[EW_MREF_MAX];
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
write_interfaces(FILE *f, const struct ew_daemon *d, const struct ew_tables *t,
		const struct ew_lcore_stats *s)
{
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
	unsigned int i, k;

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
			pmd = es.imissed + es.ierrors + es.rx_nombuf + es.oerrors +
					d->dp.afp_drops[i];
		fprintf(f, "edgeway_interface_drops_total{interface=\"%s\"} %" PRIu64 "\n",
				t->ports[i].name, s->port[i].drops + pmd);
	}
}

/* What monitoring measures of each tunnel: up, RTT, jitter, loss. */
static void
write_tunnel_paths(FILE *f, const struct ew_daemon *d, const struct ew_tables *t)
{
	static const char *const meas[][2] = {
		{ "edgeway_tunnel_rtt_seconds", "Smoothed round-trip time of the tunnel's probes (NaN until one is answered)." },
		{ "edgeway_tunnel_jitter_seconds", "Jitter of the probes' round trips, RFC 3550 style." },
		{ "edgeway_tunnel_loss_ratio", "Probes lost over the monitor.window." },
	};
	unsigned int i, k;

	family(f, "edgeway_tunnel_up", "gauge",
			"1 if the tunnel answers its probes (down after monitor.down_after losses in a row).");
	for (i = 0; i < t->n_tunnels; i++) {
		struct ew_path p;

		ew_probe_path(d->probe, t->tun[i].slot, &p);
		fputs("edgeway_tunnel_up{overlay=\"", f);
		lv(f, t->ov[t->tun[i].ox].name);
		fputs("\",tunnel=\"", f);
		lv(f, t->tun[i].name);
		fprintf(f, "\"} %d\n", p.up);
	}
	family(f, "edgeway_tunnel_path_mtu_bytes", "gauge",
			"Underlay path MTU of the tunnel: the WAN's MTU, or less as learnt from ICMP frag needed.");
	for (i = 0; i < t->n_tunnels; i++)
		fprintf(f, "edgeway_tunnel_path_mtu_bytes{overlay=\"%s\",tunnel=\"%s\"} %u\n",
				t->ov[t->tun[i].ox].name, t->tun[i].name,
				ew_pmtu_path(__atomic_load_n(&t->tun_mtu[i], __ATOMIC_RELAXED)));
	for (k = 0; k < RTE_DIM(meas); k++) {
		family(f, meas[k][0], "gauge", meas[k][1]);
		for (i = 0; i < t->n_tunnels; i++) {
			struct ew_path p;
			double v;

			ew_probe_path(d->probe, t->tun[i].slot, &p);
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

static void
write_tunnel_counters(FILE *f, const struct ew_tables *t,
		const struct ew_lcore_stats *s)
{
	unsigned int i;

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
}

/* Classes: their counters, the overlays each uses now, SLA switches. */
static void
write_classes(FILE *f, const struct ew_daemon *d, const struct ew_tables *t,
		const struct ew_lcore_stats *s)
{
	unsigned int k, c;

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
				ew_probe_switches(d->probe, t->classes[c].slot));
}

/* The node's totals: drops by reason, punts, generations, the API and
 * this server. */
static void
write_totals(FILE *f, const struct ew_metrics *m, const struct ew_lcore_stats *s)
{
	const struct ew_daemon *d = m->d;
	unsigned int i;

	family(f, "edgeway_drops_total", "counter", "Packets dropped, by reason.");
	for (i = 0; i < EW_DROP_MAX; i++)
		fprintf(f, "edgeway_drops_total{reason=\"%s\"} %" PRIu64 "\n",
				ew_drop_names[i], s->drop[i]);
	family(f, "edgeway_punted_total", "counter", "Packets handed to the control thread.");
	fprintf(f, "edgeway_punted_total %" PRIu64 "\n", s->punted);
	family(f, "edgeway_arp_moves_total", "counter",
			"Neighbours' MAC changes announced by ARP: followed, held back by the per-address rate limit (limited), refused because a pinned neighbour's old MAC still answered (refused).");
	fprintf(f, "edgeway_arp_moves_total{result=\"followed\"} %" PRIu64 "\n", s->arp_moves);
	fprintf(f, "edgeway_arp_moves_total{result=\"limited\"} %" PRIu64 "\n", s->arp_moves_limited);
	fprintf(f, "edgeway_arp_moves_total{result=\"refused\"} %" PRIu64 "\n", s->arp_moves_refused);
	family(f, "edgeway_generation", "gauge", "Table generations published since start.");
	fprintf(f, "edgeway_generation %" PRIu64 "\n", d->generation);
	family(f, "edgeway_api_requests_total", "counter", "Requests on the control socket.");
	fprintf(f, "edgeway_api_requests_total %" PRIu64 "\n", d->api_requests);
	family(f, "edgeway_api_errors_total", "counter", "Requests refused or failed.");
	fprintf(f, "edgeway_api_errors_total %" PRIu64 "\n", d->api_errors);
	family(f, "edgeway_metrics_refused_total", "counter",
			"Metrics server: requests refused (method 405, path 404, malformed 400, too_large 431), connections closed as too slow (timeout), times the connection cap held newcomers back (busy).");
	for (i = 0; i < EW_MREF_MAX; i++)
		fprintf(f, "edgeway_metrics_refused_total{reason=\"%s\"} %" PRIu64 "\n",
				ew_mref_names[i], m->refused[i]);
}

static void
write_metrics(FILE *f, struct ew_metrics *m)
{
	const struct ew_daemon *d = m->d;
	const struct ew_tables *t = d->dp.tables;
	struct ew_lcore_stats *s = ew_dp_stats_snapshot(&d->dp);

	if (s == NULL)
		return;
	write_interfaces(f, d, t, s);
	write_tunnel_paths(f, d, t);
	write_tunnel_counters(f, t, s);
	write_classes(f, d, t, s);
	write_totals(f, m, s);
	free(s);
}

static void
conn_free(struct ew_mconn *c)
{
	struct ew_metrics *m = c->m;
	struct ew_mconn **p;

	for (p = &m->conns; *p != NULL; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	event_free(c->deadline);
	bufferevent_free(c->bev);
	free(c);
	if (--m->n_conns < EW_METRICS_MAX_CONNS && m->paused) {
		evconnlistener_enable(m->lis);
		m->paused = false;
	}
}

/* Answer and close once it is out. BODY may be NULL. */
static void
answer(struct ew_mconn *c, int code, const char *reason, const char *extra,
		const char *body, size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct timeval tv = { EW_METRICS_TIMEOUT_S, 0 };

	evtimer_add(c->deadline, &tv);	/* as long again to take it */
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
			code, reason, extra, len);
	if (len > 0)
		evbuffer_add(out, body, len);
	c->answered = true;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_enable(c->bev, EV_WRITE);
}

static void
refuse(struct ew_mconn *c, enum ew_mref why, int code, const char *reason,
		const char *extra)
{
	char body[64];
	int n;

	c->m->refused[why]++;
	n = snprintf(body, sizeof(body), "%d %s: only GET /metrics here\n", code,
			reason);
	answer(c, code, reason, extra, body, (size_t)n);
}

/* One request line "METHOD TARGET HTTP/1.x"; the headers are not needed. */
static void
handle(struct ew_mconn *c, char *line)
{
	char *method, *target, *version, *save = NULL, *q;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	method = strtok_r(line, " ", &save);
	target = strtok_r(NULL, " ", &save);
	version = strtok_r(NULL, " ", &save);
	if (method == NULL || target == NULL || version == NULL ||
			strtok_r(NULL, " ", &save) != NULL ||
			strncmp(version, "HTTP/1.", 7) != 0) {
		refuse(c, EW_MREF_MALFORMED, 400, "Bad Request", "");
		return;
	}
	if (strcmp(method, "GET") != 0) {
		refuse(c, EW_MREF_METHOD, 405, "Method Not Allowed", "Allow: GET\r\n");
		return;
	}
	q = strchr(target, '?');
	if (q != NULL)
		*q = '\0';
	if (strcmp(target, "/metrics") != 0) {
		refuse(c, EW_MREF_PATH, 404, "Not Found", "");
		return;
	}
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		answer(c, 500, "Internal Server Error", "", NULL, 0);
		return;
	}
	write_metrics(f, c->m);
	fclose(f);
	answer(c, 200, "OK", "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n",
			buf, len);
	free(buf);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct ew_mconn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr end;
	char *line;

	if (c->answered)
		return;
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0) {
		/* a bare "\n\n" ends a request too, for hand-typed ones */
		end = evbuffer_search(in, "\n\n", 2, NULL);
	}
	if (end.pos < 0) {
		if (evbuffer_get_length(in) >= EW_METRICS_MAX_HEADERS)
			refuse(c, EW_MREF_TOO_LARGE, 431,
					"Request Header Fields Too Large", "");
		return;		/* wait for the rest, until the deadline */
	}
	line = evbuffer_readln(in, NULL, EVBUFFER_EOL_CRLF);
	if (line == NULL) {
		refuse(c, EW_MREF_MALFORMED, 400, "Bad Request", "");
		return;
	}
	handle(c, line);
	free(line);
}

/* Output drained: after the answer, close. */
static void
on_write(struct bufferevent *bev, void *arg)
{
	struct ew_mconn *c = arg;

	if (c->answered)
		conn_free(c);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	conn_free(arg);
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct ew_mconn *c = arg;

	c->m->refused[EW_MREF_TIMEOUT]++;
	conn_free(c);
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
		int socklen, void *arg)
{
	struct ew_metrics *m = arg;
	struct event_base *base = evconnlistener_get_base(lis);
	struct timeval tv = { EW_METRICS_TIMEOUT_S, 0 };
	struct ew_mconn *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->m = m;
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(base, on_deadline, c);
	if (c->bev == NULL || c->deadline == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->deadline != NULL)
			event_free(c->deadline);
		free(c);
		return;
	}
	/* the request line and headers, and no more, are buffered */
	bufferevent_setwatermark(c->bev, EV_READ, 0, EW_METRICS_MAX_HEADERS);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ);
	/* the request whole within the timeout; the answer taken within as
	 * long again (the deadline is pushed out when the request is in) */
	evtimer_add(c->deadline, &tv);
	c->next = m->conns;
	m->conns = c;
	/* at the cap, stop accepting: newcomers wait in the backlog */
	if (++m->n_conns >= EW_METRICS_MAX_CONNS) {
		evconnlistener_disable(lis);
		m->paused = true;
		m->refused[EW_MREF_BUSY]++;
	}
}

struct ew_metrics *
ew_metrics_open(struct event_base *base, struct ew_daemon *d, const char *addr,
		char *err, size_t errlen)
{
	struct ew_metrics *m = calloc(1, sizeof(*m));
	struct sockaddr_in sin;
	char host[64];
	const char *colon = strrchr(addr, ':');

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (m == NULL || colon == NULL || (size_t)(colon - addr) >= sizeof(host)) {
		free(m);
		snprintf(err, errlen, "control.metrics '%s' is not ADDRESS:PORT", addr);
		return NULL;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		free(m);
		snprintf(err, errlen, "control.metrics '%s' is not ADDRESS:PORT", addr);
		return NULL;
	}
	m->d = d;
	m->lis = evconnlistener_new_bind(base, on_accept, m,
			LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE,
			64, (struct sockaddr *)&sin, sizeof(sin));
	if (m->lis == NULL) {
		snprintf(err, errlen, "control.metrics: cannot listen on %s (in use, or no such address here?)",
				addr);
		free(m);
		return NULL;
	}
	return m;
}

void
ew_metrics_close(struct ew_metrics *m)
{
	if (m == NULL)
		return;
	while (m->conns != NULL)
		conn_free(m->conns);
	evconnlistener_free(m->lis);
	free(m);
}
