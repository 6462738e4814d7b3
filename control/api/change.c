/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Changes through the API. Never edits the running config: apply loads a
 * new one; add/del/set change a deep copy. Either way the result is
 * validated as a whole (the same checks as at start-up) and committed as
 * one new table generation, or refused with the running state untouched.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/api/api.h"
#include "control/daemon.h"

#include "edgeway.pb-c.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static int
name_ok(const char *what, const char *s, size_t max, char *out, char *err,
		size_t errlen)
{
	if (ew_parse_name(nz(s), max) != 0)
		FAIL("%s: '%s' is not a valid name ([a-z0-9-]{1,%zu})", what, nz(s),
				max - 1);
	snprintf(out, max, "%s", s);
	return 0;
}

static int
prefix_ok(const char *what, const char *s, bool host, struct ew_prefix *p,
		char *err, size_t errlen)
{
	if (ew_parse_prefix(nz(s), p) != 0)
		FAIL("%s: '%s' is not an IPv4 prefix (a.b.c.d/len)", what, nz(s));
	if (!host && (p->addr & ~ew_prefix_mask(p->len)) != 0)
		FAIL("%s: '%s' has host bits set", what, s);
	if (host && (p->len == 0 || p->len > 30))
		FAIL("%s: '%s': prefix length must be 1..30 for an address", what, s);
	return 0;
}

static int
ip_ok(const char *what, const char *s, uint32_t *a, char *err, size_t errlen)
{
	if (ew_parse_ipv4(nz(s), a) != 0)
		FAIL("%s: '%s' is not an IPv4 address", what, nz(s));
	return 0;
}

static int
ports_ok(const char *what, const char *s, uint16_t *lo, uint16_t *hi,
		char *err, size_t errlen)
{
	unsigned long a, b;
	char *end;

	*lo = 0;
	*hi = 65535;
	if (s == NULL || *s == '\0')
		return 0;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-')
		b = strtoul(end + 1, &end, 10);
	if (*end != '\0' || a > b || b > 65535 || s[0] < '0' || s[0] > '9')
		FAIL("%s: '%s' is not a port or a range (N or N-M)", what, s);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static struct ew_overlay_cfg *
find_overlay(struct ew_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_overlays; i++)
		if (strcmp(cfg->overlays[i].name, nz(name)) == 0)
			return &cfg->overlays[i];
	return NULL;
}

static int
find_class(struct ew_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_classes; i++)
		if (strcmp(cfg->classes[i].name, nz(name)) == 0)
			return (int)i;
	return -1;
}

/* Append one zeroed element to *ARR of N elements of SIZE. */
static void *
grow(void **arr, unsigned int *n, size_t size)
{
	char *a = realloc(*arr, (*n + 1) * size);

	if (a == NULL)
		return NULL;
	memset(a + *n * size, 0, size);
	*arr = a;
	return a + (*n)++ * size;
}

static int
tunnel_from(const Edgeway__Tunnel *m, struct ew_tunnel_cfg *t, char *err,
		size_t errlen)
{
	if (name_ok("tunnel name", m->name, EW_NAME_MAX, t->name, err, errlen) ||
			name_ok("tunnel wan", m->wan, EW_NAME_MAX, t->wan_ref.name,
				err, errlen) ||
			ip_ok("tunnel remote", m->remote, &t->remote, err, errlen) ||
			ip_ok("tunnel peer", m->peer, &t->peer, err, errlen))
		return -1;
	t->probe = EW_PROBE_AUTO;
	if (m->probe != NULL && m->probe[0] != '\0' &&
			ew_parse_probe(m->probe, &t->probe) != 0)
		FAIL("tunnel probe: '%s' is not one of auto, stamp, icmp, none", m->probe);
	if (m->peer_mac != NULL && m->peer_mac[0] != '\0') {
		if (ew_parse_mac(m->peer_mac, t->peer_mac) != 0)
			FAIL("tunnel peer_mac: '%s' is not a unicast MAC address",
					m->peer_mac);
		t->peer_mac_set = true;
	}
	return 0;
}

static int
route_from(const Edgeway__Route *m, struct ew_route_cfg *r, char *err,
		size_t errlen)
{
	if (prefix_ok("route prefix", m->prefix, false, &r->prefix, err, errlen))
		return -1;
	if (m->via == NULL || m->via[0] == '\0' ||
			strlen(m->via) >= sizeof(r->via_ref.name))
		FAIL("route via: '%s' is neither a tunnel name nor an address",
				nz(m->via));
	snprintf(r->via_ref.name, sizeof(r->via_ref.name), "%s", m->via);
	return 0;
}

static int
add_overlay(struct ew_config *cfg, const Edgeway__Overlay *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *o;
	unsigned int k;

	if (m->id < 1 || m->id > 16777215)
		FAIL("overlay '%s': id %u out of range 1..16777215", nz(m->name), m->id);
	o = grow((void **)&cfg->overlays, &cfg->n_overlays, sizeof(*o));
	if (o == NULL)
		FAIL("out of memory");
	if (name_ok("overlay name", m->name, EW_NAME_MAX, o->name, err, errlen) ||
			prefix_ok("overlay address", m->address, true, &o->address,
				err, errlen))
		return -1;
	o->id = m->id;
	if (strcmp(nz(m->encap), "vxlan") == 0)
		o->encap = EW_ENCAP_VXLAN;
	else if (strcmp(nz(m->encap), "gre") == 0)
		o->encap = EW_ENCAP_GRE;
	else
		FAIL("overlay encap: '%s' is not one of vxlan | gre", nz(m->encap));
	if (m->mtu != 0) {
		if (m->mtu < 576 || m->mtu > 9000)
			FAIL("overlay mtu %u out of range 576..9000", m->mtu);
		o->mtu = (uint16_t)m->mtu;
		o->mtu_set = true;
	}
	o->mss_clamp = m->mss_clamp != EDGEWAY__TOGGLE__TOGGLE_OFF;
	for (k = 0; k < m->n_tunnels; k++) {
		struct ew_tunnel_cfg *t = grow((void **)&o->tunnels, &o->n_tunnels,
				sizeof(*t));

		if (t == NULL || tunnel_from(m->tunnels[k], t, err, errlen))
			return t == NULL ? (snprintf(err, errlen, "out of memory"), -1) : -1;
	}
	for (k = 0; k < m->n_routes; k++) {
		struct ew_route_cfg *r = grow((void **)&o->routes, &o->n_routes,
				sizeof(*r));

		if (r == NULL || route_from(m->routes[k], r, err, errlen))
			return r == NULL ? (snprintf(err, errlen, "out of memory"), -1) : -1;
	}
	return 0;
}

static int
del_overlay(struct ew_config *cfg, const char *name, char *err, size_t errlen)
{
	struct ew_overlay_cfg *o = find_overlay(cfg, name);
	unsigned int i, k;

	if (o == NULL)
		FAIL("no overlay '%s'", nz(name));
	for (i = 0; i < cfg->n_classes; i++)
		for (k = 0; k < cfg->classes[i].n_overlays; k++)
			if (strcmp(cfg->classes[i].overlay_refs[k].name, o->name) == 0)
				FAIL("overlay '%s' is used by class '%s'; change the class first",
						o->name, cfg->classes[i].name);
	free(o->tunnels);
	free(o->routes);
	i = (unsigned int)(o - cfg->overlays);
	memmove(o, o + 1, (cfg->n_overlays - i - 1) * sizeof(*o));
	cfg->n_overlays--;
	return 0;
}

static int
add_tunnel(struct ew_config *cfg, const Edgeway__Tunnel *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *o = find_overlay(cfg, m->overlay);
	struct ew_tunnel_cfg *t;

	if (o == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	t = grow((void **)&o->tunnels, &o->n_tunnels, sizeof(*t));
	if (t == NULL)
		FAIL("out of memory");
	return tunnel_from(m, t, err, errlen);
}

static int
del_tunnel(struct ew_config *cfg, const Edgeway__Tunnel *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *o = find_overlay(cfg, m->overlay);
	unsigned int i, k;
	char b[16];

	if (o == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	for (i = 0; i < o->n_tunnels; i++)
		if (strcmp(o->tunnels[i].name, nz(m->name)) == 0)
			break;
	if (i == o->n_tunnels)
		FAIL("overlay '%s' has no tunnel '%s'", o->name, nz(m->name));
	for (k = 0; k < o->n_routes; k++)
		if (strcmp(o->routes[k].via_ref.name, o->tunnels[i].name) == 0 ||
				strcmp(o->routes[k].via_ref.name,
					ew_ipv4_str(o->tunnels[i].peer, b, sizeof(b))) == 0)
			FAIL("tunnel '%s' is used by route %s; delete the route first",
					o->tunnels[i].name,
					ew_prefix_str(&o->routes[k].prefix, b, sizeof(b)));
	memmove(&o->tunnels[i], &o->tunnels[i + 1],
			(o->n_tunnels - i - 1) * sizeof(*o->tunnels));
	o->n_tunnels--;
	return 0;
}

static int
add_route(struct ew_config *cfg, const Edgeway__Route *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *o = find_overlay(cfg, m->overlay);
	struct ew_route_cfg *r;

	if (o == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	r = grow((void **)&o->routes, &o->n_routes, sizeof(*r));
	if (r == NULL)
		FAIL("out of memory");
	return route_from(m, r, err, errlen);
}

static int
del_route(struct ew_config *cfg, const Edgeway__Route *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *o = find_overlay(cfg, m->overlay);
	struct ew_prefix p;
	unsigned int i;

	if (o == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	if (prefix_ok("route prefix", m->prefix, false, &p, err, errlen))
		return -1;
	for (i = 0; i < o->n_routes; i++)
		if (o->routes[i].prefix.addr == p.addr &&
				o->routes[i].prefix.len == p.len)
			break;
	if (i == o->n_routes)
		FAIL("overlay '%s' has no route %s", o->name, m->prefix);
	memmove(&o->routes[i], &o->routes[i + 1],
			(o->n_routes - i - 1) * sizeof(*o->routes));
	o->n_routes--;
	return 0;
}

static int
class_overlays(struct ew_class_cfg *c, char *const *names, size_t n, char *err,
		size_t errlen)
{
	struct ew_ref *refs;
	size_t k;

	if (n == 0)
		FAIL("class '%s': overlays: the list is empty", c->name);
	refs = calloc(n, sizeof(*refs));
	if (refs == NULL)
		FAIL("out of memory");
	for (k = 0; k < n; k++)
		if (name_ok("class overlays", names[k], EW_NAME_MAX, refs[k].name,
				err, errlen)) {
			free(refs);
			return -1;
		}
	free(c->overlay_refs);
	c->overlay_refs = refs;
	c->n_overlays = (unsigned int)n;
	return 0;
}

/* An SLA bound from the API: the loader's ranges; 0 (proto3's "not set")
 * leaves it unconstrained. */
static int
sla_ok(const char *what, double v, double max, double *out, char *err,
		size_t errlen)
{
	if (!(v >= 0 && v <= max))
		FAIL("class sla %s: %g out of range 0..%g (0: not constrained)",
				what, v, max);
	*out = v == 0 ? -1 : v;
	return 0;
}

static int
match_from(const Edgeway__Match *m, struct ew_match_cfg *r, char *err,
		size_t errlen)
{
	const char *p = nz(m->proto);
	unsigned long v;
	char *end;
	size_t k;

	r->proto = -1;
	r->dscp = -1;
	if (strcmp(p, "tcp") == 0)
		r->proto = 6;
	else if (strcmp(p, "udp") == 0)
		r->proto = 17;
	else if (strcmp(p, "icmp") == 0)
		r->proto = 1;
	else if (*p != '\0') {
		v = strtoul(p, &end, 10);
		if (*end != '\0' || v > 255 || p[0] < '0' || p[0] > '9')
			FAIL("match proto: '%s' is not tcp, udp, icmp or 0..255", p);
		r->proto = (int)v;
	}
	if (m->src != NULL && m->src[0] != '\0' &&
			prefix_ok("match src", m->src, false, &r->src, err, errlen))
		return -1;
	if (m->dst != NULL && m->dst[0] != '\0' &&
			prefix_ok("match dst", m->dst, false, &r->dst, err, errlen))
		return -1;
	if (ports_ok("match src_port", m->src_port, &r->sport_lo, &r->sport_hi,
			err, errlen) ||
			ports_ok("match dst_port", m->dst_port, &r->dport_lo,
				&r->dport_hi, err, errlen))
		return -1;
	if (m->n_ingress > EW_MAX_IFACES)
		FAIL("match ingress: more than %d interfaces", EW_MAX_IFACES);
	for (k = 0; k < m->n_ingress; k++)
		if (name_ok("match ingress", m->ingress[k], EW_NAME_MAX,
				r->ingress_ref[k].name, err, errlen))
			return -1;
	r->n_ingress = (unsigned int)m->n_ingress;
	if (m->dscp != NULL && m->dscp[0] != '\0') {
		v = strtoul(m->dscp, &end, 10);
		if (*end != '\0' || v > 63)
			FAIL("match dscp: '%s' is not 0..63", m->dscp);
		r->dscp = (int)v;
	}
	return 0;
}

static int
add_class(struct ew_config *cfg, const Edgeway__Class *m, char *err,
		size_t errlen)
{
	struct ew_class_cfg c = { 0 }, *arr;
	unsigned int pos = cfg->n_classes;
	size_t k;

	if (name_ok("class name", m->name, EW_NAME_MAX, c.name, err, errlen))
		return -1;
	c.dscp = m->dscp > 0 ? m->dscp : -1;
	if (m->dscp < 0 || m->dscp > 63)
		FAIL("class dscp %d out of range 0..63", m->dscp);
	if (strcmp(nz(m->balance), "flow") == 0)
		c.balance = EW_BALANCE_FLOW;
	else if (m->balance != NULL && m->balance[0] != '\0' &&
			strcmp(m->balance, "none") != 0)
		FAIL("class balance: '%s' is not one of none | flow", m->balance);
	c.sla.latency_ms = c.sla.jitter_ms = c.sla.loss_pct = -1;
	if (m->sla != NULL) {
		c.sla.set = true;
		if (sla_ok("latency_ms", m->sla->latency_ms, 1e6, &c.sla.latency_ms,
				err, errlen) ||
				sla_ok("jitter_ms", m->sla->jitter_ms, 1e6,
					&c.sla.jitter_ms, err, errlen) ||
				sla_ok("loss_pct", m->sla->loss_pct, 100,
					&c.sla.loss_pct, err, errlen))
			return -1;
	}
	if (class_overlays(&c, m->overlays, m->n_overlays, err, errlen))
		return -1;
	if (m->n_match > 0) {
		c.match = calloc(m->n_match, sizeof(*c.match));
		if (c.match == NULL)
			FAIL("out of memory");
		for (k = 0; k < m->n_match; k++)
			if (match_from(m->match[k], &c.match[k], err, errlen)) {
				free(c.match);
				free(c.overlay_refs);
				return -1;
			}
		c.n_match = (unsigned int)m->n_match;
		/* a class with rules goes before a trailing catch-all */
		if (pos > 0 && cfg->classes[pos - 1].n_match == 0)
			pos--;
	}
	arr = realloc(cfg->classes, (cfg->n_classes + 1) * sizeof(*arr));
	if (arr == NULL) {
		free(c.match);
		free(c.overlay_refs);
		FAIL("out of memory");
	}
	memmove(&arr[pos + 1], &arr[pos], (cfg->n_classes - pos) * sizeof(*arr));
	arr[pos] = c;
	cfg->classes = arr;
	cfg->n_classes++;
	return 0;
}

static int
del_class(struct ew_config *cfg, const char *name, char *err, size_t errlen)
{
	int i = find_class(cfg, name);
	struct ew_class_cfg *c;

	if (i < 0)
		FAIL("no class '%s'", nz(name));
	c = &cfg->classes[i];
	free(c->match);
	free(c->overlay_refs);
	free(c->overlays);
	memmove(c, c + 1, (cfg->n_classes - (unsigned int)i - 1) * sizeof(*c));
	cfg->n_classes--;
	return 0;
}

/* Replace an object in place: the same identity, new contents. */
static int
update(struct ew_config *cfg, const Edgeway__Object *o, char *err, size_t errlen)
{
	switch (o->obj_case) {
	case EDGEWAY__OBJECT__OBJ_OVERLAY: {
		struct ew_overlay_cfg *old = find_overlay(cfg, o->overlay->name), keep;
		unsigned int pos;

		if (old == NULL)
			FAIL("no overlay '%s'", nz(o->overlay->name));
		pos = (unsigned int)(old - cfg->overlays);
		keep = *old;
		if (add_overlay(cfg, o->overlay, err, errlen) != 0)
			return -1;
		old = &cfg->overlays[pos];	/* the array may have moved */
		{
			struct ew_overlay_cfg *nw = &cfg->overlays[cfg->n_overlays - 1];

			if (o->overlay->n_tunnels == 0 && o->overlay->n_routes == 0) {
				/* keep the overlay's tunnels and routes */
				free(nw->tunnels);
				free(nw->routes);
				nw->tunnels = keep.tunnels;
				nw->n_tunnels = keep.n_tunnels;
				nw->routes = keep.routes;
				nw->n_routes = keep.n_routes;
			} else {
				free(keep.tunnels);
				free(keep.routes);
			}
			*old = *nw;
		}
		cfg->n_overlays--;
		return 0;
	}
	case EDGEWAY__OBJECT__OBJ_TUNNEL: {
		struct ew_overlay_cfg *ov = find_overlay(cfg, o->tunnel->overlay);
		unsigned int i;

		if (ov == NULL)
			FAIL("no overlay '%s'", nz(o->tunnel->overlay));
		for (i = 0; i < ov->n_tunnels; i++)
			if (strcmp(ov->tunnels[i].name, nz(o->tunnel->name)) == 0)
				return tunnel_from(o->tunnel, &ov->tunnels[i], err, errlen);
		FAIL("overlay '%s' has no tunnel '%s'", ov->name, nz(o->tunnel->name));
	}
	case EDGEWAY__OBJECT__OBJ_ROUTE: {
		struct ew_overlay_cfg *ov = find_overlay(cfg, o->route->overlay);
		struct ew_route_cfg r = { 0 };
		unsigned int i;

		if (ov == NULL)
			FAIL("no overlay '%s'", nz(o->route->overlay));
		if (route_from(o->route, &r, err, errlen) != 0)
			return -1;
		for (i = 0; i < ov->n_routes; i++)
			if (ov->routes[i].prefix.addr == r.prefix.addr &&
					ov->routes[i].prefix.len == r.prefix.len) {
				ov->routes[i] = r;
				return 0;
			}
		FAIL("overlay '%s' has no route %s", ov->name, nz(o->route->prefix));
	}
	case EDGEWAY__OBJECT__OBJ_CLASS: {
		int pos = find_class(cfg, o->class_->name);
		unsigned int n;

		if (pos < 0)
			FAIL("no class '%s'", nz(o->class_->name));
		if (del_class(cfg, o->class_->name, err, errlen) != 0 ||
				add_class(cfg, o->class_, err, errlen) != 0)
			return -1;
		/* back where it was in priority order */
		n = cfg->n_classes;
		for (unsigned int i = 0; i < n; i++)
			if (strcmp(cfg->classes[i].name, o->class_->name) == 0) {
				struct ew_class_cfg c = cfg->classes[i];

				memmove(&cfg->classes[i], &cfg->classes[i + 1],
						(n - i - 1) * sizeof(c));
				memmove(&cfg->classes[pos + 1], &cfg->classes[pos],
						(n - 1 - (unsigned int)pos) * sizeof(c));
				cfg->classes[pos] = c;
				break;
			}
		return 0;
	}
	default:
		FAIL("update: no object given");
	}
}

enum op {
	OP_ADD,
	OP_DEL,
	OP_UPDATE,
	OP_SET_CLASS,
};

static int
mutate(struct ew_config *cfg, enum op op, const Edgeway__Object *o,
		const Edgeway__SetClassOverlays *sc, char *err, size_t errlen)
{
	bool add = op == OP_ADD;

	if (op == OP_SET_CLASS) {
		int i;

		if (sc == NULL)
			FAIL("set class overlays: no class given");
		i = find_class(cfg, sc->name);
		if (i < 0)
			FAIL("no class '%s'", nz(sc->name));
		return class_overlays(&cfg->classes[i], sc->overlays,
				sc->n_overlays, err, errlen);
	}
	if (o == NULL)
		FAIL("request without its object");
	if (op == OP_UPDATE)
		return update(cfg, o, err, errlen);
	switch (o->obj_case) {
	case EDGEWAY__OBJECT__OBJ_OVERLAY:
		return add ? add_overlay(cfg, o->overlay, err, errlen) :
				del_overlay(cfg, o->overlay->name, err, errlen);
	case EDGEWAY__OBJECT__OBJ_TUNNEL:
		return add ? add_tunnel(cfg, o->tunnel, err, errlen) :
				del_tunnel(cfg, o->tunnel, err, errlen);
	case EDGEWAY__OBJECT__OBJ_ROUTE:
		return add ? add_route(cfg, o->route, err, errlen) :
				del_route(cfg, o->route, err, errlen);
	case EDGEWAY__OBJECT__OBJ_CLASS:
		return add ? add_class(cfg, o->class_, err, errlen) :
				del_class(cfg, o->class_->name, err, errlen);
	default:
		FAIL("%s: no object given", add ? "add" : "del");
	}
}

static int
mutate_request(struct ew_config *cfg, const Edgeway__Request *q, char *err,
		size_t errlen)
{
	size_t i;

	switch (q->op_case) {
	case EDGEWAY__REQUEST__OP_ADD:
		return mutate(cfg, OP_ADD, q->add, NULL, err, errlen);
	case EDGEWAY__REQUEST__OP_DEL:
		return mutate(cfg, OP_DEL, q->del, NULL, err, errlen);
	case EDGEWAY__REQUEST__OP_UPDATE:
		return mutate(cfg, OP_UPDATE, q->update, NULL, err, errlen);
	case EDGEWAY__REQUEST__OP_SET_CLASS_OVERLAYS:
		return mutate(cfg, OP_SET_CLASS, NULL, q->set_class_overlays,
				err, errlen);
	case EDGEWAY__REQUEST__OP_BATCH:
		if (q->batch == NULL || q->batch->n_changes == 0)
			FAIL("batch: no changes given");
		for (i = 0; i < q->batch->n_changes; i++) {
			const Edgeway__Change *c = q->batch->changes[i];
			char e[400];
			int rc;

			switch (c->op_case) {
			case EDGEWAY__CHANGE__OP_ADD:
				rc = mutate(cfg, OP_ADD, c->add, NULL, e, sizeof(e));
				break;
			case EDGEWAY__CHANGE__OP_DEL:
				rc = mutate(cfg, OP_DEL, c->del, NULL, e, sizeof(e));
				break;
			case EDGEWAY__CHANGE__OP_UPDATE:
				rc = mutate(cfg, OP_UPDATE, c->update, NULL, e, sizeof(e));
				break;
			case EDGEWAY__CHANGE__OP_SET_CLASS_OVERLAYS:
				rc = mutate(cfg, OP_SET_CLASS, NULL,
						c->set_class_overlays, e, sizeof(e));
				break;
			default:
				snprintf(e, sizeof(e), "no operation given");
				rc = -1;
				break;
			}
			if (rc != 0)
				FAIL("batch change %zu: %s", i, e);
		}
		return 0;
	default:
		FAIL("not a change (operation %d)", q->op_case);
	}
}

void
ew_api_change(struct ew_daemon *d, void *arena, const void *reqp, void *respp)
{
	const Edgeway__Request *q = reqp;
	struct ew_config *cfg;
	struct ew_diag diag;
	char err[512] = "";
	int code;

	memset(&diag, 0, sizeof(diag));
	if (q->op_case == EDGEWAY__REQUEST__OP_APPLY) {
		const char *y = nz(q->apply->yaml);
		const char *name = q->apply->name != NULL && q->apply->name[0] ?
				q->apply->name : "apply";

		cfg = ew_config_load_string(name, y, strlen(y), &diag);
		if (cfg == NULL) {
			ew_api_set_diag(arena, respp, &diag);
			return;
		}
	} else {
		cfg = ew_config_dup(d->dp.tables->cfg);
		if (cfg == NULL) {
			ew_api_error(arena, respp, EDGEWAY__CODE__FAILED, "out of memory");
			return;
		}
		if (mutate_request(cfg, q, err, sizeof(err)) != 0) {
			ew_config_free(cfg);
			ew_api_error(arena, respp, EDGEWAY__CODE__REFUSED, err);
			return;
		}
		ew_config_validate(cfg, &diag);
		if (diag.n > 0) {
			ew_config_free(cfg);
			ew_api_set_diag(arena, respp, &diag);
			return;
		}
	}
	/* commit owns cfg from here, on success and on failure */
	code = ew_daemon_commit(d, cfg, err, sizeof(err));
	if (code != 0)
		ew_api_error(arena, respp, code, err);
}
