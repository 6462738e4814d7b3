/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * API dispatch: one Request frame in, one Response frame out. Reads are
 * answered from the current table generation and summed counters; changes
 * are made by change.c and go through the daemon's commit path (a new
 * generation, published by RCU, or nothing at all).
 */

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "control/api/api.h"
#include "control/api/change.h"
#include "control/daemon.h"
#include "control/probe.h"
#include "fastpath/neigh.h"
#include "fastpath/pmtu.h"

#include "edgeway.pb-c.h"

/* Everything allocated while building one response, freed together. */
struct arena {
	void **p;
	size_t n, cap;
};

static void *
aalloc(struct arena *a, size_t size)
{
	void *m;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **p = realloc(a->p, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		a->p = p;
		a->cap = cap;
	}
	m = calloc(1, size ? size : 1);
	if (m != NULL)
		a->p[a->n++] = m;
	return m;
}

/* Make the arena own P (malloc'd elsewhere). */
static int
aadopt(struct arena *a, void *p)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **np = realloc(a->p, cap * sizeof(*np));

		if (np == NULL)
			return -1;
		a->p = np;
		a->cap = cap;
	}
	a->p[a->n++] = p;
	return 0;
}

static char *
astr(struct arena *a, const char *fmt, ...)
{
	char buf[512], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = aalloc(a, strlen(buf) + 1);
	if (s != NULL)
		strcpy(s, buf);
	return s != NULL ? s : (char *)"";
}

static void
afree(struct arena *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->p[i]);
	free(a->p);
}

static char *
aip(struct arena *a, uint32_t ip)
{
	char b[16];

	return astr(a, "%s", ew_ipv4_str(ip, b, sizeof(b)));
}

static char *
apfx(struct arena *a, uint32_t ip, uint8_t len)
{
	struct ew_prefix p = { ip, len };
	char b[40];

	return astr(a, "%s", ew_prefix_str(&p, b, sizeof(b)));
}

#define ANEW(a, type, init) ({ type *_x = aalloc((a), sizeof(type)); \
	if (_x != NULL) { type _i = init; *_x = _i; } _x; })
#define AARR(a, type, n) ((type **)aalloc((a), sizeof(type *) * ((n) + 1)))

static void
set_error(struct arena *a, Edgeway__Response *r, Edgeway__Code code,
		const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->code = code;
	r->errors = AARR(a, char, 1);
	r->errors[0] = astr(a, "%s", buf);
	r->n_errors = 1;
}

static void
set_diag(struct arena *a, Edgeway__Response *r, const struct ew_diag *d)
{
	unsigned int i, n = d->n < EW_DIAG_MAX ? d->n : EW_DIAG_MAX;

	r->code = EDGEWAY__CODE__REFUSED;
	r->errors = AARR(a, char, n + 1);
	for (i = 0; i < n; i++)
		r->errors[i] = astr(a, "%s", d->msg[i]);
	r->n_errors = n;
	if (d->n > EW_DIAG_MAX)
		r->errors[r->n_errors++] = astr(a, "(%u more errors not shown)",
				d->n - EW_DIAG_MAX);
}

/* ---- show ---- */

static void
show_interfaces(struct arena *a, const struct ew_daemon *d,
		const struct ew_lcore_stats *s, Edgeway__ShowReply *sr)
{
	const struct ew_tables *t = d->dp.tables;
	const struct ew_config *cfg = t->cfg;
	struct rte_eth_stats es;
	unsigned int i, k;

	sr->interfaces = AARR(a, Edgeway__Interface, t->n_ports);
	for (i = 0; i < t->n_ports; i++) {
		const struct ew_iface_cfg *ic = &cfg->ifaces[i];
		Edgeway__Interface *m = ANEW(a, Edgeway__Interface,
				EDGEWAY__INTERFACE__INIT);
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		m->name = astr(a, "%s", ic->name);
		m->role = astr(a, "%s", ew_role_name(ic->role));
		m->device = astr(a, "%s", ic->device);
		m->address = apfx(a, ic->address.addr, ic->address.len);
		m->gateway = ic->gateway ? aip(a, ic->gateway) : (char *)"";
		m->mtu = ic->mtu;
		rte_ether_format_addr(mac, sizeof(mac), &t->ports[i].mac);
		m->mac = astr(a, "%s", mac);
		m->routes = AARR(a, Edgeway__LanRoute, ic->n_routes);
		for (k = 0; k < ic->n_routes; k++) {
			Edgeway__LanRoute *r = ANEW(a, Edgeway__LanRoute,
					EDGEWAY__LAN_ROUTE__INIT);

			r->prefix = apfx(a, ic->routes[k].prefix.addr,
					ic->routes[k].prefix.len);
			r->via = aip(a, ic->routes[k].via);
			m->routes[m->n_routes++] = r;
		}
		m->rx_packets = s->port[i].rx_packets;
		m->tx_packets = s->port[i].tx_packets;
		m->rx_bytes = s->port[i].rx_bytes;
		m->tx_bytes = s->port[i].tx_bytes;
		/* drops before edgeway saw the packet, as the PMD counts them */
		if (rte_eth_stats_get(t->ports[i].port_id, &es) == 0) {
			m->rx_missed = es.imissed + d->dp.afp_drops[i];
			m->rx_errors = es.ierrors;
			m->rx_nombuf = es.rx_nombuf;
			m->tx_errors = es.oerrors;
		}
		m->drops = s->port[i].drops + m->rx_missed + m->rx_errors +
				m->rx_nombuf + m->tx_errors;
		sr->interfaces[sr->n_interfaces++] = m;
	}
}

static Edgeway__Tunnel *
tunnel_msg(struct arena *a, const struct ew_daemon *d, const struct ew_tables *t,
		unsigned int tun, const struct ew_lcore_stats *s)
{
	const struct ew_tunnel *tu = &t->tun[tun];
	Edgeway__Tunnel *m = ANEW(a, Edgeway__Tunnel, EDGEWAY__TUNNEL__INIT);

	m->overlay = astr(a, "%s", t->ov[tu->ox].name);
	m->name = astr(a, "%s", tu->name);
	m->wan = astr(a, "%s", t->ports[tu->ifx].name);
	m->remote = aip(a, tu->remote);
	m->peer = aip(a, tu->peer);
	if (d != NULL) {
		const struct ew_mon *mon = ew_probe_mon(d->probe, tu->slot);
		struct ew_path p;

		ew_probe_path(d->probe, tu->slot, &p);
		m->up = p.up;
		m->rtt_ms = isnan(p.rtt_ms) ? 0 : p.rtt_ms;
		m->jitter_ms = isnan(p.jitter_ms) ? 0 : p.jitter_ms;
		m->loss_pct = isnan(p.loss_pct) ? 0 : p.loss_pct;
		if (mon != NULL) {
			m->rtt_last_ms = mon->rtt_ns / 1e6;
			m->probe_unmatched = mon->unmatched;
		}
		m->probe_active = (char *)ew_probe_active(d->probe, tu->slot);
	}
	m->probe = (char *)ew_probe_name(tu->probe);
	m->df = (char *)ew_df_name(tu->df_clear ? EW_DF_CLEAR : EW_DF_SET);
	if (t->tun_mtu != NULL) {
		uint64_t w = __atomic_load_n(&t->tun_mtu[tun], __ATOMIC_RELAXED);

		m->path_mtu = ew_pmtu_path(w);
		m->mtu = ew_pmtu_inner(w);
	}
	if (t->cfg != NULL && tu->ox < t->cfg->n_overlays) {
		const struct ew_overlay_cfg *oc = &t->cfg->overlays[tu->ox];
		unsigned int k;

		for (k = 0; k < oc->n_tunnels; k++)
			if (strcmp(oc->tunnels[k].name, tu->name) == 0 &&
					oc->tunnels[k].peer_mac_set) {
				char b[20];

				m->peer_mac = astr(a, "%s", ew_mac_str(
						oc->tunnels[k].peer_mac, b, sizeof(b)));
			}
	}
	if (s != NULL) {
		m->tx_packets = s->tunnel[tu->slot].tx_packets;
		m->rx_packets = s->tunnel[tu->slot].rx_packets;
		m->tx_bytes = s->tunnel[tu->slot].tx_bytes;
		m->rx_bytes = s->tunnel[tu->slot].rx_bytes;
	}
	return m;
}

static Edgeway__Route *
route_msg(struct arena *a, const struct ew_overlay_cfg *oc, unsigned int r)
{
	Edgeway__Route *m = ANEW(a, Edgeway__Route, EDGEWAY__ROUTE__INIT);

	m->overlay = astr(a, "%s", oc->name);
	m->prefix = apfx(a, oc->routes[r].prefix.addr, oc->routes[r].prefix.len);
	m->via = astr(a, "%s", oc->routes[r].via_ref.name);
	return m;
}

static int
show_overlays(struct arena *a, const struct ew_daemon *d,
		const struct ew_lcore_stats *s, Edgeway__ShowReply *sr,
		Edgeway__Show__What what, const char *only)
{
	const struct ew_tables *t = d->dp.tables;
	const struct ew_config *cfg = t->cfg;
	unsigned int o, k, tun = 0, found = 0;

	sr->overlays = AARR(a, Edgeway__Overlay, cfg->n_overlays);
	sr->tunnels = AARR(a, Edgeway__Tunnel, t->n_tunnels);
	sr->routes = NULL;
	for (o = 0; o < cfg->n_overlays; o++) {
		const struct ew_overlay_cfg *oc = &cfg->overlays[o];
		Edgeway__Overlay *m;

		if (only[0] != '\0' && strcmp(only, oc->name) != 0) {
			tun += oc->n_tunnels;
			continue;
		}
		found++;
		if (what == EDGEWAY__SHOW__WHAT__TUNNELS) {
			for (k = 0; k < oc->n_tunnels; k++)
				sr->tunnels[sr->n_tunnels++] = tunnel_msg(a, d, t, tun + k, s);
			tun += oc->n_tunnels;
			continue;
		}
		if (what == EDGEWAY__SHOW__WHAT__ROUTES) {
			Edgeway__Route **r = AARR(a, Edgeway__Route,
					sr->n_routes + oc->n_routes);

			if (sr->n_routes)
				memcpy(r, sr->routes, sr->n_routes * sizeof(*r));
			sr->routes = r;
			for (k = 0; k < oc->n_routes; k++)
				sr->routes[sr->n_routes++] = route_msg(a, oc, k);
			tun += oc->n_tunnels;
			continue;
		}
		m = ANEW(a, Edgeway__Overlay, EDGEWAY__OVERLAY__INIT);
		m->name = astr(a, "%s", oc->name);
		m->id = oc->id;
		m->encap = astr(a, "%s", ew_encap_name(oc->encap));
		m->address = apfx(a, oc->address.addr, oc->address.len);
		m->mtu = oc->mtu;
		m->mss_clamp = oc->mss_clamp ? EDGEWAY__TOGGLE__TOGGLE_ON :
				EDGEWAY__TOGGLE__TOGGLE_OFF;
		m->tunnels = AARR(a, Edgeway__Tunnel, oc->n_tunnels);
		for (k = 0; k < oc->n_tunnels; k++)
			m->tunnels[m->n_tunnels++] = tunnel_msg(a, d, t, tun + k, s);
		tun += oc->n_tunnels;
		m->routes = AARR(a, Edgeway__Route, oc->n_routes);
		for (k = 0; k < oc->n_routes; k++)
			m->routes[m->n_routes++] = route_msg(a, oc, k);
		sr->overlays[sr->n_overlays++] = m;
	}
	return only[0] != '\0' && found == 0 ? -1 : 0;
}

static const char *
proto_name(struct arena *a, int p)
{
	if (p < 0)
		return "";
	if (p == 6)
		return "tcp";
	if (p == 17)
		return "udp";
	if (p == 1)
		return "icmp";
	return astr(a, "%d", p);
}

static char *
port_range(struct arena *a, uint16_t lo, uint16_t hi)
{
	if (lo == 0 && hi == 65535)
		return (char *)"";
	if (lo == hi)
		return astr(a, "%u", lo);
	return astr(a, "%u-%u", lo, hi);
}

static void
show_classes(struct arena *a, const struct ew_daemon *d,
		const struct ew_lcore_stats *s, Edgeway__ShowReply *sr)
{
	const struct ew_tables *t = d->dp.tables;
	const struct ew_config *cfg = t->cfg;
	unsigned int c, k, j;

	sr->classes = AARR(a, Edgeway__Class, t->n_classes);
	for (c = 0; c < t->n_classes; c++) {
		const struct ew_class *cl = &t->classes[c];
		Edgeway__Class *m = ANEW(a, Edgeway__Class, EDGEWAY__CLASS__INIT);
		const struct ew_class_cfg *cc = c < cfg->n_classes ?
				&cfg->classes[c] : NULL;

		m->name = astr(a, "%s", cl->name);
		m->overlays = AARR(a, char, cl->n_ov);
		for (k = 0; k < cl->n_ov; k++)
			m->overlays[m->n_overlays++] = astr(a, "%s", t->ov[cl->ov[k]].name);
		/* without monitoring every overlay is usable: the active one is
		 * the first in preference order (per destination, the first
		 * that routes it); with balance, all of them */
		m->active_overlays = AARR(a, char, cl->n_ov);
		for (k = 0; k < cl->n_ov && (k == 0 || (cl->balance && k < cl->n_pref)); k++)
			m->active_overlays[m->n_active_overlays++] =
					astr(a, "%s", t->ov[cl->ov[k]].name);
		/* the configured order (the generation puts the SLA's choice first) */
		if (cc != NULL) {
			m->n_overlays = 0;
			for (k = 0; k < cc->n_overlays; k++)
				m->overlays[m->n_overlays++] =
						astr(a, "%s", cc->overlay_refs[k].name);
		}
		m->balance = astr(a, "%s", cc != NULL &&
				cc->balance == EW_BALANCE_FLOW ? "flow" : "none");
		m->dscp = cc != NULL && cc->dscp > 0 ? cc->dscp : 0;
		if (cc != NULL && cc->sla.set) {
			m->sla = ANEW(a, Edgeway__Sla, EDGEWAY__SLA__INIT);
			m->sla->latency_ms = cc->sla.latency_ms;
			m->sla->jitter_ms = cc->sla.jitter_ms;
			m->sla->loss_pct = cc->sla.loss_pct;
		}
		m->match = AARR(a, Edgeway__Match, cc != NULL ? cc->n_match : 0);
		for (k = 0; cc != NULL && k < cc->n_match; k++) {
			const struct ew_match_cfg *mc = &cc->match[k];
			Edgeway__Match *mm = ANEW(a, Edgeway__Match,
					EDGEWAY__MATCH__INIT);

			mm->proto = (char *)proto_name(a, mc->proto);
			mm->src = mc->src.len ? apfx(a, mc->src.addr, mc->src.len) : (char *)"";
			mm->dst = mc->dst.len ? apfx(a, mc->dst.addr, mc->dst.len) : (char *)"";
			mm->src_port = port_range(a, mc->sport_lo, mc->sport_hi);
			mm->dst_port = port_range(a, mc->dport_lo, mc->dport_hi);
			mm->dscp = mc->dscp >= 0 ? astr(a, "%d", mc->dscp) : (char *)"";
			mm->ingress = AARR(a, char, mc->n_ingress);
			for (j = 0; j < mc->n_ingress; j++)
				mm->ingress[mm->n_ingress++] =
						astr(a, "%s", mc->ingress_ref[j].name);
			m->match[m->n_match++] = mm;
		}
		m->switches = ew_probe_switches(d->probe, cl->slot);
		m->packets = s->cls[cl->slot].packets;
		m->bytes = s->cls[cl->slot].bytes;
		m->drops = s->cls[cl->slot].drops;
		sr->classes[sr->n_classes++] = m;
	}
}

static void
show_stats(struct arena *a, const struct ew_daemon *d,
		const struct ew_lcore_stats *s, Edgeway__ShowReply *sr)
{
	Edgeway__Stats *m = ANEW(a, Edgeway__Stats, EDGEWAY__STATS__INIT);
	unsigned int i;

	m->punted = s->punted;
	m->generation = d->generation;
	m->classifier_builds = d->clf_builds;
	m->uptime_ms = ew_now_ms() - d->started_ms;
	m->drops = AARR(a, Edgeway__Drop, EW_DROP_MAX);
	for (i = 0; i < EW_DROP_MAX; i++) {
		Edgeway__Drop *dr = ANEW(a, Edgeway__Drop, EDGEWAY__DROP__INIT);

		dr->reason = (char *)ew_drop_names[i];
		dr->help = (char *)ew_drop_help[i];
		dr->packets = s->drop[i];
		m->drops[m->n_drops++] = dr;
	}
	sr->stats = m;
}

/* ROUTE_LOOKUP: the worker's choice for a LAN packet to Q's address (in
 * Q's class, else the class of a packet with only that destination). NULL
 * with *WHY on a bad request. */
static Edgeway__RouteLookup *
route_lookup(struct arena *a, const struct ew_daemon *d, const Edgeway__Show *q,
		const char **why)
{
	const struct ew_tables *t = d->dp.tables;
	Edgeway__RouteLookup *m;
	const struct ew_class *cl = NULL;
	uint32_t dst, v;
	unsigned int i;
	int ll, ol = -1, tun;

	if (q->address == NULL || ew_parse_ipv4(q->address, &dst) != 0) {
		*why = "lookup: not an IPv4 address";
		return NULL;
	}
	for (i = 0; q->class_ != NULL && q->class_[0] != '\0' && i < t->n_classes; i++)
		if (strcmp(t->classes[i].name, q->class_) == 0)
			cl = &t->classes[i];
	if (q->class_ != NULL && q->class_[0] != '\0' && cl == NULL) {
		*why = "lookup: no such class";
		return NULL;
	}
	if (cl == NULL)
		cl = &t->classes[ew_classifier_match(t->clf, 0, 0, 0, dst, 0, 0, 0)];
	m = ANEW(a, Edgeway__RouteLookup, EDGEWAY__ROUTE_LOOKUP__INIT);
	if (m == NULL) {
		*why = "out of memory";
		return NULL;
	}
	m->address = astr(a, "%s", q->address);
	m->class_ = astr(a, "%s", cl->name);
	ll = ew_lpm_match(&t->lan, dst, &v);
	if (ll >= 0) {
		m->lan_prefix = apfx(a, dst & ew_prefix_mask((uint8_t)ll), (uint8_t)ll);
		m->lan_interface = astr(a, "%s", t->ports[t->lan_nh[v].ifx].name);
		m->lan_via = t->lan_nh[v].via == 0 ? (char *)"" :
				aip(a, t->lan_nh[v].via);
	}
	tun = ew_route_class_len(t, cl, dst, 0, &ol);
	if (tun >= 0) {
		m->overlay = astr(a, "%s", t->ov[t->tun[tun].ox].name);
		m->overlay_prefix = apfx(a, dst & ew_prefix_mask((uint8_t)ol), (uint8_t)ol);
		m->tunnel = astr(a, "%s", t->tun[tun].name);
	}
	m->table = (char *)(tun >= 0 && ol > ll ? "overlay" : ll >= 0 ? "lan" : "none");
	return m;
}

static void
do_show(struct arena *a, struct ew_daemon *d, const Edgeway__Show *q,
		Edgeway__Response *r)
{
	Edgeway__ShowReply *sr = ANEW(a, Edgeway__ShowReply,
			EDGEWAY__SHOW_REPLY__INIT);
	struct ew_lcore_stats *s = ew_dp_stats_snapshot(&d->dp);
	const char *only = q->overlay != NULL ? q->overlay : "";

	if (s == NULL || sr == NULL) {
		free(s);
		set_error(a, r, EDGEWAY__CODE__FAILED, "out of memory");
		return;
	}
	switch (q->what) {
	case EDGEWAY__SHOW__WHAT__INTERFACES:
		show_interfaces(a, d, s, sr);
		break;
	case EDGEWAY__SHOW__WHAT__OVERLAYS:
	case EDGEWAY__SHOW__WHAT__TUNNELS:
	case EDGEWAY__SHOW__WHAT__ROUTES:
		if (show_overlays(a, d, s, sr, q->what, only) != 0) {
			free(s);
			set_error(a, r, EDGEWAY__CODE__REFUSED,
					"no overlay '%s'", only);
			return;
		}
		break;
	case EDGEWAY__SHOW__WHAT__CLASSES:
		show_classes(a, d, s, sr);
		break;
	case EDGEWAY__SHOW__WHAT__STATS:
		show_stats(a, d, s, sr);
		break;
	case EDGEWAY__SHOW__WHAT__ROUTE_LOOKUP: {
		const char *why = "";

		sr->lookup = route_lookup(a, d, q, &why);
		if (sr->lookup == NULL) {
			free(s);
			set_error(a, r, EDGEWAY__CODE__REFUSED, "%s", why);
			return;
		}
		break;
	}
	default:
		free(s);
		set_error(a, r, EDGEWAY__CODE__REFUSED, "unknown show %d", q->what);
		return;
	}
	free(s);
	r->body_case = EDGEWAY__RESPONSE__BODY_SHOW;
	r->show = sr;
}

/* ---- changes ---- */

/* The config change.c makes of Q, committed as one new table generation;
 * or its reasons, or the commit's, as the answer. */
static void
do_change(struct arena *a, struct ew_daemon *d, const Edgeway__Request *q,
		Edgeway__Response *r)
{
	struct ew_change c;
	char err[512] = "";
	int code;

	ew_change_make(d->dp.tables->cfg, q, &c);
	if (c.cfg == NULL) {
		if (c.diag.n > 0)
			set_diag(a, r, &c.diag);
		else
			set_error(a, r, c.code, "%s", c.msg);
		return;
	}
	/* commit owns the config from here, on success and on failure */
	code = ew_daemon_commit(d, c.cfg, err, sizeof(err));
	if (code != 0)
		set_error(a, r, (Edgeway__Code)code, "%s", err);
}

/* ---- dispatch ---- */

static void
pack(Edgeway__Response *r, uint8_t **out, size_t *outlen)
{
	size_t n = edgeway__response__get_packed_size(r);

	*out = malloc(n ? n : 1);
	*outlen = *out != NULL ? edgeway__response__pack(r, *out) : 0;
}

void
ew_api_refuse(void *arg, const char *why, uint8_t **out, size_t *outlen)
{
	struct arena a = { 0 };
	Edgeway__Response r = EDGEWAY__RESPONSE__INIT;

	set_error(&a, &r, EDGEWAY__CODE__REFUSED, "%s", why);
	pack(&r, out, outlen);
	afree(&a);
}

void
ew_api_handle(void *arg, const uint8_t *req, size_t len, uint8_t **out,
		size_t *outlen)
{
	struct ew_daemon *d = arg;
	Edgeway__Response r = EDGEWAY__RESPONSE__INIT;
	Edgeway__Request *q;
	struct arena a = { 0 };

	d->api_requests++;
	q = edgeway__request__unpack(NULL, len, req);
	if (q == NULL) {
		d->api_errors++;
		set_error(&a, &r, EDGEWAY__CODE__REFUSED,
				"malformed request (%zu bytes that do not decode as edgeway.Request)",
				len);
		goto out;
	}
	if (q->version > EDGEWAY__VERSION__VERSION_1) {
		set_error(&a, &r, EDGEWAY__CODE__REFUSED,
				"protocol version %u is not supported (this daemon speaks 1)",
				q->version);
		goto out;
	}
	switch (q->op_case) {
	case EDGEWAY__REQUEST__OP_HELLO: {
		Edgeway__Hello *h = ANEW(&a, Edgeway__Hello, EDGEWAY__HELLO__INIT);

		h->version = EDGEWAY__VERSION__VERSION_1;
		h->software = astr(&a, "edgewayd %s", EW_VERSION);
		h->node = astr(&a, "%s", d->dp.tables->cfg->node_name);
		r.body_case = EDGEWAY__RESPONSE__BODY_HELLO;
		r.hello = h;
		break;
	}
	case EDGEWAY__REQUEST__OP_SHOW:
		do_show(&a, d, q->show, &r);
		break;
	case EDGEWAY__REQUEST__OP_SAVE: {
		char *y = ew_config_save(d->dp.tables->cfg);

		if (y == NULL || aadopt(&a, y) != 0) {
			free(y);
			set_error(&a, &r, EDGEWAY__CODE__FAILED, "out of memory");
			break;
		}
		r.yaml = y;
		r.body_case = EDGEWAY__RESPONSE__BODY_YAML;
		break;
	}
	case EDGEWAY__REQUEST__OP_APPLY:
	case EDGEWAY__REQUEST__OP_ADD:
	case EDGEWAY__REQUEST__OP_DEL:
	case EDGEWAY__REQUEST__OP_SET_CLASS_OVERLAYS:
	case EDGEWAY__REQUEST__OP_UPDATE:
	case EDGEWAY__REQUEST__OP_BATCH:
		do_change(&a, d, q, &r);
		break;
	default:
		set_error(&a, &r, EDGEWAY__CODE__REFUSED,
				"unknown request (operation %d)", q->op_case);
		break;
	}
out:
	if (r.code != EDGEWAY__CODE__OK)
		d->api_errors++;
	r.generation = d->generation;
	pack(&r, out, outlen);
	if (q != NULL)
		edgeway__request__free_unpacked(q, NULL);
	afree(&a);
}
