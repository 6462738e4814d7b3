/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Semantic validation of a parsed config: uniqueness, references, address
 * plans and derived values (overlay MTU). Runs only when parsing found no
 * error, so every field holds a well-formed value.
 */

#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#define VERR(cfg, diag, pos, ...) ew_diag_add(diag, (cfg)->file, pos, __VA_ARGS__)

/*
 * Uniqueness and name lookups use small hash indexes, so validation is
 * linear in the size of the config (100,000 routes in one overlay took
 * 5 s with the pairwise loops this replaces, now 10 ms). An index holds
 * positions in some array (+1, 0 = empty), open addressing, at most half
 * full.
 */
struct vhash {
	uint32_t mask;
	uint32_t *slot;
};

/* Does element IDX of ARR have key KEY? */
typedef bool (*vh_eq)(const void *arr, unsigned int idx, const void *key);

static int
vh_init(struct vhash *h, unsigned int n)
{
	uint32_t size = 16;

	while (size < 2 * (uint64_t)n)
		size <<= 1;
	h->slot = calloc(size, sizeof(*h->slot));
	h->mask = size - 1;
	return h->slot == NULL ? -1 : 0;
}

static void
vh_free(struct vhash *h)
{
	free(h->slot);
	h->slot = NULL;
}

static uint32_t
vh_mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return (uint32_t)k;
}

/* The first element with KEY, or -1; then, if IDX >= 0, IDX is added. */
static int
vh_find_add(struct vhash *h, uint32_t hv, vh_eq eq, const void *arr,
		const void *key, int idx)
{
	uint32_t i, x;

	for (i = hv & h->mask; (x = h->slot[i]) != 0; i = (i + 1) & h->mask)
		if (eq(arr, x - 1, key))
			return (int)(x - 1);
	if (idx >= 0)
		h->slot[i] = (uint32_t)idx + 1;
	return -1;
}

static bool
eq_tun_name(const void *arr, unsigned int i, const void *key)
{
	return strcmp(((const struct ew_tunnel_cfg *)arr)[i].name, key) == 0;
}

static bool
eq_tun_peer(const void *arr, unsigned int i, const void *key)
{
	return ((const struct ew_tunnel_cfg *)arr)[i].peer == *(const uint32_t *)key;
}

static bool
eq_tun_path(const void *arr, unsigned int i, const void *key)
{
	const struct ew_tunnel_cfg *a = &((const struct ew_tunnel_cfg *)arr)[i];
	const struct ew_tunnel_cfg *b = key;

	return a->remote == b->remote &&
			strcmp(a->wan_ref.name, b->wan_ref.name) == 0;
}

static bool
eq_route(const void *arr, unsigned int i, const void *key)
{
	const struct ew_prefix *a = &((const struct ew_route_cfg *)arr)[i].prefix;
	const struct ew_prefix *b = key;

	return a->addr == b->addr && a->len == b->len;
}

static bool
eq_neigh(const void *arr, unsigned int i, const void *key)
{
	return ((const struct ew_neigh_cfg *)arr)[i].addr == *(const uint32_t *)key;
}

static bool
eq_ov_name(const void *arr, unsigned int i, const void *key)
{
	return strcmp(((const struct ew_overlay_cfg *)arr)[i].name, key) == 0;
}

static bool
eq_class_name(const void *arr, unsigned int i, const void *key)
{
	return strcmp(((const struct ew_class_cfg *)arr)[i].name, key) == 0;
}

static bool
eq_ref_name(const void *arr, unsigned int i, const void *key)
{
	return strcmp(((const struct ew_ref *)arr)[i].name, key) == 0;
}

static bool
prefixes_overlap(const struct ew_prefix *a, const struct ew_prefix *b)
{
	uint8_t len = a->len < b->len ? a->len : b->len;

	return ((a->addr ^ b->addr) & ew_prefix_mask(len)) == 0;
}

static int
find_iface(const struct ew_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ifaces; i++)
		if (strcmp(cfg->ifaces[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* An address usable by a host in P: not the network or broadcast address. */
static bool
is_host_addr(const struct ew_prefix *p, uint32_t a)
{
	uint32_t m = ew_prefix_mask(p->len);

	if (p->len >= 31)
		return true;
	return (a & ~m) != 0 && (a & ~m) != ~m;
}

/* IFC's static neighbours: hosts on its subnet, each listed once.
 * -1: out of memory (reported). */
static int
check_neighbors(struct ew_config *cfg, struct ew_iface_cfg *ifc,
		struct ew_diag *d)
{
	struct vhash nh;
	unsigned int j;
	char b1[40];

	if (vh_init(&nh, ifc->n_neighbors) != 0) {
		VERR(cfg, d, ifc->pos, "out of memory");
		return -1;
	}
	for (j = 0; j < ifc->n_neighbors; j++) {
		struct ew_neigh_cfg *nb = &ifc->neighbors[j];
		int k;

		if (!ew_prefix_contains(&ifc->address, nb->addr) ||
				nb->addr == ifc->address.addr ||
				!is_host_addr(&ifc->address, nb->addr))
			VERR(cfg, d, nb->pos, "interface '%s': neighbor %s is not a host on %s",
					ifc->name, ew_ipv4_str(nb->addr, b1, sizeof(b1)),
					ew_prefix_str(&ifc->address, b1 + 20, 20));
		k = vh_find_add(&nh, vh_mix(nb->addr), eq_neigh,
				ifc->neighbors, &nb->addr, (int)j);
		if (k >= 0)
			VERR(cfg, d, nb->pos, "interface '%s': neighbor %s listed twice (first at line %u)",
					ifc->name,
					ew_ipv4_str(nb->addr, b1, sizeof(b1)),
					ifc->neighbors[k].pos.line);
	}
	vh_free(&nh);
	return 0;
}

/* IFC's routes: each via a neighbour on its subnet. */
static void
check_lan_routes(struct ew_config *cfg, const struct ew_iface_cfg *ifc,
		struct ew_diag *d)
{
	unsigned int j;
	char b1[40];

	for (j = 0; j < ifc->n_routes; j++) {
		const struct ew_lan_route *r = &ifc->routes[j];

		if (!ew_prefix_contains(&ifc->address, r->via) ||
				r->via == ifc->address.addr)
			VERR(cfg, d, r->pos, "interface '%s': route via %s is not a neighbour on %s",
					ifc->name, ew_ipv4_str(r->via, b1, sizeof(b1)),
					ew_prefix_str(&ifc->address, b1 + 20, 20));
	}
}

static void
check_interfaces(struct ew_config *cfg, struct ew_diag *d)
{
	unsigned int i, j, n_lan = 0, n_wan = 0;
	char b1[40];

	for (i = 0; i < cfg->n_ifaces; i++) {
		struct ew_iface_cfg *ifc = &cfg->ifaces[i];

		for (j = 0; j < i; j++) {
			struct ew_iface_cfg *o = &cfg->ifaces[j];

			if (strcmp(o->name, ifc->name) == 0)
				VERR(cfg, d, ifc->pos, "interface '%s': duplicate name (first at line %u)",
						ifc->name, o->pos.line);
			else if (strcmp(o->device, ifc->device) == 0)
				VERR(cfg, d, ifc->pos, "interface '%s': device '%s' already used by '%s'",
						ifc->name, ifc->device, o->name);
			else if (prefixes_overlap(&o->address, &ifc->address))
				VERR(cfg, d, ifc->pos, "interface '%s': subnet %s overlaps interface '%s'",
						ifc->name,
						ew_prefix_str(&ifc->address, b1, sizeof(b1)),
						o->name);
		}
		if (!is_host_addr(&ifc->address, ifc->address.addr))
			VERR(cfg, d, ifc->pos, "interface '%s': %s is the network or broadcast address",
					ifc->name, ew_prefix_str(&ifc->address, b1, sizeof(b1)));
		if (ifc->role == EW_ROLE_LAN) {
			n_lan++;
			if (ifc->gateway != 0)
				VERR(cfg, d, ifc->pos, "interface '%s': gateway is for WAN interfaces; use routes on a LAN",
						ifc->name);
		} else {
			n_wan++;
			if (ifc->n_routes > 0)
				VERR(cfg, d, ifc->pos, "interface '%s': routes are for LAN interfaces",
						ifc->name);
			if (ifc->gateway != 0 &&
					(!ew_prefix_contains(&ifc->address, ifc->gateway) ||
					 ifc->gateway == ifc->address.addr))
				VERR(cfg, d, ifc->pos, "interface '%s': gateway %s is not a host in %s",
						ifc->name,
						ew_ipv4_str(ifc->gateway, b1, sizeof(b1)),
						ifc->name);
		}
		if (check_neighbors(cfg, ifc, d) != 0)
			return;
		check_lan_routes(cfg, ifc, d);
	}
	if (cfg->n_ifaces > 0 && n_lan == 0)
		VERR(cfg, d, cfg->ifaces[0].pos, "interfaces: no interface has role lan");
	if (cfg->n_ifaces > 0 && n_wan == 0)
		VERR(cfg, d, cfg->ifaces[0].pos, "interfaces: no interface has role wan");
}

/* An overlay's tunnels by name and by peer, for route resolution too. */
struct tun_index {
	struct vhash name, peer, path;
};

static void
check_tunnels(struct ew_config *cfg, struct ew_overlay_cfg *ov, struct ew_diag *d,
		unsigned int *min_wan_mtu, struct tun_index *ix)
{
	unsigned int t;
	char b[40];

	*min_wan_mtu = 0;
	for (t = 0; t < ov->n_tunnels; t++) {
		struct ew_tunnel_cfg *tu = &ov->tunnels[t];
		int w = find_iface(cfg, tu->wan_ref.name), u;

		/* one of these per tunnel, the first that applies */
		if ((u = vh_find_add(&ix->name, vh_mix(ew_str_hash(tu->name)),
				eq_tun_name, ov->tunnels, tu->name, (int)t)) >= 0)
			VERR(cfg, d, tu->pos, "overlay '%s': duplicate tunnel name '%s'",
					ov->name, tu->name);
		else if (tu->wan_ref.name[0] != '\0' &&
				(u = vh_find_add(&ix->path, vh_mix((uint64_t)tu->remote << 32 |
				ew_str_hash(tu->wan_ref.name)), eq_tun_path,
				ov->tunnels, tu, (int)t)) >= 0)
			VERR(cfg, d, tu->pos, "overlay '%s': tunnels '%s' and '%s' have the same remote %s on the same wan",
					ov->name, ov->tunnels[u].name, tu->name,
					ew_ipv4_str(tu->remote, b, sizeof(b)));
		else if ((u = vh_find_add(&ix->peer, vh_mix(tu->peer), eq_tun_peer,
				ov->tunnels, &tu->peer, (int)t)) >= 0)
			VERR(cfg, d, tu->pos, "overlay '%s': tunnels '%s' and '%s' have the same peer %s",
					ov->name, ov->tunnels[u].name, tu->name,
					ew_ipv4_str(tu->peer, b, sizeof(b)));
		if (tu->peer_mac_set && ov->encap != EW_ENCAP_VXLAN)
			VERR(cfg, d, tu->pos, "tunnel '%s': peer_mac is for VXLAN tunnels (GRE carries no Ethernet header)",
					tu->name);
		if (w < 0) {
			VERR(cfg, d, tu->wan_ref.pos, "tunnel '%s': wan '%s' is not a configured interface",
					tu->name, tu->wan_ref.name);
			continue;
		}
		if (cfg->ifaces[w].role != EW_ROLE_WAN) {
			VERR(cfg, d, tu->wan_ref.pos, "tunnel '%s': interface '%s' has role lan, not wan",
					tu->name, tu->wan_ref.name);
			continue;
		}
		tu->wan = (unsigned int)w;
		if (*min_wan_mtu == 0 || cfg->ifaces[w].mtu < *min_wan_mtu)
			*min_wan_mtu = cfg->ifaces[w].mtu;
		if (tu->remote == 0 || tu->remote == cfg->ifaces[w].address.addr ||
				(tu->remote >> 28) >= 14 || (tu->remote >> 24) == 127)
			VERR(cfg, d, tu->pos, "tunnel '%s': remote %s is not a usable unicast address",
					tu->name, ew_ipv4_str(tu->remote, b, sizeof(b)));
		if (ew_prefix_contains(&cfg->ifaces[w].address, tu->remote) == false &&
				cfg->ifaces[w].gateway == 0)
			VERR(cfg, d, tu->pos, "tunnel '%s': remote %s is off-link and wan '%s' has no gateway",
					tu->name, ew_ipv4_str(tu->remote, b, sizeof(b)),
					cfg->ifaces[w].name);
		if (!ew_prefix_contains(&ov->address, tu->peer) ||
				tu->peer == ov->address.addr)
			VERR(cfg, d, tu->pos, "tunnel '%s': peer %s is not another host in overlay subnet %s",
					tu->name, ew_ipv4_str(tu->peer, b, sizeof(b)),
					ew_prefix_str(&ov->address, b + 20, 20));
	}
}

static void
check_routes(struct ew_config *cfg, struct ew_overlay_cfg *ov, struct ew_diag *d,
		struct tun_index *ix)
{
	struct vhash seen;
	unsigned int r;
	uint32_t via;
	char b[40];

	if (vh_init(&seen, ov->n_routes) != 0) {
		VERR(cfg, d, ov->pos, "out of memory");
		return;
	}
	for (r = 0; r < ov->n_routes; r++) {
		struct ew_route_cfg *rt = &ov->routes[r];
		int found, s;

		s = vh_find_add(&seen, vh_mix((uint64_t)rt->prefix.addr << 8 |
				rt->prefix.len), eq_route, ov->routes, &rt->prefix,
				(int)r);
		if (s >= 0)
			VERR(cfg, d, rt->pos, "overlay '%s': duplicate route %s (first at line %u)",
					ov->name,
					ew_prefix_str(&rt->prefix, b, sizeof(b)),
					ov->routes[s].pos.line);
		found = vh_find_add(&ix->name, vh_mix(ew_str_hash(rt->via_ref.name)),
				eq_tun_name, ov->tunnels, rt->via_ref.name, -1);
		if (found < 0 && ew_parse_ipv4(rt->via_ref.name, &via) == 0)
			found = vh_find_add(&ix->peer, vh_mix(via), eq_tun_peer,
					ov->tunnels, &via, -1);
		if (found < 0)
			VERR(cfg, d, rt->via_ref.pos, "overlay '%s': route %s via '%s': no tunnel of this overlay has that name or peer address",
					ov->name, ew_prefix_str(&rt->prefix, b, sizeof(b)),
					rt->via_ref.name);
		else
			rt->tunnel = (unsigned int)found;
	}
	vh_free(&seen);
}

/* Overlays against each other (names, ids, subnets), by sorting: O(n log n)
 * for the thousands of overlays an orchestrator may create. */
struct ov_ref {
	const struct ew_overlay_cfg *ov;
	unsigned int idx;
	uint32_t start, end;
};

static int
cmp_ov_net(const void *a, const void *b)
{
	const struct ov_ref *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;	/* wider first */
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void
check_overlay_pairs(struct ew_config *cfg, struct ew_diag *d)
{
	unsigned int n = cfg->n_overlays, i;
	struct ov_ref *r = calloc(n + 1, sizeof(*r)), widest;
	char b[40];

	if (r == NULL) {
		VERR(cfg, d, cfg->overlays[0].pos, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct ew_prefix *p = &cfg->overlays[i].address;

		r[i].ov = &cfg->overlays[i];
		r[i].idx = i;
		r[i].start = p->addr & ew_prefix_mask(p->len);
		r[i].end = r[i].start | ~ew_prefix_mask(p->len);
	}
	/* names and ids: one pass with an open-addressing index (this runs on
	 * every API change; sorting 10,000 names each time was most of it) */
	{
		uint32_t hs = 1, *hn, *hi, h, x;

		while (hs < 2 * n)
			hs <<= 1;
		hn = calloc(hs, sizeof(*hn));
		hi = calloc(hs, sizeof(*hi));
		if (hn == NULL || hi == NULL) {
			free(hn);
			free(hi);
			free(r);
			VERR(cfg, d, cfg->overlays[0].pos, "out of memory");
			return;
		}
		for (i = 0; i < n; i++) {
			const struct ew_overlay_cfg *ov = &cfg->overlays[i];

			for (h = ew_str_hash(ov->name) & (hs - 1); (x = hn[h]) != 0;
					h = (h + 1) & (hs - 1))
				if (strcmp(cfg->overlays[x - 1].name, ov->name) == 0)
					break;
			if (x != 0)
				VERR(cfg, d, ov->pos, "overlay '%s': duplicate name (first at line %u)",
						ov->name, cfg->overlays[x - 1].pos.line);
			else
				hn[h] = i + 1;
			for (h = (ov->id * 2654435761u) & (hs - 1); (x = hi[h]) != 0;
					h = (h + 1) & (hs - 1))
				if (cfg->overlays[x - 1].id == ov->id)
					break;
			if (x != 0)
				VERR(cfg, d, ov->pos, "overlay '%s': id %u already used by overlay '%s'",
						ov->name, ov->id, cfg->overlays[x - 1].name);
			else
				hi[h] = i + 1;
		}
		free(hn);
		free(hi);
	}
	/* sorted by start, wider first: X overlaps an earlier subnet iff it
	 * starts inside the one reaching furthest so far */
	qsort(r, n, sizeof(*r), cmp_ov_net);
	for (i = 0; i < n; i++) {
		if (i > 0 && r[i].start <= widest.end) {
			const struct ov_ref *late = widest.idx > r[i].idx ? &widest : &r[i];
			const struct ov_ref *early = late == &r[i] ? &widest : &r[i];

			VERR(cfg, d, late->ov->pos, "overlay '%s': subnet %s overlaps overlay '%s'",
					late->ov->name,
					ew_prefix_str(&late->ov->address, b, sizeof(b)),
					early->ov->name);
		}
		if (i == 0 || r[i].end > widest.end)
			widest = r[i];
	}
	free(r);
}

static void
check_overlays(struct ew_config *cfg, struct ew_diag *d)
{
	unsigned int o, i;
	char b[40];

	if (cfg->n_overlays > 1)
		check_overlay_pairs(cfg, d);
	for (o = 0; o < cfg->n_overlays; o++) {
		struct ew_overlay_cfg *ov = &cfg->overlays[o];
		unsigned int wan_mtu, max_mtu;
		struct tun_index ix = { { 0, NULL }, { 0, NULL }, { 0, NULL } };

		for (i = 0; i < cfg->n_ifaces; i++)
			if (prefixes_overlap(&cfg->ifaces[i].address, &ov->address))
				VERR(cfg, d, ov->pos, "overlay '%s': subnet %s overlaps interface '%s'",
						ov->name,
						ew_prefix_str(&ov->address, b, sizeof(b)),
						cfg->ifaces[i].name);
		if (!is_host_addr(&ov->address, ov->address.addr))
			VERR(cfg, d, ov->pos, "overlay '%s': %s is the network or broadcast address",
					ov->name, ew_prefix_str(&ov->address, b, sizeof(b)));
		if (vh_init(&ix.name, ov->n_tunnels) != 0 ||
				vh_init(&ix.peer, ov->n_tunnels) != 0 ||
				vh_init(&ix.path, ov->n_tunnels) != 0) {
			vh_free(&ix.name);
			vh_free(&ix.peer);
			VERR(cfg, d, ov->pos, "out of memory");
			return;
		}
		check_tunnels(cfg, ov, d, &wan_mtu, &ix);
		check_routes(cfg, ov, d, &ix);
		vh_free(&ix.name);
		vh_free(&ix.peer);
		vh_free(&ix.path);
		if (wan_mtu == 0)
			wan_mtu = 1500;
		max_mtu = wan_mtu - ew_encap_overhead(ov->encap);
		if (!ov->mtu_set)
			ov->mtu = (uint16_t)max_mtu;
		else if (ov->mtu > max_mtu)
			VERR(cfg, d, ov->pos, "overlay '%s': mtu %u does not fit the underlay (wan mtu %u minus %u bytes of %s is %u)",
					ov->name, ov->mtu, wan_mtu,
					ew_encap_overhead(ov->encap),
					ew_encap_name(ov->encap), max_mtu);
	}
}

/* CL's overlay list resolved to indexes (OVS: overlays by name); over the
 * limit it is reported elsewhere, not resolved pair by pair. */
static void
class_overlays(struct ew_config *cfg, struct ew_class_cfg *cl,
		struct vhash *ovs, struct ew_diag *d)
{
	unsigned int k, m;

	for (k = 0; k < cl->n_overlays && cl->n_overlays <= EW_CLASS_MAX_OVERLAYS;
			k++) {
		struct ew_ref *r = &cl->overlay_refs[k];
		int o = vh_find_add(ovs, vh_mix(ew_str_hash(r->name)),
				eq_ov_name, cfg->overlays, r->name, -1);

		if (o < 0) {
			VERR(cfg, d, r->pos, "class '%s': overlay '%s' is not configured",
					cl->name, r->name);
			continue;
		}
		for (m = 0; m < k; m++)
			if (eq_ref_name(cl->overlay_refs, m, r->name))
				VERR(cfg, d, r->pos, "class '%s': overlay '%s' listed twice",
						cl->name, r->name);
		cl->overlays[k] = (unsigned int)o;
	}
}

/* One match rule of CL: its ingress interfaces (LAN ones, as a mask), and
 * ports only with a protocol that has them. */
static void
check_match(struct ew_config *cfg, const struct ew_class_cfg *cl,
		struct ew_match_cfg *mt, struct ew_diag *d)
{
	unsigned int i;

	mt->ingress_mask = 0;
	for (i = 0; i < mt->n_ingress; i++) {
		int f = find_iface(cfg, mt->ingress_ref[i].name);

		if (f < 0)
			VERR(cfg, d, mt->ingress_ref[i].pos, "class '%s': ingress '%s' is not a configured interface",
					cl->name, mt->ingress_ref[i].name);
		else if (cfg->ifaces[f].role != EW_ROLE_LAN)
			VERR(cfg, d, mt->ingress_ref[i].pos, "class '%s': ingress '%s' is a wan interface; classes apply to LAN traffic",
					cl->name, mt->ingress_ref[i].name);
		else
			mt->ingress_mask |= 1u << f;
	}
	if ((mt->sport_lo != 0 || mt->sport_hi != 65535 ||
			mt->dport_lo != 0 || mt->dport_hi != 65535) &&
			mt->proto != 6 && mt->proto != 17 &&
			mt->proto != 132)
		VERR(cfg, d, mt->pos, "class '%s': ports need proto tcp, udp or 132 (sctp)",
				cl->name);
}

static void
check_classes(struct ew_config *cfg, struct ew_diag *d)
{
	struct vhash names, ovs;
	unsigned int c, k, m;
	int x;

	if (vh_init(&names, cfg->n_classes) != 0) {
		VERR(cfg, d, ((struct ew_pos){ 1, 1 }), "out of memory");
		return;
	}
	if (vh_init(&ovs, cfg->n_overlays) != 0) {
		vh_free(&names);
		VERR(cfg, d, ((struct ew_pos){ 1, 1 }), "out of memory");
		return;
	}
	/* overlays by name (the first of a duplicated name, as reported) */
	for (k = 0; k < cfg->n_overlays; k++)
		vh_find_add(&ovs, vh_mix(ew_str_hash(cfg->overlays[k].name)),
				eq_ov_name, cfg->overlays, cfg->overlays[k].name,
				(int)k);
	for (c = 0; c < cfg->n_classes; c++) {
		struct ew_class_cfg *cl = &cfg->classes[c];

		x = vh_find_add(&names, vh_mix(ew_str_hash(cl->name)),
				eq_class_name, cfg->classes, cl->name, (int)c);
		if (x >= 0)
			VERR(cfg, d, cl->pos, "class '%s': duplicate name (first at line %u)",
					cl->name, cfg->classes[x].pos.line);
		if (cl->n_match == 0 && c + 1 < cfg->n_classes)
			VERR(cfg, d, cl->pos, "class '%s' has no match and catches everything, so class '%s' after it can never match; put it last",
					cl->name, cfg->classes[c + 1].name);
		free(cl->overlays);	/* validating a changed copy again */
		cl->overlays = calloc(cl->n_overlays ? cl->n_overlays : 1,
				sizeof(*cl->overlays));
		if (cl->overlays == NULL) {
			VERR(cfg, d, cl->pos, "out of memory");
			break;
		}
		class_overlays(cfg, cl, &ovs, d);
		for (m = 0; m < cl->n_match; m++)
			check_match(cfg, cl, &cl->match[m], d);
	}
	vh_free(&names);
	vh_free(&ovs);
}

void
ew_config_validate(struct ew_config *cfg, struct ew_diag *diag)
{
	if (cfg->n_ifaces == 0)
		VERR(cfg, diag, ((struct ew_pos){ 1, 1 }), "interfaces: none configured");
	check_interfaces(cfg, diag);
	check_overlays(cfg, diag);
	check_classes(cfg, diag);
}
