/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Changes through the API: a request and the running config in, a new
 * config or the reasons out (change.h). Never edits the running config:
 * apply loads a new one; add/del/update/set change a deep copy. Either way
 * the result is validated as a whole (the same checks as at start-up).
 * Each field of a protobuf object goes through the parser of the config
 * field of the same name (config/fields.h), so the API accepts what a
 * file may say, with the same messages.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/fields.h"
#include "control/api/change.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * Proto3 cannot tell a field not given from "" or 0: an optional field
 * left so keeps its default; a required one goes to its parser and is
 * refused as it would be in a file.
 */
static bool
not_given(const struct ew_kind *k, const char *key, bool empty)
{
	const struct ew_field *f = ew_field_find(k, key);

	return empty && f != NULL && !(f->flags & EW_FF_REQUIRED);
}

/* The text S into the field KEY of OBJ. */
static int
from_text(const struct ew_kind *k, const char *key, const char *s, void *obj,
		char *err, size_t errlen)
{
	if (not_given(k, key, s == NULL || *s == '\0'))
		return 0;
	return ew_field_set(k, key, nz(s), obj, err, errlen);
}

/* The number V into the field KEY of OBJ, read as its text would be. */
static int
from_num(const struct ew_kind *k, const char *key, double v, void *obj,
		char *err, size_t errlen)
{
	if (not_given(k, key, v == 0))
		return 0;
	return ew_field_set_num(k, key, v, obj, err, errlen);
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
	const struct ew_kind *k = &ew_kind_tunnel;

	memset(t, 0, sizeof(*t));
	ew_obj_init(k, t);
	if (from_text(k, "name", m->name, t, err, errlen) ||
			from_text(k, "wan", m->wan, t, err, errlen) ||
			from_text(k, "remote", m->remote, t, err, errlen) ||
			from_text(k, "peer", m->peer, t, err, errlen) ||
			from_text(k, "probe", m->probe, t, err, errlen) ||
			from_text(k, "df", m->df, t, err, errlen) ||
			from_text(k, "peer_mac", m->peer_mac, t, err, errlen))
		return -1;
	return 0;
}

static int
route_from(const Edgeway__Route *m, struct ew_route_cfg *r, char *err,
		size_t errlen)
{
	const struct ew_kind *k = &ew_kind_route;

	memset(r, 0, sizeof(*r));
	ew_obj_init(k, r);
	if (from_text(k, "prefix", m->prefix, r, err, errlen) ||
			from_text(k, "via", m->via, r, err, errlen))
		return -1;
	return 0;
}

/* An overlay with its tunnels and routes; on failure the caller frees
 * them. */
static int
overlay_from(const Edgeway__Overlay *m, struct ew_overlay_cfg *o, char *err,
		size_t errlen)
{
	const struct ew_kind *k = &ew_kind_overlay;
	unsigned int i;

	memset(o, 0, sizeof(*o));
	ew_obj_init(k, o);
	if (from_text(k, "name", m->name, o, err, errlen) ||
			from_num(k, "id", m->id, o, err, errlen) ||
			from_text(k, "address", m->address, o, err, errlen) ||
			from_text(k, "encap", m->encap, o, err, errlen) ||
			from_num(k, "mtu", m->mtu, o, err, errlen) ||
			(m->mss_clamp == EDGEWAY__TOGGLE__TOGGLE_OFF &&
			 from_text(k, "mss_clamp", "false", o, err, errlen)))
		return -1;
	for (i = 0; i < m->n_tunnels; i++) {
		struct ew_tunnel_cfg *t = grow((void **)&o->tunnels,
				&o->n_tunnels, sizeof(*t));

		if (t == NULL)
			FAIL("out of memory");
		if (tunnel_from(m->tunnels[i], t, err, errlen) != 0)
			return -1;
	}
	for (i = 0; i < m->n_routes; i++) {
		struct ew_route_cfg *r = grow((void **)&o->routes, &o->n_routes,
				sizeof(*r));

		if (r == NULL)
			FAIL("out of memory");
		if (route_from(m->routes[i], r, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Replace C's overlay list (set class overlays, and new classes). */
static int
class_overlays(struct ew_class_cfg *c, char *const *names, size_t n, char *err,
		size_t errlen)
{
	const struct ew_field *f = ew_field_find(&ew_kind_class, "overlays");
	struct ew_ref *refs;
	size_t i;

	if (ew_field_count(&ew_kind_class, f, c, n, err, errlen) != 0)
		return -1;
	refs = calloc(n, sizeof(*refs));
	if (refs == NULL)
		FAIL("out of memory");
	for (i = 0; i < n; i++)
		if (ew_field_parse_item(f, nz(names[i]), &refs[i], err,
				errlen) != 0) {
			free(refs);
			return -1;
		}
	free(c->overlay_refs);
	c->overlay_refs = refs;
	c->n_overlays = (unsigned int)n;
	return 0;
}

static int
match_from(const Edgeway__Match *m, struct ew_match_cfg *r, char *err,
		size_t errlen)
{
	const struct ew_kind *k = &ew_kind_match;
	const struct ew_field *ingress = ew_field_find(k, "ingress");
	size_t i;

	ew_obj_init(k, r);
	if (from_text(k, "proto", m->proto, r, err, errlen) ||
			from_text(k, "src", m->src, r, err, errlen) ||
			from_text(k, "dst", m->dst, r, err, errlen) ||
			from_text(k, "src_port", m->src_port, r, err, errlen) ||
			from_text(k, "dst_port", m->dst_port, r, err, errlen) ||
			ew_field_count(k, ingress, r, m->n_ingress, err, errlen))
		return -1;
	for (i = 0; i < m->n_ingress; i++)
		if (ew_field_parse_item(ingress, nz(m->ingress[i]),
				&r->ingress_ref[i], err, errlen) != 0)
			return -1;
	r->n_ingress = (unsigned int)m->n_ingress;
	return from_text(k, "dscp", m->dscp, r, err, errlen);
}

static void
class_free(struct ew_class_cfg *c)
{
	free(c->match);
	free(c->overlay_refs);
	free(c->overlays);
}

/* A class; on failure the caller frees it (class_free). SLA bounds of 0
 * are proto3's "not given": not constrained. */
static int
class_from(const Edgeway__Class *m, struct ew_class_cfg *c, char *err,
		size_t errlen)
{
	const struct ew_kind *k = &ew_kind_class, *ks = &ew_kind_sla;
	size_t i;

	memset(c, 0, sizeof(*c));
	ew_obj_init(k, c);
	if (from_text(k, "name", m->name, c, err, errlen) ||
			from_num(k, "dscp", m->dscp, c, err, errlen) ||
			from_text(k, "balance", m->balance, c, err, errlen))
		return -1;
	if (m->sla != NULL) {
		c->sla.set = true;
		if (from_num(ks, "latency_ms", m->sla->latency_ms, &c->sla, err,
				errlen) ||
				from_num(ks, "jitter_ms", m->sla->jitter_ms,
					&c->sla, err, errlen) ||
				from_num(ks, "loss_pct", m->sla->loss_pct,
					&c->sla, err, errlen))
			return -1;
	}
	if (class_overlays(c, m->overlays, m->n_overlays, err, errlen) != 0)
		return -1;
	if (m->n_match == 0)
		return 0;
	c->match = calloc(m->n_match, sizeof(*c->match));
	if (c->match == NULL)
		FAIL("out of memory");
	c->n_match = (unsigned int)m->n_match;
	for (i = 0; i < m->n_match; i++)
		if (match_from(m->match[i], &c->match[i], err, errlen) != 0)
			return -1;
	return 0;
}

/* ---- add and del ---- */

static int
add_overlay(struct ew_config *cfg, const Edgeway__Overlay *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *o = grow((void **)&cfg->overlays, &cfg->n_overlays,
			sizeof(*o));

	if (o == NULL)
		FAIL("out of memory");
	return overlay_from(m, o, err, errlen);
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
	struct ew_route_cfg r = { 0 };
	unsigned int i;

	if (o == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	if (from_text(&ew_kind_route, "prefix", m->prefix, &r, err, errlen))
		return -1;
	for (i = 0; i < o->n_routes; i++)
		if (o->routes[i].prefix.addr == r.prefix.addr &&
				o->routes[i].prefix.len == r.prefix.len)
			break;
	if (i == o->n_routes)
		FAIL("overlay '%s' has no route %s", o->name, m->prefix);
	memmove(&o->routes[i], &o->routes[i + 1],
			(o->n_routes - i - 1) * sizeof(*o->routes));
	o->n_routes--;
	return 0;
}

static int
add_class(struct ew_config *cfg, const Edgeway__Class *m, char *err,
		size_t errlen)
{
	struct ew_class_cfg c, *arr;
	unsigned int pos = cfg->n_classes;

	if (class_from(m, &c, err, errlen) != 0) {
		class_free(&c);
		return -1;
	}
	/* a class with rules goes before a trailing catch-all */
	if (c.n_match > 0 && pos > 0 && cfg->classes[pos - 1].n_match == 0)
		pos--;
	arr = realloc(cfg->classes, (cfg->n_classes + 1) * sizeof(*arr));
	if (arr == NULL) {
		class_free(&c);
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
	class_free(c);
	memmove(c, c + 1, (cfg->n_classes - (unsigned int)i - 1) * sizeof(*c));
	cfg->n_classes--;
	return 0;
}

/* ---- update: an object replaced in place, the same identity ---- */

/* Without tunnels and routes, the overlay keeps its own. */
static int
update_overlay(struct ew_config *cfg, const Edgeway__Overlay *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *old = find_overlay(cfg, m->name), o;

	if (old == NULL)
		FAIL("no overlay '%s'", nz(m->name));
	if (overlay_from(m, &o, err, errlen) != 0) {
		free(o.tunnels);
		free(o.routes);
		return -1;
	}
	if (m->n_tunnels == 0 && m->n_routes == 0) {
		o.tunnels = old->tunnels;
		o.n_tunnels = old->n_tunnels;
		o.routes = old->routes;
		o.n_routes = old->n_routes;
	} else {
		free(old->tunnels);
		free(old->routes);
	}
	*old = o;
	return 0;
}

/*
 * The tunnel keeps its place in the file (for messages) and, when the
 * update names none, its static peer MAC: what the update did before the
 * fields were described once (and perhaps not what it should do).
 */
static int
update_tunnel(struct ew_config *cfg, const Edgeway__Tunnel *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *ov = find_overlay(cfg, m->overlay);
	struct ew_tunnel_cfg t, *old;
	unsigned int i;

	if (ov == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	for (i = 0; i < ov->n_tunnels; i++)
		if (strcmp(ov->tunnels[i].name, nz(m->name)) == 0)
			break;
	if (i == ov->n_tunnels)
		FAIL("overlay '%s' has no tunnel '%s'", ov->name, nz(m->name));
	old = &ov->tunnels[i];
	if (tunnel_from(m, &t, err, errlen) != 0)
		return -1;
	if (!t.peer_mac_set && old->peer_mac_set) {
		memcpy(t.peer_mac, old->peer_mac, sizeof(t.peer_mac));
		t.peer_mac_set = true;
	}
	t.pos = old->pos;
	t.wan_ref.pos = old->wan_ref.pos;
	*old = t;
	return 0;
}

/* The route of the same prefix gets a new via. */
static int
update_route(struct ew_config *cfg, const Edgeway__Route *m, char *err,
		size_t errlen)
{
	struct ew_overlay_cfg *ov = find_overlay(cfg, m->overlay);
	struct ew_route_cfg r;
	unsigned int i;

	if (ov == NULL)
		FAIL("no overlay '%s'", nz(m->overlay));
	if (route_from(m, &r, err, errlen) != 0)
		return -1;
	for (i = 0; i < ov->n_routes; i++)
		if (ov->routes[i].prefix.addr == r.prefix.addr &&
				ov->routes[i].prefix.len == r.prefix.len) {
			ov->routes[i] = r;
			return 0;
		}
	FAIL("overlay '%s' has no route %s", ov->name, nz(m->prefix));
}

/* The class keeps its place in priority order. */
static int
update_class(struct ew_config *cfg, const Edgeway__Class *m, char *err,
		size_t errlen)
{
	int i = find_class(cfg, m->name);
	struct ew_class_cfg c;

	if (i < 0)
		FAIL("no class '%s'", nz(m->name));
	if (class_from(m, &c, err, errlen) != 0) {
		class_free(&c);
		return -1;
	}
	class_free(&cfg->classes[i]);
	cfg->classes[i] = c;
	return 0;
}

static int
update(struct ew_config *cfg, const Edgeway__Object *o, char *err, size_t errlen)
{
	switch (o->obj_case) {
	case EDGEWAY__OBJECT__OBJ_OVERLAY:
		return update_overlay(cfg, o->overlay, err, errlen);
	case EDGEWAY__OBJECT__OBJ_TUNNEL:
		return update_tunnel(cfg, o->tunnel, err, errlen);
	case EDGEWAY__OBJECT__OBJ_ROUTE:
		return update_route(cfg, o->route, err, errlen);
	case EDGEWAY__OBJECT__OBJ_CLASS:
		return update_class(cfg, o->class_, err, errlen);
	default:
		FAIL("update: no object given");
	}
}

/* ---- a request ---- */

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
ew_change_make(const struct ew_config *running, const Edgeway__Request *q,
		struct ew_change *c)
{
	memset(c, 0, sizeof(*c));
	c->code = EDGEWAY__CODE__REFUSED;
	if (q->op_case == EDGEWAY__REQUEST__OP_APPLY) {
		const char *y = nz(q->apply->yaml);
		const char *name = q->apply->name != NULL && q->apply->name[0] ?
				q->apply->name : "apply";

		c->cfg = ew_config_load_string(name, y, strlen(y), &c->diag);
		return;
	}
	c->cfg = ew_config_dup(running);
	if (c->cfg == NULL) {
		c->code = EDGEWAY__CODE__FAILED;
		snprintf(c->msg, sizeof(c->msg), "out of memory");
		return;
	}
	if (mutate_request(c->cfg, q, c->msg, sizeof(c->msg)) == 0) {
		ew_config_validate(c->cfg, &c->diag);
		if (c->diag.n == 0)
			return;
	}
	ew_config_free(c->cfg);
	c->cfg = NULL;
}
