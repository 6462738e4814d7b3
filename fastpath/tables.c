/* SPDX-License-Identifier: BSD-3-Clause */
/* Building and freeing a table generation. Runs on the control thread. */

#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "fastpath/encap.h"
#include "fastpath/pmtu.h"
#include "fastpath/slots.h"
#include "fastpath/tables.h"

const char *const ew_drop_names[EW_DROP_MAX] = {
#define _(sym, name, help) [EW_DROP_##sym] = name,
	foreach_ew_drop(_)
#undef _
};

const char *const ew_drop_help[EW_DROP_MAX] = {
#define _(sym, name, help) [EW_DROP_##sym] = help,
	foreach_ew_drop(_)
#undef _
};

static int
build_tunkeys(struct ew_tables *t)
{
	uint32_t size = 16, i, n = t->n_tunnels;

	for (i = 0; i < t->n_tunnels; i++)
		n += t->tun[i].df_clear;
	while (size < n * 2)
		size <<= 1;
	t->tunkey = rte_zmalloc("ew_tunkey", size * sizeof(*t->tunkey),
			RTE_CACHE_LINE_SIZE);
	if (t->tunkey == NULL)
		return -1;
	t->tunkey_mask = size - 1;
	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];
		uint32_t key = ew_tunkey_key(tu->ifx, tu->encap, tu->id);
		uint32_t h = ew_tunkey_hash(key, tu->remote) & t->tunkey_mask;

		while (t->tunkey[h].id_encap != 0) {
			if (t->tunkey[h].id_encap == key &&
					t->tunkey[h].remote == tu->remote)
				return -2;	/* validated away; defensive */
			h = (h + 1) & t->tunkey_mask;
		}
		t->tunkey[h].id_encap = key;
		t->tunkey[h].remote = tu->remote;
		t->tunkey[h].tun = i;
	}
	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];
		uint32_t key = ew_tunkey_key(tu->ifx, EW_TUNKEY_FRAG, 0);
		uint32_t h = ew_tunkey_hash(key, tu->remote) & t->tunkey_mask;

		if (!tu->df_clear ||
				ew_tunnel_find(t, tu->ifx, EW_TUNKEY_FRAG, 0, tu->remote) >= 0)
			continue;
		while (t->tunkey[h].id_encap != 0)
			h = (h + 1) & t->tunkey_mask;
		t->tunkey[h].id_encap = key;
		t->tunkey[h].remote = tu->remote;
		t->tunkey[h].tun = i;
	}
	return 0;
}

static int
build_lan(struct ew_tables *t, const struct ew_config *cfg)
{
	unsigned int i, j, n = 0;
	uint32_t *addr, *val;
	uint8_t *len;
	int rc = -1;

	for (i = 0; i < cfg->n_ifaces; i++)
		if (cfg->ifaces[i].role == EW_ROLE_LAN)
			n += 1 + cfg->ifaces[i].n_routes;
	addr = calloc(n + 1, sizeof(*addr));
	val = calloc(n + 1, sizeof(*val));
	len = calloc(n + 1, sizeof(*len));
	t->lan_nh = calloc(n + 1, sizeof(*t->lan_nh));
	t->lan_l2 = rte_zmalloc("ew_lan_l2", (n + 1) * sizeof(uint64_t),
			RTE_CACHE_LINE_SIZE);
	if (addr == NULL || val == NULL || len == NULL || t->lan_nh == NULL ||
			t->lan_l2 == NULL)
		goto out;
	n = 0;
	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct ew_iface_cfg *ic = &cfg->ifaces[i];

		if (ic->role != EW_ROLE_LAN)
			continue;
		addr[n] = ic->address.addr;
		len[n] = ic->address.len;
		val[n] = n;
		t->lan_nh[n].ifx = (uint16_t)i;
		t->lan_nh[n].via = 0;
		n++;
		for (j = 0; j < ic->n_routes; j++) {
			addr[n] = ic->routes[j].prefix.addr;
			len[n] = ic->routes[j].prefix.len;
			val[n] = n;
			t->lan_nh[n].ifx = (uint16_t)i;
			t->lan_nh[n].via = ic->routes[j].via;
			n++;
		}
	}
	t->n_lan_nh = n;
	rc = ew_lpm_build(&t->lan, addr, len, val, n);
out:
	free(addr);
	free(val);
	free(len);
	return rc;
}

/* "overlay/tunnel", the tunnel's counter-slot key (names are validated
 * [a-z0-9-]{1,31}, so it always fits; this runs per tunnel per change,
 * where snprintf was a sixth of the rebuild). */
static void
slot_key(char *key, const char *ov, const char *tun)
{
	size_t a = strnlen(ov, EW_NAME_MAX - 1), b = strnlen(tun, EW_NAME_MAX - 1);

	memcpy(key, ov, a);
	key[a] = '/';
	memcpy(key + a + 1, tun, b);
	key[a + 1 + b] = '\0';
}

/* Tunnel TUN of the generation: the K-th of overlay O, with its header
 * template and its counter slot from TSLOTS (NULL: the index). */
static int
build_tunnel(struct ew_tables *t, const struct ew_config *cfg, unsigned int o,
		unsigned int k, unsigned int tun, struct ew_slots *tslots)
{
	const struct ew_overlay_cfg *oc = &cfg->overlays[o];
	const struct ew_tunnel_cfg *tc = &oc->tunnels[k];
	struct ew_tunnel *tu = &t->tun[tun];
	const struct ew_port *wan = &t->ports[tc->wan];

	tu->ifx = (uint16_t)tc->wan;
	tu->ox = (uint16_t)o;
	tu->peer = tc->peer;
	tu->remote = tc->remote;
	tu->encap = oc->encap;
	tu->id = oc->id;
	tu->probe = tc->probe;
	tu->df_clear = tc->df == EW_DF_CLEAR;
	tu->nh = (((tc->remote ^ wan->addr) &
			ew_prefix_mask(wan->plen)) == 0 ||
			cfg->ifaces[tc->wan].gateway == 0) ?
			tc->remote : cfg->ifaces[tc->wan].gateway;
	memcpy(tu->name, tc->name, sizeof(tu->name));
	ew_tunnel_tpl_build(tu, wan);
	if (tslots != NULL) {
		char key[EW_SLOT_KEY];
		int sl;

		slot_key(key, oc->name, tc->name);
		sl = ew_slots_get(tslots, key);
		if (sl < 0 || sl >= EW_MAX_TUNNELS)
			return -1;
		tu->slot = (uint16_t)sl;
	} else {
		tu->slot = (uint16_t)tun;
	}
	return 0;
}

/* A down tunnel carries nothing: another tunnel's route, or the class's
 * next overlay, takes over. */
static bool
tunnel_down(const struct ew_tables *t, const struct ew_runtime *rt,
		unsigned int tun)
{
	return rt != NULL && rt->tun_down != NULL &&
			rt->tun_down[t->tun[tun].slot];
}

/* Was a route for exactly tunnel K's peer configured in OC? */
static bool
peer_routed(const struct ew_overlay_cfg *oc, unsigned int k)
{
	unsigned int j;

	for (j = 0; j < oc->n_routes; j++)
		if (oc->routes[j].prefix.len == 32 &&
				oc->routes[j].prefix.addr == oc->tunnels[k].peer)
			return true;
	return false;
}

/* Overlay OC's FIB (its tunnels from t->tun[FIRST] on): the configured
 * routes, plus each tunnel's peer as a connected /32 unless a route for
 * exactly that was configured; none via a down tunnel. */
static int
build_fib(struct ew_tables *t, const struct ew_overlay_cfg *oc,
		struct ew_overlay *ov, unsigned int first,
		const struct ew_runtime *rt)
{
	unsigned int k, nr = oc->n_routes + oc->n_tunnels;
	uint32_t *addr, *val;
	uint8_t *len;
	int rc;

	addr = calloc(nr + 1, sizeof(*addr));
	val = calloc(nr + 1, sizeof(*val));
	len = calloc(nr + 1, sizeof(*len));
	rc = (addr == NULL || val == NULL || len == NULL) ? -1 : 0;
	for (nr = 0, k = 0; rc == 0 && k < oc->n_routes; k++) {
		if (tunnel_down(t, rt, first + oc->routes[k].tunnel))
			continue;
		addr[nr] = oc->routes[k].prefix.addr;
		len[nr] = oc->routes[k].prefix.len;
		val[nr] = first + oc->routes[k].tunnel;
		nr++;
	}
	for (k = 0; rc == 0 && k < oc->n_tunnels; k++) {
		if (tunnel_down(t, rt, first + k) || peer_routed(oc, k))
			continue;
		addr[nr] = oc->tunnels[k].peer;
		len[nr] = 32;
		val[nr] = first + k;
		nr++;
	}
	if (rc == 0)
		rc = ew_lpm_build(&ov->fib, addr, len, val, nr);
	free(addr);
	free(val);
	free(len);
	return rc;
}

static int
build_overlays(struct ew_tables *t, const struct ew_config *cfg,
		struct ew_slots *tslots, const struct ew_runtime *rt)
{
	unsigned int o, k, tun = 0, n_tun = 0;

	for (o = 0; o < cfg->n_overlays; o++)
		n_tun += cfg->overlays[o].n_tunnels;
	if (n_tun > EW_MAX_TUNNELS)
		return -1;
	t->ov = calloc(cfg->n_overlays + 1, sizeof(*t->ov));
	t->tun = rte_zmalloc("ew_tunnels", (n_tun + 1) * sizeof(*t->tun),
			RTE_CACHE_LINE_SIZE);
	if (t->ov == NULL || t->tun == NULL)
		return -1;
	t->tun_l2 = rte_zmalloc("ew_tun_l2", (n_tun + 1) * 2 * sizeof(uint64_t),
			RTE_CACHE_LINE_SIZE);
	t->tun_mtu = rte_zmalloc("ew_tun_mtu", (n_tun + 1) * sizeof(uint64_t),
			RTE_CACHE_LINE_SIZE);
	if (t->tun_l2 == NULL || t->tun_mtu == NULL)
		return -1;
	t->n_overlays = cfg->n_overlays;
	t->n_tunnels = n_tun;
	for (o = 0; o < cfg->n_overlays; o++) {
		const struct ew_overlay_cfg *oc = &cfg->overlays[o];
		struct ew_overlay *ov = &t->ov[o];
		unsigned int first = tun;

		ov->id = oc->id;
		ov->encap = oc->encap;
		ov->mtu = oc->mtu;
		ov->mss = oc->mss_clamp ? (uint16_t)(oc->mtu - 40) : 0;
		ov->addr = oc->address.addr;
		ov->plen = oc->address.len;
		memcpy(ov->name, oc->name, sizeof(ov->name));
		for (k = 0; k < oc->n_tunnels; k++, tun++)
			if (build_tunnel(t, cfg, o, k, tun, tslots) != 0)
				return -1;
		if (build_fib(t, oc, ov, first, rt) != 0)
			return -1;
	}
	return 0;
}

static void
near_add(struct ew_tables *t, uint32_t addr, uint8_t len)
{
	uint32_t o, first = addr >> 24, last;

	last = len >= 8 ? first : (first | (0xffu >> len));
	for (o = len >= 8 ? first : first & ~(0xffu >> len); o <= last; o++)
		t->near[o >> 6] |= 1ull << (o & 63);
}

/* Our own addresses (interfaces, overlays) as /32 entries of an LPM, and
 * the first octets that may be local or LAN-routed (t->near). */
static int
build_local(struct ew_tables *t, const struct ew_config *cfg)
{
	unsigned int n = cfg->n_ifaces + cfg->n_overlays, i, k = 0;
	uint32_t *addr = malloc((n + 1) * sizeof(*addr));
	uint32_t *val = calloc(n + 1, sizeof(*val));
	uint8_t *len = malloc(n + 1);
	int rc = -1;

	if (addr != NULL && val != NULL && len != NULL) {
		for (i = 0; i < cfg->n_ifaces; i++)
			addr[k++] = cfg->ifaces[i].address.addr;
		for (i = 0; i < cfg->n_overlays; i++)
			addr[k++] = cfg->overlays[i].address.addr;
		memset(len, 32, n);
		rc = ew_lpm_build(&t->local, addr, len, val, n);
		for (i = 0; i < n; i++) {
			near_add(t, addr[i], 32);
			t->own16[addr[i] >> 22] |= 1ull << ((addr[i] >> 16) & 63);
		}
		for (i = 0; i < t->lan.n; i++)
			near_add(t, t->lan.e[i].addr,
					(uint8_t)__builtin_popcount(t->lan.e[i].mask));
	}
	free(addr);
	free(val);
	free(len);
	return rc;
}

/* Does a LAN route shorter than ADDR/LEN hold it? Mark every such route
 * (ov_inside). */
static bool
lan_holds(struct ew_tables *t, uint32_t addr, uint8_t len)
{
	bool held = false;
	uint32_t g, v;

	for (g = 0; g < t->lan.n_grp; g++) {
		const struct ew_lpm_grp *lg = &t->lan.g[g];

		if (lg->plen < len && ew_lpm_exact(&t->lan, addr & lg->mask,
				lg->plen, &v) == 0) {
			t->lan_nh[v].ov_inside = 1;
			held = true;
		}
	}
	return held;
}

/*
 * Longest match across the LAN and overlay tables: mark each LAN route
 * that holds a longer overlay prefix (ov_inside), and gather those
 * prefixes, of every overlay, in one set (t->ov_any). Only a LAN match so
 * marked costs the worker a lookup in the set (any longer overlay match is
 * in it), and only when that finds one does the class's overlay get a
 * say. Prefixes in no /8 of a LAN route (t->near) are skipped unprobed,
 * so overlays far from the LAN's prefixes cost a rebuild one bit test a
 * route. Runs after build_local (t->near).
 */
static int
build_ov_any(struct ew_tables *t)
{
	uint32_t *addr = NULL, *val, cap = 0, n = 0, o, i;
	uint8_t *len = NULL;
	int rc = 0;

	for (o = 0; o < t->n_overlays && rc == 0; o++)
		for (i = 0; i < t->ov[o].fib.n; i++) {
			const struct ew_lpm_ent *e = &t->ov[o].fib.e[i];
			uint8_t l = (uint8_t)__builtin_popcount(e->mask);

			if (!ew_tables_near(t, e->addr) || !lan_holds(t, e->addr, l))
				continue;
			if (n == cap) {
				uint32_t *na;
				uint8_t *nl;

				cap = cap ? 2 * cap : 64;
				na = realloc(addr, cap * sizeof(*addr));
				addr = na != NULL ? na : addr;
				nl = realloc(len, cap);
				len = nl != NULL ? nl : len;
				if (na == NULL || nl == NULL) {
					rc = -1;
					break;
				}
			}
			addr[n] = e->addr;
			len[n++] = l;
		}
	val = calloc(n + 1, sizeof(*val));
	if (rc == 0 && val != NULL)
		rc = ew_lpm_build_union(&t->ov_any, addr, len, val, n);
	else
		rc = -1;
	free(addr);
	free(val);
	free(len);
	return rc;
}

static int
build_classes(struct ew_tables *t, const struct ew_config *cfg)
{
	unsigned int c, k, n = cfg->n_classes;
	bool implicit = true;

	for (c = 0; c < n; c++)
		if (cfg->classes[c].n_match == 0)
			implicit = false;
	/* No catch-all class: an implicit one sends the rest over every
	 * overlay in file order (first with a route wins). */
	t->classes = calloc(n + 1, sizeof(*t->classes));
	if (t->classes == NULL)
		return -1;
	for (c = 0; c < n; c++) {
		const struct ew_class_cfg *cc = &cfg->classes[c];
		struct ew_class *cl = &t->classes[c];

		cl->ov = calloc(cc->n_overlays + 1, sizeof(*cl->ov));
		if (cl->ov == NULL)
			return -1;
		for (k = 0; k < cc->n_overlays; k++)
			cl->ov[k] = (uint16_t)cc->overlays[k];
		cl->n_ov = cc->n_overlays;
		cl->dscp = cc->dscp > 0 ? (uint8_t)cc->dscp : 0;
		cl->balance = cc->balance == EW_BALANCE_FLOW;
		memcpy(cl->name, cc->name, sizeof(cl->name));
	}
	t->n_classes = n;
	if (implicit) {
		struct ew_class *cl = &t->classes[n];

		cl->ov = calloc(cfg->n_overlays + 1, sizeof(*cl->ov));
		if (cl->ov == NULL)
			return -1;
		for (k = 0; k < cfg->n_overlays; k++)
			cl->ov[k] = (uint16_t)k;
		cl->n_ov = cfg->n_overlays;
		snprintf(cl->name, sizeof(cl->name), "default");
		t->n_classes = n + 1;
	}
	return 0;
}

static int
assign_slots(struct ew_tables *t, struct ew_slots *cslots,
		const struct ew_runtime *rt)
{
	unsigned int i, k, n;
	int s;

	memset(t->tun_of_slot, 0xff, sizeof(t->tun_of_slot));
	for (i = 0; i < t->n_tunnels; i++)	/* slots given in build_overlays */
		t->tun_of_slot[t->tun[i].slot] = (uint16_t)i;
	for (i = 0; i < t->n_classes; i++) {
		struct ew_class *cl = &t->classes[i];
		uint32_t allow;
		uint16_t tmp[EW_CLASS_MAX_OVERLAYS];

		s = cslots != NULL ? ew_slots_get(cslots, cl->name) : (int)i;
		if (s < 0 || s >= EW_MAX_CLASSES)
			return -1;
		cl->slot = (uint16_t)s;
		cl->n_pref = cl->n_ov;
		allow = rt != NULL && rt->class_allow != NULL ? rt->class_allow[s] : 0;
		if (allow == 0 || cl->n_ov > EW_CLASS_MAX_OVERLAYS)
			continue;
		/* the SLA's choice first, in preference order; the rest after */
		for (n = 0, k = 0; k < cl->n_ov; k++)
			if (allow & (1u << k))
				tmp[n++] = cl->ov[k];
		cl->n_pref = n;
		for (k = 0; k < cl->n_ov; k++)
			if (!(allow & (1u << k)))
				tmp[n++] = cl->ov[k];
		memcpy(cl->ov, tmp, n * sizeof(tmp[0]));
	}
	return 0;
}

struct ew_tables *
ew_tables_build(struct ew_config *cfg, const struct rte_ether_addr *macs,
		const uint16_t *port_ids, struct ew_slots *tslots,
		struct ew_slots *cslots, char *err, size_t errlen)
{
	return ew_tables_rebuild(cfg, NULL, macs, port_ids, tslots, cslots, NULL,
			NULL, err, errlen);
}

/* Each tunnel's MTU word: the WAN's MTU as the path MTU, or what PREV's
 * same tunnel (slot, WAN, remote) had learnt, until the control thread
 * publishes its own (control/slowpath/pmtu.c). */
static void
init_tun_mtu(struct ew_tables *t, const struct ew_tables *prev)
{
	unsigned int i, p;

	for (i = 0; i < t->n_tunnels; i++) {
		const struct ew_tunnel *tu = &t->tun[i];
		uint16_t pmtu = t->ports[tu->ifx].mtu;

		p = prev != NULL && prev->tun_mtu != NULL ?
				prev->tun_of_slot[tu->slot] : EW_SLOT_NONE;
		if (p != EW_SLOT_NONE && p < prev->n_tunnels &&
				prev->tun[p].ifx == tu->ifx &&
				prev->tun[p].remote == tu->remote &&
				ew_pmtu_path(prev->tun_mtu[p]) < pmtu)
			pmtu = ew_pmtu_path(prev->tun_mtu[p]);
		t->tun_mtu[i] = ew_pmtu_word(t, i, pmtu);
	}
}

struct ew_tables *
ew_tables_rebuild(struct ew_config *cfg, const struct ew_tables *prev,
		const struct rte_ether_addr *macs, const uint16_t *port_ids,
		struct ew_slots *tslots, struct ew_slots *cslots,
		const struct ew_runtime *rt, bool *clf_built, char *err,
		size_t errlen)
{
	struct ew_tables *t;
	unsigned int i;

	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(t->ifx_of_port, -1, sizeof(t->ifx_of_port));
	t->n_ports = cfg->n_ifaces;
	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct ew_iface_cfg *ic = &cfg->ifaces[i];
		struct ew_port *p = &t->ports[i];

		p->port_id = port_ids[i];
		p->role = ic->role;
		p->addr = ic->address.addr;
		p->plen = ic->address.len;
		p->mtu = ic->mtu;
		p->mac = macs[i];
		snprintf(p->name, sizeof(p->name), "%s", ic->name);
		t->ifx_of_port[port_ids[i]] = (int8_t)i;
	}
	if (prev != NULL && ew_classifier_same(prev->clf, cfg)) {
		t->clf = ew_classifier_get(prev->clf);
		if (clf_built != NULL)
			*clf_built = false;
	} else {
		t->clf = ew_classifier_build(cfg);
		if (clf_built != NULL)
			*clf_built = t->clf != NULL;
	}
	if (t->clf == NULL || build_lan(t, cfg) != 0 ||
			build_overlays(t, cfg, tslots, rt) != 0 ||
			build_local(t, cfg) != 0 || build_ov_any(t) != 0 ||
			build_classes(t, cfg) != 0 || build_tunkeys(t) != 0 ||
			assign_slots(t, cslots, rt) != 0) {
		snprintf(err, errlen, "cannot build tables (out of memory, or over %d tunnels or %d classes)",
				EW_MAX_TUNNELS, EW_MAX_CLASSES);
		t->cfg = NULL;
		ew_tables_free(t);
		return NULL;
	}
	init_tun_mtu(t, prev);
	t->cfg = cfg;
	return t;
}

void
ew_tables_free(struct ew_tables *t)
{
	unsigned int i;

	if (t == NULL)
		return;
	ew_lpm_free(&t->lan);
	ew_lpm_free(&t->ov_any);
	ew_lpm_free(&t->local);
	free(t->lan_nh);
	if (t->ov != NULL)
		for (i = 0; i < t->n_overlays; i++)
			ew_lpm_free(&t->ov[i].fib);
	free(t->ov);
	rte_free(t->tun);
	rte_free(t->tun_l2);
	rte_free(t->tun_mtu);
	rte_free(t->lan_l2);
	if (t->classes != NULL)
		for (i = 0; i < t->n_classes; i++)
			free(t->classes[i].ov);
	free(t->classes);
	ew_classifier_put(t->clf);
	rte_free(t->tunkey);
	ew_config_free(t->cfg);
	free(t);
}
