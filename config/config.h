/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_CONFIG_H
#define EW_CONFIG_H

/*
 * The configuration, as plain structs.
 *
 * ew_config_load() parses a YAML file (SPEC.md schema) and validates it
 * completely: every error is reported as "FILE:LINE:COL: error: ..." into an
 * ew_diag; nothing exits, nothing is half-built. References between objects
 * (tunnel -> wan, route -> tunnel, class -> overlay) are resolved to indices.
 * The result is immutable input for the table builder; reload builds a new
 * one and the caller merges.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define EW_NAME_MAX	32	/* names are [a-z0-9-]{1,31} */
#define EW_IFNAME_MAX	16	/* interface names [a-z0-9-]{1,15} */
#define EW_DEVARGS_MAX	256
#define EW_PATH_MAX	256
#define EW_MAX_IFACES	16
#define EW_MAX_EAL_ARGS	32
#define EW_CONFIG_MAX_BYTES (8 * 1024 * 1024)	/* refuse bigger files */
#define EW_CONFIG_MAX_DEPTH	32	/* mappings and lists nested (the schema uses 6) */
#define EW_CONFIG_MAX_ALIASES	256
#define EW_CONFIG_MAX_ANCHORS	1024
/*
 * What a file may make the loader build, counted while parsing, before
 * anything is built, with every alias counted as all it repeats: list
 * entries ("objects": interfaces, routes, neighbours, overlays, tunnels,
 * classes, match rules, class overlays, EAL arguments) and YAML values
 * (scalars, lists, mappings). The benchmark's largest config (10,000
 * overlays, 100,000 routes, 10,000 match rules) has about 130,000 and
 * 830,000.
 */
#define EW_CONFIG_MAX_OBJECTS	250000
#define EW_CONFIG_MAX_NODES	1500000
#define EW_CLASS_MAX_OVERLAYS 32

enum ew_role {
	EW_ROLE_LAN,
	EW_ROLE_WAN,
};

enum ew_encap {
	EW_ENCAP_VXLAN,
	EW_ENCAP_GRE,
};

enum ew_idle {
	EW_IDLE_ADAPTIVE,
	EW_IDLE_POLL,
};

enum ew_balance {
	EW_BALANCE_NONE,
	EW_BALANCE_FLOW,
};

/* Where a value came from, for error messages after parsing. */
struct ew_pos {
	uint32_t line;
	uint32_t col;
};

/* A reference to another object by name, as written, for later resolution. */
struct ew_ref {
	char name[EW_NAME_MAX];
	struct ew_pos pos;
};

/* IPv4 addresses and prefixes are host byte order throughout the config. */
struct ew_prefix {
	uint32_t addr;
	uint8_t len;
};

struct ew_lan_route {
	struct ew_prefix prefix;
	uint32_t via;
	struct ew_pos pos;
};

/* A static neighbour: never resolved, aged or overwritten by ARP. */
struct ew_neigh_cfg {
	uint32_t addr;
	uint8_t mac[6];
	struct ew_pos pos;
};

/* How ARP may change a known neighbour's MAC on an interface. */
enum ew_arp {
	EW_ARP_NORMAL,		/* default: follow gratuitous ARP and a known
				 * host's requests (rate-limited, logged) */
	EW_ARP_STRICT,		/* only answers to our own requests, and only
				 * once an entry has gone stale */
};

struct ew_iface_cfg {
	char name[EW_IFNAME_MAX];
	enum ew_role role;
	char device[EW_DEVARGS_MAX];
	struct ew_prefix address;	/* node address + subnet length */
	uint32_t gateway;		/* WAN only; 0 = none */
	uint16_t mtu;
	enum ew_arp arp;
	struct ew_lan_route *routes;
	unsigned int n_routes;
	struct ew_neigh_cfg *neighbors;	/* static, on this interface's subnet */
	unsigned int n_neighbors;
	struct ew_pos pos;
};

enum ew_probe {
	EW_PROBE_AUTO,		/* default: STAMP, or ICMP echo if the peer
				 * answers only that (control/sla/sla.h) */
	EW_PROBE_STAMP,		/* RFC 8762, edgeway nodes reflect it */
	EW_PROBE_ICMP,
	EW_PROBE_NONE,		/* not monitored: always usable */
};

/* The outer header's DF bit (tunnels[].df) */
enum ew_df {
	EW_DF_SET,		/* default: path MTU discovery on the underlay */
	EW_DF_CLEAR,		/* the underlay may fragment (PMTUD black holes);
				 * outer fragments are reassembled */
};

struct ew_tunnel_cfg {
	char name[EW_NAME_MAX];
	enum ew_probe probe;
	enum ew_df df;
	struct ew_ref wan_ref;
	unsigned int wan;		/* index into interfaces */
	uint32_t remote;
	uint32_t peer;
	bool peer_mac_set;		/* VXLAN: the peer's inner MAC is static */
	uint8_t peer_mac[6];
	struct ew_pos pos;
};

struct ew_route_cfg {
	struct ew_prefix prefix;
	struct ew_ref via_ref;		/* tunnel name or peer address */
	unsigned int tunnel;		/* index into the overlay's tunnels */
	struct ew_pos pos;
};

struct ew_overlay_cfg {
	char name[EW_NAME_MAX];
	uint32_t id;			/* VNI or GRE key, 1..16777215 */
	enum ew_encap encap;
	struct ew_prefix address;
	uint16_t mtu;			/* resolved: explicit or WAN MTU - overhead */
	bool mtu_set;
	bool mss_clamp;
	struct ew_tunnel_cfg *tunnels;
	unsigned int n_tunnels;
	struct ew_route_cfg *routes;
	unsigned int n_routes;
	struct ew_pos pos;
};

struct ew_match_cfg {
	int proto;			/* -1 = any */
	struct ew_prefix src, dst;	/* len 0 = any */
	uint16_t sport_lo, sport_hi;	/* 0..65535 = any */
	uint16_t dport_lo, dport_hi;
	struct ew_ref ingress_ref[EW_MAX_IFACES];
	unsigned int n_ingress;
	uint32_t ingress_mask;		/* bit per interface index; 0 = any */
	int dscp;			/* -1 = any */
	struct ew_pos pos;
};

struct ew_sla_cfg {
	bool set;
	double latency_ms;		/* < 0: not constrained */
	double jitter_ms;
	double loss_pct;
};

struct ew_class_cfg {
	char name[EW_NAME_MAX];
	struct ew_match_cfg *match;	/* n_match == 0: matches everything */
	unsigned int n_match;
	struct ew_ref *overlay_refs;
	unsigned int *overlays;		/* indices into overlays, preference order */
	unsigned int n_overlays;
	struct ew_sla_cfg sla;
	enum ew_balance balance;
	int dscp;			/* outer DSCP; -1 = not set (0) */
	struct ew_pos pos;
};

struct ew_monitor_cfg {
	uint32_t interval_ms;
	uint32_t window;
	uint32_t down_after;
	uint32_t hold_down_ms;		/* before a class returns to an overlay */
};

struct ew_config {
	char file[EW_PATH_MAX];
	char node_name[EW_NAME_MAX];

	unsigned int workers;
	char *eal_args[EW_MAX_EAL_ARGS];
	unsigned int n_eal_args;
	uint32_t mbufs;
	enum ew_idle idle;

	char socket[EW_PATH_MAX];
	char metrics[64];		/* "" = no metrics listener */

	struct ew_iface_cfg ifaces[EW_MAX_IFACES];
	unsigned int n_ifaces;

	struct ew_overlay_cfg *overlays;
	unsigned int n_overlays;

	struct ew_class_cfg *classes;
	unsigned int n_classes;

	struct ew_monitor_cfg monitor;
};

/* Collected diagnostics: every error, formatted FILE:LINE:COL: error: MSG. */
#define EW_DIAG_MAX 32
struct ew_diag {
	unsigned int n;			/* errors seen (may exceed what is kept) */
	char msg[EW_DIAG_MAX][256];
};

void ew_diag_add(struct ew_diag *d, const char *file, struct ew_pos pos,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ew_diag_print(const struct ew_diag *d, FILE *f);

/*
 * Load and validate FILE. Returns a new config, or NULL with the reasons in
 * *diag (diag->n > 0). Free with ew_config_free().
 */
struct ew_config *ew_config_load(const char *file, struct ew_diag *diag);
/* Same, from a string; NAME is used as the file name in messages. */
struct ew_config *ew_config_load_string(const char *name, const char *text,
		size_t len, struct ew_diag *diag);
void ew_config_free(struct ew_config *cfg);
/* The loader's first pass (shape.c): 0, or -1 with the reason in *diag if
 * TEXT is deeper, or would build more, than the limits above allow. */
int ew_config_shape(const char *name, const char *text, size_t len,
		struct ew_diag *diag);

/* The config as YAML that loads back to an equal config (malloc'd). */
char *ew_config_save(const struct ew_config *cfg);
/* A deep copy, or NULL. Changes are made on a copy and validated again. */
struct ew_config *ew_config_dup(const struct ew_config *cfg);

/* Semantic checks after parsing (cross references, uniqueness, ranges);
 * resolves references to indices. May run again on a changed copy. */
void ew_config_validate(struct ew_config *cfg, struct ew_diag *diag);

/* Helpers shared with the console and tests. */
int ew_parse_ipv4(const char *s, uint32_t *addr);
int ew_parse_prefix(const char *s, struct ew_prefix *p);
int ew_parse_name(const char *s, size_t max);	/* 0 if [a-z0-9-]{1,max-1} */
const char *ew_ipv4_str(uint32_t addr, char *buf, size_t len);
uint32_t ew_str_hash(const char *s);	/* FNV-1a, for name indexes */
/* "aa:bb:cc:dd:ee:ff" (hex, case-insensitive); unicast, not all zero */
int ew_parse_mac(const char *s, uint8_t mac[6]);
const char *ew_mac_str(const uint8_t mac[6], char *buf, size_t len);
const char *ew_prefix_str(const struct ew_prefix *p, char *buf, size_t len);
static inline uint32_t
ew_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}
static inline bool
ew_prefix_contains(const struct ew_prefix *p, uint32_t addr)
{
	return ((addr ^ p->addr) & ew_prefix_mask(p->len)) == 0;
}

/* Names of enumerations (config/fields.c, beside the fields using them) */
const char *ew_encap_name(enum ew_encap e);
/* "auto", "stamp", "icmp", "none", in enum ew_probe order, NULL-terminated */
extern const char *const ew_probe_names[];
const char *ew_probe_name(enum ew_probe p);
/* "set", "clear", in enum ew_df order */
const char *ew_df_name(enum ew_df d);
const char *ew_role_name(enum ew_role r);
/* Bytes the encapsulation adds on the underlay (outer IP and up). */
unsigned int ew_encap_overhead(enum ew_encap e);

#endif /* EW_CONFIG_H */
