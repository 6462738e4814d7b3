/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * YAML -> struct ew_config. Syntax and per-field checks live here, driven by
 * one table of keys per mapping; cross references are resolved in
 * validate.c. Every problem is reported with its line and column.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "config/config.h"

struct ld {
	const char *file;
	yaml_document_t *doc;
	struct ew_diag *diag;
	struct ew_config *cfg;
};

typedef void (*field_fn)(struct ld *ld, yaml_node_t *val, void *obj);

struct field {
	const char *key;
	field_fn fn;
	bool required;
};

static struct ew_pos
pos_of(const yaml_node_t *n)
{
	struct ew_pos p = { n->start_mark.line + 1, n->start_mark.column + 1 };
	return p;
}

#define ERR(ld, node, ...) ew_diag_add((ld)->diag, (ld)->file, pos_of(node), __VA_ARGS__)

static const char *
node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* Returns the scalar text of N, or NULL (error reported) if N is not one. */
static const char *
scalar(struct ld *ld, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		ERR(ld, n, "%s: expected a scalar, got %s", what, node_kind(n));
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static bool
expect_type(struct ld *ld, yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n->type == t)
		return true;
	ERR(ld, n, "%s: expected %s, got %s", what,
			t == YAML_SEQUENCE_NODE ? "a list" :
			t == YAML_MAPPING_NODE ? "a mapping" : "a scalar",
			node_kind(n));
	return false;
}

static bool
get_uint(struct ld *ld, yaml_node_t *n, const char *what, unsigned long lo,
		unsigned long hi, unsigned long *out)
{
	const char *s = scalar(ld, n, what);
	char *end;
	unsigned long v;

	if (s == NULL)
		return false;
	if (*s < '0' || *s > '9') {
		ERR(ld, n, "%s: '%s' is not a number", what, s);
		return false;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0) {
		ERR(ld, n, "%s: '%s' is not a number", what, s);
		return false;
	}
	if (v < lo || v > hi) {
		ERR(ld, n, "%s %lu out of range %lu..%lu", what, v, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

static bool
get_double(struct ld *ld, yaml_node_t *n, const char *what, double lo,
		double hi, double *out)
{
	const char *s = scalar(ld, n, what);
	char *end;
	double v;

	if (s == NULL)
		return false;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0') {
		ERR(ld, n, "%s: '%s' is not a number", what, s);
		return false;
	}
	if (!(v >= lo && v <= hi)) {
		ERR(ld, n, "%s: %s out of range %g..%g", what, s, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

static bool
get_bool(struct ld *ld, yaml_node_t *n, const char *what, bool *out)
{
	const char *s = scalar(ld, n, what);

	if (s == NULL)
		return false;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 ||
			strcmp(s, "on") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 ||
			strcmp(s, "off") == 0) {
		*out = false;
		return true;
	}
	ERR(ld, n, "%s: '%s' is not a boolean (true or false)", what, s);
	return false;
}

/* Index of S in the NULL-terminated list, or -1 (error reported). */
static int
get_enum(struct ld *ld, yaml_node_t *n, const char *what,
		const char *const *names)
{
	const char *s = scalar(ld, n, what);
	char list[128] = "";
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(s, names[i]) == 0)
			return i;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
				"%s%s", i ? " | " : "", names[i]);
	}
	ERR(ld, n, "%s: '%s' is not one of %s", what, s, list);
	return -1;
}

static bool
get_name(struct ld *ld, yaml_node_t *n, const char *what, char *out, size_t max)
{
	const char *s = scalar(ld, n, what);

	if (s == NULL)
		return false;
	if (ew_parse_name(s, max) != 0) {
		ERR(ld, n, "%s: '%s' is not a valid name ([a-z0-9-]{1,%zu})",
				what, s, max - 1);
		return false;
	}
	snprintf(out, max, "%s", s);
	return true;
}

/* Control characters in a path, device or EAL argument are a mistake (and
 * would not survive being written back out). */
static bool
reject_ctl(struct ld *ld, yaml_node_t *n, const char *what, const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			ERR(ld, n, "%s: contains a control character (0x%02x)", what,
					(unsigned char)*s);
			return true;
		}
	return false;
}

static bool
get_ref(struct ld *ld, yaml_node_t *n, const char *what, struct ew_ref *r)
{
	r->pos = pos_of(n);
	return get_name(ld, n, what, r->name, sizeof(r->name));
}

static bool
get_ipv4(struct ld *ld, yaml_node_t *n, const char *what, uint32_t *out)
{
	const char *s = scalar(ld, n, what);

	if (s == NULL)
		return false;
	if (ew_parse_ipv4(s, out) != 0) {
		ERR(ld, n, "%s: '%s' is not an IPv4 address", what, s);
		return false;
	}
	return true;
}

/* A CIDR prefix. HOST: an interface address (host bits allowed, /0 and /32
 * refused); otherwise a route prefix (host bits must be zero). */
static bool
get_prefix(struct ld *ld, yaml_node_t *n, const char *what, bool host,
		struct ew_prefix *out)
{
	const char *s = scalar(ld, n, what);
	char buf[40];

	if (s == NULL)
		return false;
	if (ew_parse_prefix(s, out) != 0) {
		ERR(ld, n, "%s: '%s' is not an IPv4 prefix (a.b.c.d/len)", what, s);
		return false;
	}
	if (host && (out->len == 0 || out->len > 30)) {
		ERR(ld, n, "%s: '%s': prefix length must be 1..30 for an address",
				what, s);
		return false;
	}
	if (!host && (out->addr & ~ew_prefix_mask(out->len)) != 0) {
		struct ew_prefix m = { out->addr & ew_prefix_mask(out->len), out->len };

		ERR(ld, n, "%s: '%s' has host bits set (did you mean %s?)", what, s,
				ew_prefix_str(&m, buf, sizeof(buf)));
		return false;
	}
	return true;
}

/*
 * Walk a mapping: each key must appear in FIELDS, at most once; required
 * keys must be present. Handlers fill OBJ.
 */
static void
walk_map(struct ld *ld, yaml_node_t *map, const char *what,
		const struct field *fields, void *obj)
{
	yaml_node_pair_t *p;
	uint64_t seen = 0;
	unsigned int i;

	if (!expect_type(ld, map, YAML_MAPPING_NODE, what))
		return;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
		const char *ks;

		if (k == NULL || v == NULL)
			continue;
		ks = scalar(ld, k, what);
		if (ks == NULL)
			continue;
		for (i = 0; fields[i].key != NULL; i++)
			if (strcmp(fields[i].key, ks) == 0)
				break;
		if (fields[i].key == NULL) {
			char list[256] = "";
			unsigned int j;

			for (j = 0; fields[j].key != NULL; j++)
				snprintf(list + strlen(list),
						sizeof(list) - strlen(list), "%s%s",
						j ? ", " : "", fields[j].key);
			ERR(ld, k, "%s: unknown key '%s' (expected one of: %s)",
					what, ks, list);
			continue;
		}
		if (seen & (1ull << i)) {
			ERR(ld, k, "%s: duplicate key '%s'", what, ks);
			continue;
		}
		seen |= 1ull << i;
		fields[i].fn(ld, v, obj);
	}
	for (i = 0; fields[i].key != NULL; i++)
		if (fields[i].required && !(seen & (1ull << i)))
			ERR(ld, map, "%s: missing required key '%s'", what,
					fields[i].key);
}

/* Iterate a sequence, calling FN for each item with a fresh zeroed slot of
 * SIZE bytes in *ARRAY (grown as needed). */
static void
walk_list(struct ld *ld, yaml_node_t *seq, const char *what, void **array,
		unsigned int *count, size_t size,
		void (*fn)(struct ld *, yaml_node_t *, void *))
{
	yaml_node_item_t *it;
	unsigned int n;
	char *a;

	if (!expect_type(ld, seq, YAML_SEQUENCE_NODE, what))
		return;
	n = (unsigned int)(seq->data.sequence.items.top -
			seq->data.sequence.items.start);
	if (n == 0)
		return;
	a = calloc(n, size);
	if (a == NULL) {
		ERR(ld, seq, "%s: out of memory", what);
		return;
	}
	*array = a;
	*count = 0;
	for (it = seq->data.sequence.items.start;
			it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(ld->doc, *it);

		if (item == NULL)
			continue;
		fn(ld, item, a + (size_t)(*count) * size);
		(*count)++;
	}
}

/* ---- node: ---- */

static void
f_node_name(struct ld *ld, yaml_node_t *v, void *o)
{
	get_name(ld, v, "node.name", ld->cfg->node_name, sizeof(ld->cfg->node_name));
}

static const struct field node_fields[] = {
	{ "name", f_node_name, true },
	{ NULL, NULL, false },
};

static void
f_node(struct ld *ld, yaml_node_t *v, void *o)
{
	walk_map(ld, v, "node", node_fields, NULL);
}

/* ---- dataplane: ---- */

static void
f_dp_workers(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long w;

	if (get_uint(ld, v, "dataplane.workers", 1, 64, &w))
		ld->cfg->workers = (unsigned int)w;
}

static void
f_dp_eal(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_config *cfg = ld->cfg;
	yaml_node_item_t *it;

	if (!expect_type(ld, v, YAML_SEQUENCE_NODE, "dataplane.eal"))
		return;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *a = yaml_document_get_node(ld->doc, *it);
		const char *s;

		if (a == NULL || (s = scalar(ld, a, "dataplane.eal")) == NULL ||
				reject_ctl(ld, a, "dataplane.eal", s))
			continue;
		if (cfg->n_eal_args >= EW_MAX_EAL_ARGS) {
			ERR(ld, a, "dataplane.eal: more than %d arguments",
					EW_MAX_EAL_ARGS);
			return;
		}
		cfg->eal_args[cfg->n_eal_args++] = strdup(s);
	}
}

static void
f_dp_mbufs(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long n;

	if (get_uint(ld, v, "dataplane.mbufs", 1024, 1u << 24, &n))
		ld->cfg->mbufs = (uint32_t)n;
}

static void
f_dp_idle(struct ld *ld, yaml_node_t *v, void *o)
{
	static const char *const names[] = { "adaptive", "poll", NULL };
	int i = get_enum(ld, v, "dataplane.idle", names);

	if (i >= 0)
		ld->cfg->idle = (enum ew_idle)i;
}

static const struct field dp_fields[] = {
	{ "workers", f_dp_workers, false },
	{ "eal", f_dp_eal, false },
	{ "mbufs", f_dp_mbufs, false },
	{ "idle", f_dp_idle, false },
	{ NULL, NULL, false },
};

static void
f_dataplane(struct ld *ld, yaml_node_t *v, void *o)
{
	walk_map(ld, v, "dataplane", dp_fields, NULL);
}

/* ---- control: ---- */

static void
f_ctl_socket(struct ld *ld, yaml_node_t *v, void *o)
{
	const char *s = scalar(ld, v, "control.socket");

	if (s == NULL || reject_ctl(ld, v, "control.socket", s))
		return;
	if (s[0] != '/' || strlen(s) >= 108) {
		ERR(ld, v, "control.socket: '%s' must be an absolute path shorter than 108 bytes",
				s);
		return;
	}
	snprintf(ld->cfg->socket, sizeof(ld->cfg->socket), "%s", s);
}

static void
f_ctl_metrics(struct ld *ld, yaml_node_t *v, void *o)
{
	const char *s = scalar(ld, v, "control.metrics");
	const char *colon;
	char host[32];
	uint32_t a;
	long port;
	char *end;

	if (s == NULL)
		return;
	colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host)) {
		ERR(ld, v, "control.metrics: '%s' is not ADDRESS:PORT", s);
		return;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (ew_parse_ipv4(host, &a) != 0 || *end != '\0' || port < 1 ||
			port > 65535) {
		ERR(ld, v, "control.metrics: '%s' is not ADDRESS:PORT", s);
		return;
	}
	snprintf(ld->cfg->metrics, sizeof(ld->cfg->metrics), "%s", s);
}

static const struct field ctl_fields[] = {
	{ "socket", f_ctl_socket, false },
	{ "metrics", f_ctl_metrics, false },
	{ NULL, NULL, false },
};

static void
f_control(struct ld *ld, yaml_node_t *v, void *o)
{
	walk_map(ld, v, "control", ctl_fields, NULL);
}

/* ---- interfaces: ---- */

static void
f_lr_prefix(struct ld *ld, yaml_node_t *v, void *o)
{
	get_prefix(ld, v, "route prefix", false, &((struct ew_lan_route *)o)->prefix);
}

static void
f_lr_via(struct ld *ld, yaml_node_t *v, void *o)
{
	get_ipv4(ld, v, "route via", &((struct ew_lan_route *)o)->via);
}

static const struct field lan_route_fields[] = {
	{ "prefix", f_lr_prefix, true },
	{ "via", f_lr_via, true },
	{ NULL, NULL, false },
};

static void
lan_route_item(struct ld *ld, yaml_node_t *n, void *o)
{
	((struct ew_lan_route *)o)->pos = pos_of(n);
	walk_map(ld, n, "interface route", lan_route_fields, o);
}

static bool
get_mac(struct ld *ld, yaml_node_t *n, const char *what, uint8_t mac[6])
{
	const char *s = scalar(ld, n, what);

	if (s == NULL)
		return false;
	if (ew_parse_mac(s, mac) != 0) {
		ERR(ld, n, "%s: '%s' is not a unicast MAC address (aa:bb:cc:dd:ee:ff)",
				what, s);
		return false;
	}
	return true;
}

static void
f_nb_address(struct ld *ld, yaml_node_t *v, void *o)
{
	get_ipv4(ld, v, "neighbor address", &((struct ew_neigh_cfg *)o)->addr);
}

static void
f_nb_mac(struct ld *ld, yaml_node_t *v, void *o)
{
	get_mac(ld, v, "neighbor mac", ((struct ew_neigh_cfg *)o)->mac);
}

static const struct field neigh_fields[] = {
	{ "address", f_nb_address, true },
	{ "mac", f_nb_mac, true },
	{ NULL, NULL, false },
};

static void
neigh_item(struct ld *ld, yaml_node_t *n, void *o)
{
	((struct ew_neigh_cfg *)o)->pos = pos_of(n);
	walk_map(ld, n, "interface neighbor", neigh_fields, o);
}

static void
f_if_name(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_iface_cfg *i = o;

	get_name(ld, v, "interface name", i->name, sizeof(i->name));
}

static void
f_if_role(struct ld *ld, yaml_node_t *v, void *o)
{
	static const char *const names[] = { "lan", "wan", NULL };
	int r = get_enum(ld, v, "interface role", names);

	if (r >= 0)
		((struct ew_iface_cfg *)o)->role = (enum ew_role)r;
}

static void
f_if_device(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_iface_cfg *i = o;
	const char *s = scalar(ld, v, "interface device");

	if (s == NULL || reject_ctl(ld, v, "interface device", s))
		return;
	if (*s == '\0' || strlen(s) >= sizeof(i->device)) {
		ERR(ld, v, "interface device: must be 1..%zu characters",
				sizeof(i->device) - 1);
		return;
	}
	snprintf(i->device, sizeof(i->device), "%s", s);
}

static void
f_if_address(struct ld *ld, yaml_node_t *v, void *o)
{
	get_prefix(ld, v, "interface address", true, &((struct ew_iface_cfg *)o)->address);
}

static void
f_if_gateway(struct ld *ld, yaml_node_t *v, void *o)
{
	get_ipv4(ld, v, "interface gateway", &((struct ew_iface_cfg *)o)->gateway);
}

static void
f_if_mtu(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long m;

	if (get_uint(ld, v, "interface mtu", 576, 9000, &m))
		((struct ew_iface_cfg *)o)->mtu = (uint16_t)m;
}

static void
f_if_routes(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_iface_cfg *i = o;

	walk_list(ld, v, "interface routes", (void **)&i->routes, &i->n_routes,
			sizeof(*i->routes), lan_route_item);
}

static void
f_if_neighbors(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_iface_cfg *i = o;

	walk_list(ld, v, "interface neighbors", (void **)&i->neighbors,
			&i->n_neighbors, sizeof(*i->neighbors), neigh_item);
}

static const struct field iface_fields[] = {
	{ "name", f_if_name, true },
	{ "role", f_if_role, true },
	{ "device", f_if_device, true },
	{ "address", f_if_address, true },
	{ "gateway", f_if_gateway, false },
	{ "mtu", f_if_mtu, false },
	{ "routes", f_if_routes, false },
	{ "neighbors", f_if_neighbors, false },
	{ NULL, NULL, false },
};

static void
f_interfaces(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_config *cfg = ld->cfg;
	yaml_node_item_t *it;

	if (!expect_type(ld, v, YAML_SEQUENCE_NODE, "interfaces"))
		return;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(ld->doc, *it);
		struct ew_iface_cfg *i;

		if (n == NULL)
			continue;
		if (cfg->n_ifaces >= EW_MAX_IFACES) {
			ERR(ld, n, "interfaces: more than %d interfaces", EW_MAX_IFACES);
			return;
		}
		i = &cfg->ifaces[cfg->n_ifaces++];
		i->pos = pos_of(n);
		i->mtu = 1500;
		walk_map(ld, n, "interface", iface_fields, i);
	}
}

/* ---- overlays: ---- */

static void
f_tun_name(struct ld *ld, yaml_node_t *v, void *o)
{
	get_name(ld, v, "tunnel name", ((struct ew_tunnel_cfg *)o)->name, EW_NAME_MAX);
}

static void
f_tun_wan(struct ld *ld, yaml_node_t *v, void *o)
{
	get_ref(ld, v, "tunnel wan", &((struct ew_tunnel_cfg *)o)->wan_ref);
}

static void
f_tun_remote(struct ld *ld, yaml_node_t *v, void *o)
{
	get_ipv4(ld, v, "tunnel remote", &((struct ew_tunnel_cfg *)o)->remote);
}

static void
f_tun_peer(struct ld *ld, yaml_node_t *v, void *o)
{
	get_ipv4(ld, v, "tunnel peer", &((struct ew_tunnel_cfg *)o)->peer);
}

static void
f_tun_probe(struct ld *ld, yaml_node_t *v, void *o)
{
	int p = get_enum(ld, v, "tunnel probe", ew_probe_names);

	if (p >= 0)
		((struct ew_tunnel_cfg *)o)->probe = (enum ew_probe)p;
}

static void
f_tun_peer_mac(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_tunnel_cfg *t = o;

	t->peer_mac_set = get_mac(ld, v, "tunnel peer_mac", t->peer_mac);
}

static const struct field tunnel_fields[] = {
	{ "name", f_tun_name, true },
	{ "probe", f_tun_probe, false },
	{ "wan", f_tun_wan, true },
	{ "remote", f_tun_remote, true },
	{ "peer", f_tun_peer, true },
	{ "peer_mac", f_tun_peer_mac, false },
	{ NULL, NULL, false },
};

static void
tunnel_item(struct ld *ld, yaml_node_t *n, void *o)
{
	((struct ew_tunnel_cfg *)o)->pos = pos_of(n);
	walk_map(ld, n, "tunnel", tunnel_fields, o);
}

static void
f_rt_prefix(struct ld *ld, yaml_node_t *v, void *o)
{
	get_prefix(ld, v, "route prefix", false, &((struct ew_route_cfg *)o)->prefix);
}

static void
f_rt_via(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_route_cfg *r = o;
	const char *s = scalar(ld, v, "route via");

	if (s == NULL)
		return;
	r->via_ref.pos = pos_of(v);
	if (strlen(s) >= sizeof(r->via_ref.name)) {
		ERR(ld, v, "route via: '%s' is neither a tunnel name nor an address", s);
		return;
	}
	snprintf(r->via_ref.name, sizeof(r->via_ref.name), "%s", s);
}

static const struct field route_fields[] = {
	{ "prefix", f_rt_prefix, true },
	{ "via", f_rt_via, true },
	{ NULL, NULL, false },
};

static void
route_item(struct ld *ld, yaml_node_t *n, void *o)
{
	((struct ew_route_cfg *)o)->pos = pos_of(n);
	walk_map(ld, n, "route", route_fields, o);
}

static void
f_ov_name(struct ld *ld, yaml_node_t *v, void *o)
{
	get_name(ld, v, "overlay name", ((struct ew_overlay_cfg *)o)->name, EW_NAME_MAX);
}

static void
f_ov_id(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long id;
	char what[64];

	if (((struct ew_overlay_cfg *)o)->name[0] != '\0')
		snprintf(what, sizeof(what), "overlay '%s': id",
				((struct ew_overlay_cfg *)o)->name);
	else
		snprintf(what, sizeof(what), "overlay id");
	if (get_uint(ld, v, what, 1, 16777215, &id))
		((struct ew_overlay_cfg *)o)->id = (uint32_t)id;
}

static void
f_ov_encap(struct ld *ld, yaml_node_t *v, void *o)
{
	static const char *const names[] = { "vxlan", "gre", NULL };
	int e = get_enum(ld, v, "overlay encap", names);

	if (e >= 0)
		((struct ew_overlay_cfg *)o)->encap = (enum ew_encap)e;
}

static void
f_ov_address(struct ld *ld, yaml_node_t *v, void *o)
{
	get_prefix(ld, v, "overlay address", true, &((struct ew_overlay_cfg *)o)->address);
}

static void
f_ov_mtu(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_overlay_cfg *ov = o;
	unsigned long m;

	if (get_uint(ld, v, "overlay mtu", 576, 9000, &m)) {
		ov->mtu = (uint16_t)m;
		ov->mtu_set = true;
	}
}

static void
f_ov_mss(struct ld *ld, yaml_node_t *v, void *o)
{
	get_bool(ld, v, "overlay mss_clamp", &((struct ew_overlay_cfg *)o)->mss_clamp);
}

static void
f_ov_tunnels(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_overlay_cfg *ov = o;

	walk_list(ld, v, "overlay tunnels", (void **)&ov->tunnels, &ov->n_tunnels,
			sizeof(*ov->tunnels), tunnel_item);
}

static void
f_ov_routes(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_overlay_cfg *ov = o;

	walk_list(ld, v, "overlay routes", (void **)&ov->routes, &ov->n_routes,
			sizeof(*ov->routes), route_item);
}

static const struct field overlay_fields[] = {
	{ "name", f_ov_name, true },
	{ "id", f_ov_id, true },
	{ "encap", f_ov_encap, true },
	{ "address", f_ov_address, true },
	{ "mtu", f_ov_mtu, false },
	{ "mss_clamp", f_ov_mss, false },
	{ "tunnels", f_ov_tunnels, false },
	{ "routes", f_ov_routes, false },
	{ NULL, NULL, false },
};

static void
overlay_item(struct ld *ld, yaml_node_t *n, void *o)
{
	struct ew_overlay_cfg *ov = o;

	ov->pos = pos_of(n);
	ov->mss_clamp = true;
	walk_map(ld, n, "overlay", overlay_fields, o);
}

static void
f_overlays(struct ld *ld, yaml_node_t *v, void *o)
{
	walk_list(ld, v, "overlays", (void **)&ld->cfg->overlays,
			&ld->cfg->n_overlays, sizeof(struct ew_overlay_cfg),
			overlay_item);
}

/* ---- classes: ---- */

static bool
get_port_range(struct ld *ld, yaml_node_t *v, const char *what, uint16_t *lo,
		uint16_t *hi)
{
	const char *s = scalar(ld, v, what);
	unsigned long a, b;
	char *end;

	if (s == NULL)
		return false;
	if (*s < '0' || *s > '9')
		goto bad;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			goto bad;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0')
		goto bad;
	if (a > 65535 || b > 65535 || a > b) {
		ERR(ld, v, "%s: '%s' is not a port range within 0..65535", what, s);
		return false;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
bad:
	ERR(ld, v, "%s: '%s' is not a port or a range (N or N-M)", what, s);
	return false;
}

static void
f_m_proto(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_match_cfg *m = o;
	const char *s = scalar(ld, v, "match proto");
	unsigned long p;

	if (s == NULL)
		return;
	if (strcmp(s, "tcp") == 0)
		m->proto = 6;
	else if (strcmp(s, "udp") == 0)
		m->proto = 17;
	else if (strcmp(s, "icmp") == 0)
		m->proto = 1;
	else if (s[0] >= '0' && s[0] <= '9') {
		if (get_uint(ld, v, "match proto", 0, 255, &p))
			m->proto = (int)p;
	} else
		ERR(ld, v, "match proto: '%s' is not tcp, udp, icmp or 0..255", s);
}

static void
f_m_src(struct ld *ld, yaml_node_t *v, void *o)
{
	get_prefix(ld, v, "match src", false, &((struct ew_match_cfg *)o)->src);
}

static void
f_m_dst(struct ld *ld, yaml_node_t *v, void *o)
{
	get_prefix(ld, v, "match dst", false, &((struct ew_match_cfg *)o)->dst);
}

static void
f_m_sport(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_match_cfg *m = o;

	get_port_range(ld, v, "match src_port", &m->sport_lo, &m->sport_hi);
}

static void
f_m_dport(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_match_cfg *m = o;

	get_port_range(ld, v, "match dst_port", &m->dport_lo, &m->dport_hi);
}

static void
f_m_ingress(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_match_cfg *m = o;
	yaml_node_item_t *it;

	if (v->type == YAML_SCALAR_NODE) {
		if (get_ref(ld, v, "match ingress", &m->ingress_ref[0]))
			m->n_ingress = 1;
		return;
	}
	if (!expect_type(ld, v, YAML_SEQUENCE_NODE, "match ingress"))
		return;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(ld->doc, *it);

		if (n == NULL)
			continue;
		if (m->n_ingress >= EW_MAX_IFACES) {
			ERR(ld, n, "match ingress: more than %d interfaces",
					EW_MAX_IFACES);
			return;
		}
		if (get_ref(ld, n, "match ingress", &m->ingress_ref[m->n_ingress]))
			m->n_ingress++;
	}
}

static void
f_m_dscp(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long d;

	if (get_uint(ld, v, "match dscp", 0, 63, &d))
		((struct ew_match_cfg *)o)->dscp = (int)d;
}

static const struct field match_fields[] = {
	{ "proto", f_m_proto, false },
	{ "src", f_m_src, false },
	{ "dst", f_m_dst, false },
	{ "src_port", f_m_sport, false },
	{ "dst_port", f_m_dport, false },
	{ "ingress", f_m_ingress, false },
	{ "dscp", f_m_dscp, false },
	{ NULL, NULL, false },
};

static void
match_item(struct ld *ld, yaml_node_t *n, void *o)
{
	struct ew_match_cfg *m = o;

	m->pos = pos_of(n);
	m->proto = -1;
	m->dscp = -1;
	m->sport_hi = 65535;
	m->dport_hi = 65535;
	walk_map(ld, n, "match rule", match_fields, o);
}

static void
f_cl_name(struct ld *ld, yaml_node_t *v, void *o)
{
	get_name(ld, v, "class name", ((struct ew_class_cfg *)o)->name, EW_NAME_MAX);
}

static void
f_cl_match(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_class_cfg *c = o;

	walk_list(ld, v, "class match", (void **)&c->match, &c->n_match,
			sizeof(*c->match), match_item);
}

static void
ref_item(struct ld *ld, yaml_node_t *n, void *o)
{
	get_ref(ld, n, "class overlays", o);
}

static void
f_cl_overlays(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_class_cfg *c = o;

	walk_list(ld, v, "class overlays", (void **)&c->overlay_refs,
			&c->n_overlays, sizeof(*c->overlay_refs), ref_item);
	if (v->type == YAML_SEQUENCE_NODE && c->n_overlays == 0)
		ERR(ld, v, "class '%s': overlays: the list is empty", c->name);
}

static void
f_sla_latency(struct ld *ld, yaml_node_t *v, void *o)
{
	get_double(ld, v, "sla latency_ms", 0, 1e6, &((struct ew_sla_cfg *)o)->latency_ms);
}

static void
f_sla_jitter(struct ld *ld, yaml_node_t *v, void *o)
{
	get_double(ld, v, "sla jitter_ms", 0, 1e6, &((struct ew_sla_cfg *)o)->jitter_ms);
}

static void
f_sla_loss(struct ld *ld, yaml_node_t *v, void *o)
{
	get_double(ld, v, "sla loss_pct", 0, 100, &((struct ew_sla_cfg *)o)->loss_pct);
}

static const struct field sla_fields[] = {
	{ "latency_ms", f_sla_latency, false },
	{ "jitter_ms", f_sla_jitter, false },
	{ "loss_pct", f_sla_loss, false },
	{ NULL, NULL, false },
};

static void
f_cl_sla(struct ld *ld, yaml_node_t *v, void *o)
{
	struct ew_sla_cfg *s = &((struct ew_class_cfg *)o)->sla;

	s->set = true;
	walk_map(ld, v, "class sla", sla_fields, s);
}

static void
f_cl_balance(struct ld *ld, yaml_node_t *v, void *o)
{
	static const char *const names[] = { "none", "flow", NULL };
	int b = get_enum(ld, v, "class balance", names);

	if (b >= 0)
		((struct ew_class_cfg *)o)->balance = (enum ew_balance)b;
}

static void
f_cl_dscp(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long d;

	if (get_uint(ld, v, "class dscp", 0, 63, &d))
		((struct ew_class_cfg *)o)->dscp = (int)d;
}

static const struct field class_fields[] = {
	{ "name", f_cl_name, true },
	{ "match", f_cl_match, false },
	{ "overlays", f_cl_overlays, true },
	{ "sla", f_cl_sla, false },
	{ "balance", f_cl_balance, false },
	{ "dscp", f_cl_dscp, false },
	{ NULL, NULL, false },
};

static void
class_item(struct ld *ld, yaml_node_t *n, void *o)
{
	struct ew_class_cfg *c = o;

	c->pos = pos_of(n);
	c->dscp = -1;
	c->sla.latency_ms = -1;
	c->sla.jitter_ms = -1;
	c->sla.loss_pct = -1;
	walk_map(ld, n, "class", class_fields, o);
}

static void
f_classes(struct ld *ld, yaml_node_t *v, void *o)
{
	walk_list(ld, v, "classes", (void **)&ld->cfg->classes,
			&ld->cfg->n_classes, sizeof(struct ew_class_cfg), class_item);
}

/* ---- monitor: ---- */

static void
f_mon_interval(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long n;

	if (get_uint(ld, v, "monitor.interval_ms", 10, 60000, &n))
		ld->cfg->monitor.interval_ms = (uint32_t)n;
}

static void
f_mon_window(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long n;

	if (get_uint(ld, v, "monitor.window", 2, 10000, &n))
		ld->cfg->monitor.window = (uint32_t)n;
}

static void
f_mon_down(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long n;

	if (get_uint(ld, v, "monitor.down_after", 1, 1000, &n))
		ld->cfg->monitor.down_after = (uint32_t)n;
}

static void
f_mon_hold(struct ld *ld, yaml_node_t *v, void *o)
{
	unsigned long n;

	if (get_uint(ld, v, "monitor.hold_down_ms", 0, 3600000, &n))
		ld->cfg->monitor.hold_down_ms = (uint32_t)n;
}

static const struct field monitor_fields[] = {
	{ "interval_ms", f_mon_interval, false },
	{ "hold_down_ms", f_mon_hold, false },
	{ "window", f_mon_window, false },
	{ "down_after", f_mon_down, false },
	{ NULL, NULL, false },
};

static void
f_monitor(struct ld *ld, yaml_node_t *v, void *o)
{
	walk_map(ld, v, "monitor", monitor_fields, NULL);
}

static const struct field top_fields[] = {
	{ "node", f_node, true },
	{ "dataplane", f_dataplane, false },
	{ "control", f_control, false },
	{ "interfaces", f_interfaces, true },
	{ "overlays", f_overlays, false },
	{ "classes", f_classes, false },
	{ "monitor", f_monitor, false },
	{ NULL, NULL, false },
};

static void
set_defaults(struct ew_config *cfg)
{
	cfg->workers = 1;
	cfg->mbufs = 16384;
	cfg->idle = EW_IDLE_ADAPTIVE;
	snprintf(cfg->socket, sizeof(cfg->socket), "/run/edgeway/edgeway.sock");
	cfg->monitor.interval_ms = 100;
	cfg->monitor.window = 50;
	cfg->monitor.down_after = 5;
	cfg->monitor.hold_down_ms = 10000;
}

/*
 * A first pass over the events, before libyaml builds the document: deep
 * nesting makes libyaml's scanner quadratic (100,000 nested "[" took over
 * a minute), and aliases can make a small file walk like a huge one. The
 * schema needs a depth of 6; refuse more than EW_CONFIG_MAX_DEPTH, and more
 * than EW_CONFIG_MAX_ALIASES aliases, at the first event past the limit.
 *
 * It also counts what the file would make us build, so that a small file
 * cannot cost a lot of memory: "match: [{},{},...]" is 3 bytes of YAML
 * per 688-byte rule, and each alias is walked (and built) again, so 8
 * aliases of a 600 KB list took 1.27 GB. Every value counts, every list
 * entry counts as an object, and an alias counts all the values and
 * objects of the node it names (so aliases of aliases multiply, as they
 * would when walked). More than EW_CONFIG_MAX_OBJECTS or
 * EW_CONFIG_MAX_NODES is refused here, at the value that crosses the
 * limit, in constant memory.
 *
 * Syntax errors are left to the real load, which reports them.
 */
struct shape_anchor {
	char *name;
	uint64_t nodes, items;		/* what one use of it repeats */
	bool open;			/* its node is not finished yet */
};

struct shape_level {
	bool seq;			/* a list: its entries are objects */
	int anchor;			/* -1: none */
	uint64_t nodes0, items0;	/* counts when it started */
};

struct shape {
	const char *name;
	struct ew_diag *diag;
	unsigned int depth, aliases, n_anchors;
	uint64_t nodes, items;
	struct shape_level level[EW_CONFIG_MAX_DEPTH + 1];
	struct shape_anchor anchor[EW_CONFIG_MAX_ANCHORS];
};

/* Count a value (NODES values, ITEMS objects below it) at the current
 * depth: itself an object when it is a list entry. */
static int
shape_count(struct shape *sh, struct ew_pos pos, uint64_t nodes, uint64_t items)
{
	if (sh->depth > 0 && sh->level[sh->depth].seq)
		items++;
	sh->nodes += nodes;
	sh->items += items;
	if (sh->items > EW_CONFIG_MAX_OBJECTS) {
		ew_diag_add(sh->diag, sh->name, pos,
				"more than %d objects (list entries: routes, tunnels, match rules, ...; an alias counts every entry it repeats)",
				EW_CONFIG_MAX_OBJECTS);
		return -1;
	}
	if (sh->nodes > EW_CONFIG_MAX_NODES) {
		ew_diag_add(sh->diag, sh->name, pos,
				"more than %d YAML values (an alias counts every value it repeats)",
				EW_CONFIG_MAX_NODES);
		return -1;
	}
	return 0;
}

static int
shape_find(const struct shape *sh, const char *name)
{
	unsigned int i;

	for (i = 0; i < sh->n_anchors; i++)
		if (strcmp(sh->anchor[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Define (or redefine) anchor NAME: its index; -1 if NAME is NULL, -2
 * on an error (reported). */
static int
shape_anchor(struct shape *sh, struct ew_pos pos, const unsigned char *name)
{
	int i;

	if (name == NULL)
		return -1;
	i = shape_find(sh, (const char *)name);
	if (i < 0) {
		if (sh->n_anchors >= EW_CONFIG_MAX_ANCHORS) {
			ew_diag_add(sh->diag, sh->name, pos, "more than %d anchors",
					EW_CONFIG_MAX_ANCHORS);
			return -2;
		}
		i = (int)sh->n_anchors;
		sh->anchor[i].name = strdup((const char *)name);
		if (sh->anchor[i].name == NULL) {
			ew_diag_add(sh->diag, sh->name, pos, "out of memory");
			return -2;
		}
		sh->n_anchors++;
	}
	sh->anchor[i].open = true;
	sh->anchor[i].nodes = 1;
	sh->anchor[i].items = 0;
	return i;
}

static int
shape_event(struct shape *sh, const yaml_event_t *ev)
{
	struct ew_pos pos = { ev->start_mark.line + 1, ev->start_mark.column + 1 };
	struct shape_level *lv;
	int a;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (shape_count(sh, pos, 1, 0) != 0)
			return -1;
		a = shape_anchor(sh, pos, ev->data.scalar.anchor);
		if (a == -2)
			return -1;
		if (a >= 0)
			sh->anchor[a].open = false;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (sh->depth + 1 > EW_CONFIG_MAX_DEPTH) {
			ew_diag_add(sh->diag, sh->name, pos, "nesting deeper than %d levels",
					EW_CONFIG_MAX_DEPTH);
			return -1;
		}
		if (shape_count(sh, pos, 1, 0) != 0)
			return -1;
		a = shape_anchor(sh, pos, ev->type == YAML_SEQUENCE_START_EVENT ?
				ev->data.sequence_start.anchor :
				ev->data.mapping_start.anchor);
		if (a == -2)
			return -1;
		lv = &sh->level[++sh->depth];
		lv->seq = ev->type == YAML_SEQUENCE_START_EVENT;
		lv->anchor = a;
		lv->nodes0 = sh->nodes - 1;
		lv->items0 = sh->items;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (sh->depth == 0)
			return 0;
		lv = &sh->level[sh->depth--];
		if (lv->anchor >= 0) {
			sh->anchor[lv->anchor].nodes = sh->nodes - lv->nodes0;
			sh->anchor[lv->anchor].items = sh->items - lv->items0;
			sh->anchor[lv->anchor].open = false;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		if (++sh->aliases > EW_CONFIG_MAX_ALIASES) {
			ew_diag_add(sh->diag, sh->name, pos, "more than %d aliases",
					EW_CONFIG_MAX_ALIASES);
			return -1;
		}
		a = shape_find(sh, (const char *)ev->data.alias.anchor);
		if (a < 0)		/* undefined: the load says so */
			return shape_count(sh, pos, 1, 0);
		if (sh->anchor[a].open) {
			ew_diag_add(sh->diag, sh->name, pos,
					"alias *%s is inside the node it names",
					sh->anchor[a].name);
			return -1;
		}
		return shape_count(sh, pos, sh->anchor[a].nodes,
				sh->anchor[a].items);
	default:
		return 0;
	}
}

static int
check_shape(const char *name, const char *text, size_t len, struct ew_diag *diag)
{
	struct shape *sh;
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned int i;
	int rc = 0;

	sh = calloc(1, sizeof(*sh));
	if (sh == NULL) {
		ew_diag_add(diag, name, (struct ew_pos){ 0, 0 }, "out of memory");
		return -1;
	}
	sh->name = name;
	sh->diag = diag;
	if (!yaml_parser_initialize(&p)) {
		free(sh);
		return 0;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (rc == 0 && yaml_parser_parse(&p, &ev)) {
		bool end = ev.type == YAML_STREAM_END_EVENT;

		rc = shape_event(sh, &ev);
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	for (i = 0; i < sh->n_anchors; i++)
		free(sh->anchor[i].name);
	free(sh);
	return rc;
}

struct ew_config *
ew_config_load_string(const char *name, const char *text, size_t len,
		struct ew_diag *diag)
{
	struct ew_config *cfg;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct ld ld;

	memset(diag, 0, sizeof(*diag));
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		ew_diag_add(diag, name, (struct ew_pos){ 0, 0 }, "out of memory");
		return NULL;
	}
	snprintf(cfg->file, sizeof(cfg->file), "%s", name);
	set_defaults(cfg);

	if (len > EW_CONFIG_MAX_BYTES) {
		ew_diag_add(diag, name, (struct ew_pos){ 1, 1 },
				"file is %zu bytes, larger than the %d byte limit",
				len, EW_CONFIG_MAX_BYTES);
		ew_config_free(cfg);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser)) {
		ew_diag_add(diag, name, (struct ew_pos){ 0, 0 }, "out of memory");
		ew_config_free(cfg);
		return NULL;
	}
	if (check_shape(name, text, len, diag) != 0) {
		yaml_parser_delete(&parser);
		ew_config_free(cfg);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		struct ew_pos p = { parser.problem_mark.line + 1,
				parser.problem_mark.column + 1 };

		ew_diag_add(diag, name, p, "YAML: %s%s%s",
				parser.problem ? parser.problem : "syntax error",
				parser.context ? " " : "",
				parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		ew_config_free(cfg);
		return NULL;
	}
	yaml_parser_delete(&parser);

	root = yaml_document_get_root_node(&doc);
	ld = (struct ld){ .file = name, .doc = &doc, .diag = diag, .cfg = cfg };
	if (root == NULL)
		ew_diag_add(diag, name, (struct ew_pos){ 1, 1 }, "the file is empty");
	else
		walk_map(&ld, root, "top level", top_fields, NULL);
	yaml_document_delete(&doc);

	if (diag->n == 0)
		ew_config_validate(cfg, diag);
	if (diag->n > 0) {
		ew_config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct ew_config *
ew_config_load(const char *file, struct ew_diag *diag)
{
	struct ew_config *cfg;
	struct stat st;
	size_t n;
	char *buf;
	FILE *f;

	memset(diag, 0, sizeof(*diag));
	f = fopen(file, "r");
	if (f == NULL) {
		ew_diag_add(diag, file, (struct ew_pos){ 0, 0 }, "cannot open: %s",
				strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		ew_diag_add(diag, file, (struct ew_pos){ 0, 0 },
				"not a regular file");
		fclose(f);
		return NULL;
	}
	if (st.st_size > EW_CONFIG_MAX_BYTES) {
		ew_diag_add(diag, file, (struct ew_pos){ 1, 1 },
				"file is %lld bytes, larger than the %d byte limit",
				(long long)st.st_size, EW_CONFIG_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fclose(f);
		ew_diag_add(diag, file, (struct ew_pos){ 0, 0 }, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[n] = '\0';
	cfg = ew_config_load_string(file, buf, n, diag);
	free(buf);
	return cfg;
}

void
ew_config_free(struct ew_config *cfg)
{
	unsigned int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n_eal_args; i++)
		free(cfg->eal_args[i]);
	for (i = 0; i < cfg->n_ifaces; i++) {
		free(cfg->ifaces[i].routes);
		free(cfg->ifaces[i].neighbors);
	}
	for (i = 0; i < cfg->n_overlays; i++) {
		free(cfg->overlays[i].tunnels);
		free(cfg->overlays[i].routes);
	}
	free(cfg->overlays);
	for (i = 0; i < cfg->n_classes; i++) {
		free(cfg->classes[i].match);
		free(cfg->classes[i].overlay_refs);
		free(cfg->classes[i].overlays);
	}
	free(cfg->classes);
	free(cfg);
}
