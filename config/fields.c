/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config's fields, each described once: key, type, place in its
 * struct, bounds, enum names, default, and what the writer leaves out.
 * The YAML loader, the YAML writer and the API's changes are all driven
 * by these tables (the types' parsers are in values.c), so a range such
 * as "interface mtu 576..9000" is written here and nowhere else. The
 * order of a table is the order keys are written in (and listed in
 * "unknown key" messages).
 */

#include <stddef.h>
#include <stdio.h>

#include "config/fields.h"

/* ---- names of enumerations ---- */

static const char *const role_names[] = { "lan", "wan", NULL };
static const char *const encap_names[] = { "vxlan", "gre", NULL };
static const char *const idle_names[] = { "adaptive", "poll", NULL };
static const char *const balance_names[] = { "none", "flow", NULL };
static const char *const arp_names[] = { "normal", "strict", NULL };
const char *const ew_probe_names[] = { "auto", "stamp", "icmp", "none", NULL };
static const char *const df_names[] = { "set", "clear", NULL };

const char *
ew_encap_name(enum ew_encap e)
{
	return e == EW_ENCAP_GRE ? encap_names[1] : encap_names[0];
}

const char *
ew_role_name(enum ew_role r)
{
	return r == EW_ROLE_WAN ? role_names[1] : role_names[0];
}

const char *
ew_probe_name(enum ew_probe p)
{
	return (unsigned int)p <= EW_PROBE_NONE ? ew_probe_names[p] : "auto";
}

const char *
ew_df_name(enum ew_df d)
{
	return d == EW_DF_CLEAR ? df_names[1] : df_names[0];
}

/* ---- the tables ---- */

/* Offset and size of MEMBER of struct ST. */
#define AT(st, member) .off = offsetof(st, member), \
	.size = sizeof(((st *)0)->member)
#define REQ EW_FF_REQUIRED
#define OMIT EW_FF_OMIT

static const struct ew_field node_fields[] = {
	{ "name", "node.name", EW_FT_NAME, AT(struct ew_config, node_name),
		.flags = REQ },
	{ .key = NULL },
};

static const struct ew_kind node_kind = { "node", .fields = node_fields };

static const struct ew_field dataplane_fields[] = {
	{ "workers", "dataplane.workers", EW_FT_UINT,
		AT(struct ew_config, workers), .lo = 1, .hi = 64, .def = 1 },
	{ "eal", "dataplane.eal", EW_FT_ARGS, AT(struct ew_config, eal_args),
		.flags = OMIT, .hi = EW_MAX_EAL_ARGS, .items = "arguments",
		.off2 = offsetof(struct ew_config, n_eal_args) },
	{ "mbufs", "dataplane.mbufs", EW_FT_UINT, AT(struct ew_config, mbufs),
		.lo = 1024, .hi = 1u << 24, .def = 16384 },
	{ "idle", "dataplane.idle", EW_FT_ENUM, AT(struct ew_config, idle),
		.names = idle_names, .def = EW_IDLE_ADAPTIVE },
	{ .key = NULL },
};

static const struct ew_kind dataplane_kind = { "dataplane", .fields = dataplane_fields };

static const struct ew_field control_fields[] = {
	/* hi: the size of sun_path */
	{ "socket", "control.socket", EW_FT_PATH, AT(struct ew_config, socket),
		.hi = 108, .sdef = "/run/edgeway/edgeway.sock" },
	{ "metrics", "control.metrics", EW_FT_HOSTPORT,
		AT(struct ew_config, metrics), .flags = OMIT },
	{ .key = NULL },
};

static const struct ew_kind control_kind = { "control", .fields = control_fields };

static const struct ew_field lan_route_fields[] = {
	{ "prefix", "route prefix", EW_FT_PREFIX,
		AT(struct ew_lan_route, prefix), .flags = REQ },
	{ "via", "route via", EW_FT_IPV4, AT(struct ew_lan_route, via),
		.flags = REQ },
	{ .key = NULL },
};

static const struct ew_kind lan_route_kind = {
	"interface route", sizeof(struct ew_lan_route),
	offsetof(struct ew_lan_route, pos), true, lan_route_fields,
};

static const struct ew_field neigh_fields[] = {
	{ "address", "neighbor address", EW_FT_IPV4,
		AT(struct ew_neigh_cfg, addr), .flags = REQ },
	{ "mac", "neighbor mac", EW_FT_MAC, AT(struct ew_neigh_cfg, mac),
		.flags = REQ },
	{ .key = NULL },
};

static const struct ew_kind neigh_kind = {
	"interface neighbor", sizeof(struct ew_neigh_cfg),
	offsetof(struct ew_neigh_cfg, pos), true, neigh_fields,
};

static const struct ew_field iface_fields[] = {
	{ "name", "interface name", EW_FT_NAME, AT(struct ew_iface_cfg, name),
		.flags = REQ },
	{ "role", "interface role", EW_FT_ENUM, AT(struct ew_iface_cfg, role),
		.flags = REQ, .names = role_names },
	{ "device", "interface device", EW_FT_DEVICE,
		AT(struct ew_iface_cfg, device), .flags = REQ },
	{ "address", "interface address", EW_FT_ADDRESS,
		AT(struct ew_iface_cfg, address), .flags = REQ },
	{ "gateway", "interface gateway", EW_FT_IPV4,
		AT(struct ew_iface_cfg, gateway), .flags = OMIT },
	{ "mtu", "interface mtu", EW_FT_UINT, AT(struct ew_iface_cfg, mtu),
		.lo = 576, .hi = 9000, .def = 1500 },
	{ "arp", "interface arp", EW_FT_ENUM, AT(struct ew_iface_cfg, arp),
		.flags = OMIT, .names = arp_names, .def = EW_ARP_NORMAL },
	{ "routes", "interface routes", EW_FT_LIST,
		AT(struct ew_iface_cfg, routes), .flags = OMIT,
		.off2 = offsetof(struct ew_iface_cfg, n_routes),
		.sub = &lan_route_kind },
	{ "neighbors", "interface neighbors", EW_FT_LIST,
		AT(struct ew_iface_cfg, neighbors), .flags = OMIT,
		.off2 = offsetof(struct ew_iface_cfg, n_neighbors),
		.sub = &neigh_kind },
	{ .key = NULL },
};

static const struct ew_kind iface_kind = {
	"interface", sizeof(struct ew_iface_cfg),
	offsetof(struct ew_iface_cfg, pos), false, iface_fields,
};

static const struct ew_field tunnel_fields[] = {
	{ "name", "tunnel name", EW_FT_NAME, AT(struct ew_tunnel_cfg, name),
		.flags = REQ },
	{ "wan", "tunnel wan", EW_FT_REF, AT(struct ew_tunnel_cfg, wan_ref),
		.flags = REQ },
	{ "remote", "tunnel remote", EW_FT_IPV4,
		AT(struct ew_tunnel_cfg, remote), .flags = REQ },
	{ "peer", "tunnel peer", EW_FT_IPV4, AT(struct ew_tunnel_cfg, peer),
		.flags = REQ },
	{ "probe", "tunnel probe", EW_FT_ENUM, AT(struct ew_tunnel_cfg, probe),
		.names = ew_probe_names, .def = EW_PROBE_AUTO },
	{ "peer_mac", "tunnel peer_mac", EW_FT_MAC,
		AT(struct ew_tunnel_cfg, peer_mac), .flags = OMIT | EW_FF_FLAG,
		.flag = offsetof(struct ew_tunnel_cfg, peer_mac_set) },
	{ "df", "tunnel df", EW_FT_ENUM, AT(struct ew_tunnel_cfg, df),
		.names = df_names, .def = EW_DF_SET, .flags = OMIT },
	{ .key = NULL },
};

const struct ew_kind ew_kind_tunnel = {
	"tunnel", sizeof(struct ew_tunnel_cfg),
	offsetof(struct ew_tunnel_cfg, pos), true, tunnel_fields,
};

static const struct ew_field route_fields[] = {
	{ "prefix", "route prefix", EW_FT_PREFIX,
		AT(struct ew_route_cfg, prefix), .flags = REQ },
	{ "via", "route via", EW_FT_VIA, AT(struct ew_route_cfg, via_ref),
		.flags = REQ },
	{ .key = NULL },
};

const struct ew_kind ew_kind_route = {
	"route", sizeof(struct ew_route_cfg),
	offsetof(struct ew_route_cfg, pos), true, route_fields,
};

static const struct ew_field overlay_fields[] = {
	{ "name", "overlay name", EW_FT_NAME, AT(struct ew_overlay_cfg, name),
		.flags = REQ },
	{ "id", "overlay id", EW_FT_UINT, AT(struct ew_overlay_cfg, id),
		.flags = REQ | EW_FF_NAMED, .lo = 1, .hi = 16777215 },
	{ "encap", "overlay encap", EW_FT_ENUM, AT(struct ew_overlay_cfg, encap),
		.flags = REQ, .names = encap_names },
	{ "address", "overlay address", EW_FT_ADDRESS,
		AT(struct ew_overlay_cfg, address), .flags = REQ },
	{ "mtu", "overlay mtu", EW_FT_UINT, AT(struct ew_overlay_cfg, mtu),
		.flags = OMIT | EW_FF_FLAG, .lo = 576, .hi = 9000,
		.flag = offsetof(struct ew_overlay_cfg, mtu_set) },
	{ "mss_clamp", "overlay mss_clamp", EW_FT_BOOL,
		AT(struct ew_overlay_cfg, mss_clamp), .def = true },
	{ "tunnels", "overlay tunnels", EW_FT_LIST,
		AT(struct ew_overlay_cfg, tunnels), .flags = OMIT,
		.off2 = offsetof(struct ew_overlay_cfg, n_tunnels),
		.sub = &ew_kind_tunnel },
	{ "routes", "overlay routes", EW_FT_LIST,
		AT(struct ew_overlay_cfg, routes), .flags = OMIT,
		.off2 = offsetof(struct ew_overlay_cfg, n_routes),
		.sub = &ew_kind_route },
	{ .key = NULL },
};

const struct ew_kind ew_kind_overlay = {
	"overlay", sizeof(struct ew_overlay_cfg),
	offsetof(struct ew_overlay_cfg, pos), false, overlay_fields,
};

static const struct ew_field match_fields[] = {
	{ "proto", "match proto", EW_FT_PROTO, AT(struct ew_match_cfg, proto),
		.flags = OMIT, .lo = 0, .hi = 255, .def = -1 },
	{ "src", "match src", EW_FT_PREFIX, AT(struct ew_match_cfg, src),
		.flags = OMIT },
	{ "dst", "match dst", EW_FT_PREFIX, AT(struct ew_match_cfg, dst),
		.flags = OMIT },
	{ "src_port", "match src_port", EW_FT_PORTS,
		AT(struct ew_match_cfg, sport_lo), .flags = OMIT, .lo = 0,
		.hi = 65535 },
	{ "dst_port", "match dst_port", EW_FT_PORTS,
		AT(struct ew_match_cfg, dport_lo), .flags = OMIT, .lo = 0,
		.hi = 65535 },
	{ "ingress", "match ingress", EW_FT_REF_SET,
		AT(struct ew_match_cfg, ingress_ref), .flags = OMIT,
		.hi = EW_MAX_IFACES, .items = "interfaces",
		.off2 = offsetof(struct ew_match_cfg, n_ingress) },
	{ "dscp", "match dscp", EW_FT_INT, AT(struct ew_match_cfg, dscp),
		.flags = OMIT, .lo = 0, .hi = 63, .def = -1 },
	{ .key = NULL },
};

const struct ew_kind ew_kind_match = {
	"match rule", sizeof(struct ew_match_cfg),
	offsetof(struct ew_match_cfg, pos), true, match_fields,
};

/* Not set (< 0): not constrained. */
static const struct ew_field sla_fields[] = {
	{ "latency_ms", "sla latency_ms", EW_FT_DOUBLE,
		AT(struct ew_sla_cfg, latency_ms), .flags = OMIT, .lo = 0,
		.hi = 1e6, .def = -1 },
	{ "jitter_ms", "sla jitter_ms", EW_FT_DOUBLE,
		AT(struct ew_sla_cfg, jitter_ms), .flags = OMIT, .lo = 0,
		.hi = 1e6, .def = -1 },
	{ "loss_pct", "sla loss_pct", EW_FT_DOUBLE,
		AT(struct ew_sla_cfg, loss_pct), .flags = OMIT, .lo = 0,
		.hi = 100, .def = -1 },
	{ .key = NULL },
};

const struct ew_kind ew_kind_sla = {
	"class sla", sizeof(struct ew_sla_cfg), 0, true, sla_fields,
};

static const struct ew_field class_fields[] = {
	{ "name", "class name", EW_FT_NAME, AT(struct ew_class_cfg, name),
		.flags = REQ },
	{ "match", "class match", EW_FT_LIST, AT(struct ew_class_cfg, match),
		.flags = OMIT, .off2 = offsetof(struct ew_class_cfg, n_match),
		.sub = &ew_kind_match },
	{ "overlays", "class overlays", EW_FT_REFS,
		AT(struct ew_class_cfg, overlay_refs), .flags = REQ, .lo = 1,
		.off2 = offsetof(struct ew_class_cfg, n_overlays) },
	{ "sla", "class sla", EW_FT_MAP, AT(struct ew_class_cfg, sla),
		.flags = OMIT | EW_FF_FLAG,
		.flag = offsetof(struct ew_class_cfg, sla.set), .sub = &ew_kind_sla },
	{ "balance", "class balance", EW_FT_ENUM,
		AT(struct ew_class_cfg, balance), .flags = OMIT,
		.names = balance_names, .def = EW_BALANCE_NONE },
	{ "dscp", "class dscp", EW_FT_INT, AT(struct ew_class_cfg, dscp),
		.flags = OMIT, .lo = 0, .hi = 63, .def = -1 },
	{ .key = NULL },
};

const struct ew_kind ew_kind_class = {
	"class", sizeof(struct ew_class_cfg),
	offsetof(struct ew_class_cfg, pos), false, class_fields,
};

static const struct ew_field monitor_fields[] = {
	{ "interval_ms", "monitor.interval_ms", EW_FT_UINT,
		AT(struct ew_monitor_cfg, interval_ms), .lo = 10, .hi = 60000,
		.def = 100 },
	{ "window", "monitor.window", EW_FT_UINT,
		AT(struct ew_monitor_cfg, window), .lo = 2, .hi = 10000,
		.def = 50 },
	{ "down_after", "monitor.down_after", EW_FT_UINT,
		AT(struct ew_monitor_cfg, down_after), .lo = 1, .hi = 1000,
		.def = 5 },
	{ "hold_down_ms", "monitor.hold_down_ms", EW_FT_UINT,
		AT(struct ew_monitor_cfg, hold_down_ms), .lo = 0, .hi = 3600000,
		.def = 10000 },
	{ .key = NULL },
};

static const struct ew_kind monitor_kind = { "monitor", .fields = monitor_fields };

/* node, dataplane and control are sections of struct ew_config itself */
static const struct ew_field config_fields[] = {
	{ "node", "node", EW_FT_MAP, .off = 0, .flags = REQ, .sub = &node_kind },
	{ "dataplane", "dataplane", EW_FT_MAP, .off = 0, .sub = &dataplane_kind },
	{ "control", "control", EW_FT_MAP, .off = 0, .sub = &control_kind },
	{ "interfaces", "interfaces", EW_FT_IFACES, AT(struct ew_config, ifaces),
		.flags = REQ, .hi = EW_MAX_IFACES, .items = "interfaces",
		.off2 = offsetof(struct ew_config, n_ifaces), .sub = &iface_kind },
	{ "overlays", "overlays", EW_FT_LIST, AT(struct ew_config, overlays),
		.flags = OMIT, .off2 = offsetof(struct ew_config, n_overlays),
		.sub = &ew_kind_overlay },
	{ "classes", "classes", EW_FT_LIST, AT(struct ew_config, classes),
		.flags = OMIT, .off2 = offsetof(struct ew_config, n_classes),
		.sub = &ew_kind_class },
	{ "monitor", "monitor", EW_FT_MAP, AT(struct ew_config, monitor),
		.sub = &monitor_kind },
	{ .key = NULL },
};

const struct ew_kind ew_kind_config = { "top level", .fields = config_fields };
