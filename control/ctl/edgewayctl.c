/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * edgewayctl [-s SOCKET] [--json] COMMAND...: the operator console.
 * A table-driven grammar (as in ospfctl): every keyword may be shortened to
 * an unambiguous prefix ("sh tun"); "help" or "?" at any level lists what
 * may follow. Exit codes: 0 done, 1 cannot reach the daemon, 2 refused or
 * bad command.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/api/control.h"
#include "control/ctl/pbjson.h"

#include "edgeway.pb-c.h"

#define DEFAULT_SOCKET "/run/edgeway/edgeway.sock"

struct ctx {
	const char *socket;
	bool json;
	int fd;
};

struct cmd;
typedef int (*cmd_fn)(struct ctx *c, int argc, char **argv);

struct cmd {
	const char *word;
	const char *help;
	const struct cmd *sub;	/* keywords that may follow */
	cmd_fn fn;		/* or: run this with the remaining words */
	const char *args;	/* what fn expects, for help */
};

static int
usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("edgewayctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* ---- talking to the daemon ---- */

static Edgeway__Response *
call(struct ctx *c, Edgeway__Request *q)
{
	uint8_t *buf, *out = NULL;
	size_t len, outlen;
	Edgeway__Response *r;
	char err[256];

	if (c->fd < 0) {
		c->fd = ew_ctl_connect(c->socket, err, sizeof(err));
		if (c->fd < 0) {
			fprintf(stderr, "edgewayctl: %s\n", err);
			exit(1);
		}
	}
	q->version = EDGEWAY__VERSION__VERSION_1;
	len = edgeway__request__get_packed_size(q);
	buf = malloc(len ? len : 1);
	if (buf == NULL)
		exit(1);
	edgeway__request__pack(q, buf);
	if (ew_ctl_call(c->fd, buf, len, &out, &outlen, err, sizeof(err)) != 0) {
		fprintf(stderr, "edgewayctl: %s\n", err);
		exit(1);
	}
	free(buf);
	r = edgeway__response__unpack(NULL, outlen, out);
	free(out);
	if (r == NULL) {
		fprintf(stderr, "edgewayctl: the daemon's answer does not decode\n");
		exit(1);
	}
	return r;
}

/* Print errors of R; returns the exit code for it. */
static int
verdict(Edgeway__Response *r)
{
	size_t i;

	for (i = 0; i < r->n_errors; i++)
		fprintf(stderr, "%s\n", r->errors[i]);
	if (r->code == EDGEWAY__CODE__OK)
		return 0;
	if (r->n_errors == 0)
		fprintf(stderr, "edgewayctl: refused (code %d)\n", r->code);
	return r->code == EDGEWAY__CODE__FAILED ? 1 : 2;
}

static Edgeway__Response *
show(struct ctx *c, Edgeway__Show__What what, const char *overlay)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Show s = EDGEWAY__SHOW__INIT;

	s.what = what;
	s.overlay = (char *)(overlay != NULL ? overlay : "");
	q.op_case = EDGEWAY__REQUEST__OP_SHOW;
	q.show = &s;
	return call(c, &q);
}

/* ---- output ---- */

static void
json_array(FILE *f, const char *key, ProtobufCMessage **items, size_t n)
{
	size_t i;

	fprintf(f, "{\n  \"%s\": [", key);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		ew_pb_json(f, items[i], 2);
	}
	fputs("]\n}\n", f);
}

static const char *
dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static int
print_show(struct ctx *c, Edgeway__Show__What what, Edgeway__Response *r)
{
	Edgeway__ShowReply *s = r->show;
	size_t i, k;

	if (s == NULL)
		return usage_err("empty answer");
	switch (what) {
	case EDGEWAY__SHOW__WHAT__INTERFACES:
		if (c->json) {
			json_array(stdout, "interfaces", (ProtobufCMessage **)s->interfaces,
					s->n_interfaces);
			break;
		}
		printf("%-10s %-4s %-18s %-17s %12s %12s %14s %14s %8s\n",
				"INTERFACE", "ROLE", "ADDRESS", "MAC", "RX_PACKETS",
				"TX_PACKETS", "RX_BYTES", "TX_BYTES", "DROPS");
		for (i = 0; i < s->n_interfaces; i++) {
			Edgeway__Interface *m = s->interfaces[i];

			printf("%-10s %-4s %-18s %-17s %12lu %12lu %14lu %14lu %8lu\n",
					m->name, m->role, m->address, m->mac,
					(unsigned long)m->rx_packets,
					(unsigned long)m->tx_packets,
					(unsigned long)m->rx_bytes,
					(unsigned long)m->tx_bytes,
					(unsigned long)m->drops);
		}
		break;
	case EDGEWAY__SHOW__WHAT__OVERLAYS:
		if (c->json) {
			json_array(stdout, "overlays", (ProtobufCMessage **)s->overlays,
					s->n_overlays);
			break;
		}
		printf("%-12s %-9s %-6s %-18s %5s %-4s %7s %6s\n", "OVERLAY", "ID",
				"ENCAP", "ADDRESS", "MTU", "MSS", "TUNNELS", "ROUTES");
		for (i = 0; i < s->n_overlays; i++) {
			Edgeway__Overlay *m = s->overlays[i];

			printf("%-12s %-9u %-6s %-18s %5u %-4s %7zu %6zu\n", m->name,
					m->id, m->encap, m->address, m->mtu,
					m->mss_clamp == EDGEWAY__TOGGLE__TOGGLE_OFF ? "off" : "on",
					m->n_tunnels, m->n_routes);
		}
		break;
	case EDGEWAY__SHOW__WHAT__TUNNELS:
		if (c->json) {
			json_array(stdout, "tunnels", (ProtobufCMessage **)s->tunnels,
					s->n_tunnels);
			break;
		}
		printf("%-12s %-12s %-8s %-15s %-15s %-4s %8s %8s %6s %-10s %12s %12s\n",
				"OVERLAY", "TUNNEL", "WAN", "REMOTE", "PEER", "UP",
				"RTT_MS", "JIT_MS", "LOSS%", "PROBE", "TX_PACKETS",
				"RX_PACKETS");
		for (i = 0; i < s->n_tunnels; i++) {
			Edgeway__Tunnel *m = s->tunnels[i];
			char probe[64];

			/* auto shows what it found: auto/stamp, auto/icmp */
			if (strcmp(m->probe, "auto") == 0 && m->probe_active[0] != '\0')
				snprintf(probe, sizeof(probe), "auto/%s", m->probe_active);
			else
				snprintf(probe, sizeof(probe), "%s", m->probe);
			printf("%-12s %-12s %-8s %-15s %-15s %-4s %8.2f %8.2f %6.1f %-10s %12lu %12lu\n",
					m->overlay, m->name, m->wan, m->remote, m->peer,
					m->up ? "up" : "down", m->rtt_ms, m->jitter_ms,
					m->loss_pct, probe, (unsigned long)m->tx_packets,
					(unsigned long)m->rx_packets);
		}
		break;
	case EDGEWAY__SHOW__WHAT__ROUTES:
		if (c->json) {
			json_array(stdout, "routes", (ProtobufCMessage **)s->routes,
					s->n_routes);
			break;
		}
		printf("%-12s %-20s %s\n", "OVERLAY", "PREFIX", "VIA");
		for (i = 0; i < s->n_routes; i++)
			printf("%-12s %-20s %s\n", s->routes[i]->overlay,
					s->routes[i]->prefix, s->routes[i]->via);
		break;
	case EDGEWAY__SHOW__WHAT__CLASSES:
		if (c->json) {
			json_array(stdout, "classes", (ProtobufCMessage **)s->classes,
					s->n_classes);
			break;
		}
		printf("%-14s %-22s %-12s %6s %12s %14s %8s %8s\n", "CLASS", "OVERLAYS",
				"ACTIVE", "RULES", "PACKETS", "BYTES", "DROPS", "SWITCHES");
		for (i = 0; i < s->n_classes; i++) {
			Edgeway__Class *m = s->classes[i];
			char ovs[256] = "";

			for (k = 0; k < m->n_overlays; k++)
				snprintf(ovs + strlen(ovs), sizeof(ovs) - strlen(ovs),
						"%s%s", k ? "," : "", m->overlays[k]);
			printf("%-14s %-22s %-12s %6zu %12lu %14lu %8lu %8lu\n", m->name, ovs,
					m->n_active_overlays ? m->active_overlays[0] : "-",
					m->n_match, (unsigned long)m->packets,
					(unsigned long)m->bytes, (unsigned long)m->drops,
					(unsigned long)m->switches);
		}
		break;
	case EDGEWAY__SHOW__WHAT__STATS: {
		Edgeway__Stats *st = s->stats;

		if (st == NULL)
			return usage_err("empty answer");
		if (c->json) {
			/* drops as an object keyed by reason (SPEC.md) */
			printf("{\n  \"punted\": %lu,\n  \"generation\": %lu,\n  \"classifier_builds\": %lu,\n  \"uptime_ms\": %lu,\n  \"drops\": {",
					(unsigned long)st->punted,
					(unsigned long)st->generation,
					(unsigned long)st->classifier_builds,
					(unsigned long)st->uptime_ms);
			for (i = 0; i < st->n_drops; i++) {
				printf("%s\n    ", i ? "," : "");
				ew_json_string(stdout, st->drops[i]->reason);
				printf(": %lu", (unsigned long)st->drops[i]->packets);
			}
			printf("\n  }\n}\n");
			break;
		}
		printf("generation %lu (classifier built %lu times), up %lu s, punted to control %lu\n",
				(unsigned long)st->generation,
				(unsigned long)st->classifier_builds,
				(unsigned long)(st->uptime_ms / 1000),
				(unsigned long)st->punted);
		printf("%-16s %12s  %s\n", "DROP REASON", "PACKETS", "MEANING");
		for (i = 0; i < st->n_drops; i++)
			if (st->drops[i]->packets != 0)
				printf("%-16s %12lu  %s\n", st->drops[i]->reason,
						(unsigned long)st->drops[i]->packets,
						dash(st->drops[i]->help));
		break;
	}
	default:
		break;
	}
	return 0;
}

static int
do_show(struct ctx *c, Edgeway__Show__What what, int argc, char **argv,
		bool takes_overlay)
{
	Edgeway__Response *r;
	int rc;

	if (argc > (takes_overlay ? 1 : 0))
		return usage_err("unexpected '%s'", argv[takes_overlay ? 1 : 0]);
	r = show(c, what, argc > 0 ? argv[0] : NULL);
	rc = verdict(r);
	if (rc == 0)
		rc = print_show(c, what, r);
	edgeway__response__free_unpacked(r, NULL);
	return rc;
}

static int
c_show_if(struct ctx *c, int argc, char **argv)
{
	return do_show(c, EDGEWAY__SHOW__WHAT__INTERFACES, argc, argv, false);
}

static int
c_show_ov(struct ctx *c, int argc, char **argv)
{
	return do_show(c, EDGEWAY__SHOW__WHAT__OVERLAYS, argc, argv, false);
}

static int
c_show_tun(struct ctx *c, int argc, char **argv)
{
	return do_show(c, EDGEWAY__SHOW__WHAT__TUNNELS, argc, argv, true);
}

static int
c_show_cls(struct ctx *c, int argc, char **argv)
{
	return do_show(c, EDGEWAY__SHOW__WHAT__CLASSES, argc, argv, false);
}

static int
c_show_rt(struct ctx *c, int argc, char **argv)
{
	return do_show(c, EDGEWAY__SHOW__WHAT__ROUTES, argc, argv, true);
}

static int
c_show_stats(struct ctx *c, int argc, char **argv)
{
	return do_show(c, EDGEWAY__SHOW__WHAT__STATS, argc, argv, false);
}

static int
simple(struct ctx *c, Edgeway__Request *q, const char *done)
{
	Edgeway__Response *r = call(c, q);
	int rc = verdict(r);

	if (rc == 0 && done != NULL && !c->json)
		printf("%s (generation %lu)\n", done, (unsigned long)r->generation);
	if (rc == 0 && c->json)
		printf("{\"code\": \"OK\", \"generation\": %lu}\n",
				(unsigned long)r->generation);
	edgeway__response__free_unpacked(r, NULL);
	return rc;
}

static int
c_hello(struct ctx *c, int argc, char **argv)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Hello h = EDGEWAY__HELLO__INIT;
	Edgeway__Response *r;
	int rc;

	q.op_case = EDGEWAY__REQUEST__OP_HELLO;
	q.hello = &h;
	r = call(c, &q);
	rc = verdict(r);
	if (rc == 0 && r->hello != NULL) {
		if (c->json) {
			ew_pb_json(stdout, &r->hello->base, 0);
			putchar('\n');
		} else {
			printf("%s, node %s, API version %u\n", r->hello->software,
					r->hello->node, r->hello->version);
		}
	}
	edgeway__response__free_unpacked(r, NULL);
	return rc;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
			n > (long)EW_CTL_MAX_FRAME - 4096 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int
c_apply(struct ctx *c, int argc, char **argv)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Apply a = EDGEWAY__APPLY__INIT;
	size_t len;
	int rc;

	if (argc != 1)
		return usage_err("usage: apply FILE");
	a.yaml = read_file(argv[0], &len);
	if (a.yaml == NULL)
		return usage_err("%s: %s", argv[0], strerror(errno));
	a.name = argv[0];
	q.op_case = EDGEWAY__REQUEST__OP_APPLY;
	q.apply = &a;
	rc = simple(c, &q, "applied");
	free(a.yaml);
	return rc;
}

static int
c_save(struct ctx *c, int argc, char **argv)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Save s = EDGEWAY__SAVE__INIT;
	Edgeway__Response *r;
	FILE *f = stdout;
	int rc;

	if (argc > 1)
		return usage_err("usage: save [FILE]");
	q.op_case = EDGEWAY__REQUEST__OP_SAVE;
	q.save = &s;
	r = call(c, &q);
	rc = verdict(r);
	if (rc == 0) {
		if (argc == 1 && (f = fopen(argv[0], "w")) == NULL) {
			edgeway__response__free_unpacked(r, NULL);
			return usage_err("%s: %s", argv[0], strerror(errno));
		}
		fputs(r->yaml != NULL ? r->yaml : "", f);
		if (f != stdout && fclose(f) != 0)
			rc = usage_err("%s: %s", argv[0], strerror(errno));
	}
	edgeway__response__free_unpacked(r, NULL);
	return rc;
}

/* "KEY VALUE" pairs after the positional words; returns VALUE or NULL. */
static const char *
opt(int argc, char **argv, int from, const char *key)
{
	int i;

	for (i = from; i + 1 < argc; i += 2)
		if (strcmp(argv[i], key) == 0)
			return argv[i + 1];
	return NULL;
}

static int
check_opts(int argc, char **argv, int from, const char *const *keys)
{
	int i, k;

	if ((argc - from) % 2 != 0)
		return usage_err("'%s' needs a value", argv[argc - 1]);
	for (i = from; i < argc; i += 2) {
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(argv[i], keys[k]) == 0)
				break;
		if (keys[k] == NULL)
			return usage_err("unknown option '%s'", argv[i]);
	}
	return 0;
}

/* Split "a,b,c" into a NULL-terminated array (in place). */
static char **
split(char *s, size_t *n)
{
	char **v = calloc(strlen(s) + 2, sizeof(*v)), *tok, *save = NULL;

	*n = 0;
	if (v == NULL)
		exit(1);
	for (tok = strtok_r(s, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		v[(*n)++] = tok;
	return v;
}

enum mode { ADD, DEL, UPD };

static int
object(struct ctx *c, enum mode mode, Edgeway__Object *o, const char *what)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	char done[64];

	snprintf(done, sizeof(done), "%s %s", what,
			mode == ADD ? "added" : mode == DEL ? "deleted" : "updated");
	if (mode == ADD) {
		q.op_case = EDGEWAY__REQUEST__OP_ADD;
		q.add = o;
	} else if (mode == DEL) {
		q.op_case = EDGEWAY__REQUEST__OP_DEL;
		q.del = o;
	} else {
		q.op_case = EDGEWAY__REQUEST__OP_UPDATE;
		q.update = o;
	}
	return simple(c, &q, done);
}

static int
c_overlay(struct ctx *c, enum mode mode, int argc, char **argv)
{
	static const char *const keys[] = { "id", "encap", "address", "mtu",
		"mss-clamp", NULL };
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Overlay ov = EDGEWAY__OVERLAY__INIT;
	const char *v;

	bool add = mode != DEL;

	if (argc < 1 || (!add && argc != 1))
		return usage_err(add ? "usage: add|update overlay NAME id N encap vxlan|gre address A/L [mtu N] [mss-clamp on|off]" :
				"usage: del overlay NAME");
	ov.name = argv[0];
	if (add) {
		if (check_opts(argc, argv, 1, keys) != 0)
			return 2;
		ov.id = (uint32_t)strtoul((v = opt(argc, argv, 1, "id")) ? v : "0", NULL, 10);
		ov.encap = (char *)((v = opt(argc, argv, 1, "encap")) ? v : "");
		ov.address = (char *)((v = opt(argc, argv, 1, "address")) ? v : "");
		ov.mtu = (uint32_t)strtoul((v = opt(argc, argv, 1, "mtu")) ? v : "0", NULL, 10);
		v = opt(argc, argv, 1, "mss-clamp");
		ov.mss_clamp = v == NULL ? EDGEWAY__TOGGLE__TOGGLE_DEFAULT :
				strcmp(v, "off") == 0 ? EDGEWAY__TOGGLE__TOGGLE_OFF :
				EDGEWAY__TOGGLE__TOGGLE_ON;
	}
	o.obj_case = EDGEWAY__OBJECT__OBJ_OVERLAY;
	o.overlay = &ov;
	return object(c, mode, &o, "overlay");
}

static int
c_add_ov(struct ctx *c, int argc, char **argv)
{
	return c_overlay(c, ADD, argc, argv);
}

static int
c_del_ov(struct ctx *c, int argc, char **argv)
{
	return c_overlay(c, DEL, argc, argv);
}

static int
c_upd_ov(struct ctx *c, int argc, char **argv)
{
	return c_overlay(c, UPD, argc, argv);
}

static int
c_tunnel(struct ctx *c, enum mode mode, int argc, char **argv)
{
	static const char *const keys[] = { "wan", "remote", "peer", "probe",
		"peer-mac", NULL };
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Tunnel t = EDGEWAY__TUNNEL__INIT;
	const char *v;

	bool add = mode != DEL;

	if (argc < 2 || (!add && argc != 2))
		return usage_err(add ? "usage: add|update tunnel OVERLAY NAME wan WAN remote IP peer IP [probe auto|stamp|icmp|none] [peer-mac MAC]" :
				"usage: del tunnel OVERLAY NAME");
	t.overlay = argv[0];
	t.name = argv[1];
	if (add) {
		if (check_opts(argc, argv, 2, keys) != 0)
			return 2;
		t.wan = (char *)((v = opt(argc, argv, 2, "wan")) ? v : "");
		t.remote = (char *)((v = opt(argc, argv, 2, "remote")) ? v : "");
		t.peer = (char *)((v = opt(argc, argv, 2, "peer")) ? v : "");
		t.probe = (char *)((v = opt(argc, argv, 2, "probe")) ? v : "");
		t.peer_mac = (char *)((v = opt(argc, argv, 2, "peer-mac")) ? v : "");
	}
	o.obj_case = EDGEWAY__OBJECT__OBJ_TUNNEL;
	o.tunnel = &t;
	return object(c, mode, &o, "tunnel");
}

static int
c_add_tun(struct ctx *c, int argc, char **argv)
{
	return c_tunnel(c, ADD, argc, argv);
}

static int
c_del_tun(struct ctx *c, int argc, char **argv)
{
	return c_tunnel(c, DEL, argc, argv);
}

static int
c_upd_tun(struct ctx *c, int argc, char **argv)
{
	return c_tunnel(c, UPD, argc, argv);
}

static int
c_route(struct ctx *c, enum mode mode, int argc, char **argv)
{
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Route r = EDGEWAY__ROUTE__INIT;
	bool add = mode != DEL;

	if (add ? (argc != 4 || strcmp(argv[2], "via") != 0) : argc != 2)
		return usage_err(add ? "usage: add|update route OVERLAY PREFIX via TUNNEL|PEER" :
				"usage: del route OVERLAY PREFIX");
	r.overlay = argv[0];
	r.prefix = argv[1];
	r.via = add ? argv[3] : (char *)"";
	o.obj_case = EDGEWAY__OBJECT__OBJ_ROUTE;
	o.route = &r;
	return object(c, mode, &o, "route");
}

static int
c_add_rt(struct ctx *c, int argc, char **argv)
{
	return c_route(c, ADD, argc, argv);
}

static int
c_del_rt(struct ctx *c, int argc, char **argv)
{
	return c_route(c, DEL, argc, argv);
}

static int
c_upd_rt(struct ctx *c, int argc, char **argv)
{
	return c_route(c, UPD, argc, argv);
}

static int
c_class(struct ctx *c, enum mode mode, int argc, char **argv)
{
	static const char *const keys[] = { "overlays", "proto", "src", "dst",
		"src-port", "dst-port", "ingress", "dscp", "outer-dscp", "balance",
		NULL };
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Class cl = EDGEWAY__CLASS__INIT;
	Edgeway__Match m = EDGEWAY__MATCH__INIT, *mp = &m;
	char *ovs = NULL, *ing = NULL, **ovv = NULL, **ingv = NULL;
	const char *v;
	bool any = false, add = mode != DEL;
	int rc;

	if (argc < 1 || (!add && argc != 1))
		return usage_err(add ? "usage: add|update class NAME overlays A[,B..] [proto P] [src PFX] [dst PFX] [src-port R] [dst-port R] [ingress IF[,IF..]] [dscp N] [outer-dscp N] [balance none|flow]" :
				"usage: del class NAME");
	cl.name = argv[0];
	if (add) {
		if (check_opts(argc, argv, 1, keys) != 0)
			return 2;
		v = opt(argc, argv, 1, "overlays");
		if (v == NULL)
			return usage_err("add class: 'overlays A[,B..]' is required");
		ovs = strdup(v);
		ovv = split(ovs, &cl.n_overlays);
		cl.overlays = ovv;
#define M(field, key) if ((v = opt(argc, argv, 1, key)) != NULL) { m.field = (char *)v; any = true; }
		M(proto, "proto");
		M(src, "src");
		M(dst, "dst");
		M(src_port, "src-port");
		M(dst_port, "dst-port");
		M(dscp, "dscp");
#undef M
		if ((v = opt(argc, argv, 1, "ingress")) != NULL) {
			ing = strdup(v);
			ingv = split(ing, &m.n_ingress);
			m.ingress = ingv;
			any = true;
		}
		if (any) {
			cl.match = &mp;
			cl.n_match = 1;
		}
		if ((v = opt(argc, argv, 1, "outer-dscp")) != NULL)
			cl.dscp = atoi(v);
		cl.balance = (char *)((v = opt(argc, argv, 1, "balance")) ? v : "");
	}
	o.obj_case = EDGEWAY__OBJECT__OBJ_CLASS;
	o.class_ = &cl;
	rc = object(c, mode, &o, "class");
	free(ovs);
	free(ovv);
	free(ing);
	free(ingv);
	return rc;
}

static int
c_add_cls(struct ctx *c, int argc, char **argv)
{
	return c_class(c, ADD, argc, argv);
}

static int
c_del_cls(struct ctx *c, int argc, char **argv)
{
	return c_class(c, DEL, argc, argv);
}

static int
c_upd_cls(struct ctx *c, int argc, char **argv)
{
	return c_class(c, UPD, argc, argv);
}

static int
c_set_cls(struct ctx *c, int argc, char **argv)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__SetClassOverlays s = EDGEWAY__SET_CLASS_OVERLAYS__INIT;
	char *ovs, **v;
	int rc;

	if (argc != 3 || strcmp(argv[1], "overlays") != 0)
		return usage_err("usage: set class NAME overlays A[,B..]");
	s.name = argv[0];
	ovs = strdup(argv[2]);
	v = split(ovs, &s.n_overlays);
	s.overlays = v;
	q.op_case = EDGEWAY__REQUEST__OP_SET_CLASS_OVERLAYS;
	q.set_class_overlays = &s;
	rc = simple(c, &q, "class re-steered");
	free(v);
	free(ovs);
	return rc;
}

static volatile sig_atomic_t stop_monitor;

static void
on_int(int sig)
{
	stop_monitor = 1;
}

static int
c_monitor(struct ctx *c, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_int };
	int rounds = 0, max = 0, rc = 0;

	if (argc == 2 && strcmp(argv[0], "count") == 0)
		max = atoi(argv[1]);	/* for scripts: stop after N screens */
	else if (argc != 0)
		return usage_err("usage: monitor [count N]");
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_monitor && (max == 0 || rounds < max)) {
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		printf("edgeway monitor (%s), Ctrl-C to stop\n\n", c->socket);
		rc = do_show(c, EDGEWAY__SHOW__WHAT__TUNNELS, 0, NULL, true);
		putchar('\n');
		if (rc == 0)
			rc = do_show(c, EDGEWAY__SHOW__WHAT__CLASSES, 0, NULL, false);
		fflush(stdout);
		if (rc != 0)
			break;
		rounds++;
		if (max == 0 || rounds < max)
			sleep(1);
	}
	return rc;
}

/* ---- the grammar ---- */

static const struct cmd show_cmds[] = {
	{ "interfaces", "interfaces and their counters", NULL, c_show_if, "" },
	{ "overlays", "overlay networks", NULL, c_show_ov, "" },
	{ "tunnels", "tunnels and their counters", NULL, c_show_tun, "[OVERLAY]" },
	{ "classes", "traffic classes", NULL, c_show_cls, "" },
	{ "routes", "overlay routing tables", NULL, c_show_rt, "[OVERLAY]" },
	{ "stats", "drops by reason, punts, generation", NULL, c_show_stats, "" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct cmd add_cmds[] = {
	{ "overlay", "an overlay network", NULL, c_add_ov,
		"NAME id N encap vxlan|gre address A/L [mtu N] [mss-clamp on|off]" },
	{ "tunnel", "a tunnel in an overlay", NULL, c_add_tun,
		"OVERLAY NAME wan WAN remote IP peer IP [probe auto|stamp|icmp|none] [peer-mac MAC]" },
	{ "route", "a route in an overlay", NULL, c_add_rt,
		"OVERLAY PREFIX via TUNNEL|PEER" },
	{ "class", "a traffic class (one match rule)", NULL, c_add_cls,
		"NAME overlays A[,B..] [proto P] [src PFX] [dst PFX] [src-port R] [dst-port R] [ingress IF[,IF..]] [dscp N] [outer-dscp N]" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct cmd del_cmds[] = {
	{ "overlay", "an overlay (no class may use it)", NULL, c_del_ov, "NAME" },
	{ "tunnel", "a tunnel (no route may use it)", NULL, c_del_tun, "OVERLAY NAME" },
	{ "route", "a route", NULL, c_del_rt, "OVERLAY PREFIX" },
	{ "class", "a traffic class", NULL, c_del_cls, "NAME" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct cmd update_cmds[] = {
	{ "overlay", "replace an overlay's settings (its tunnels and routes stay)", NULL, c_upd_ov,
		"NAME id N encap vxlan|gre address A/L [mtu N] [mss-clamp on|off]" },
	{ "tunnel", "replace a tunnel", NULL, c_upd_tun,
		"OVERLAY NAME wan WAN remote IP peer IP [probe auto|stamp|icmp|none] [peer-mac MAC]" },
	{ "route", "change where a route points", NULL, c_upd_rt,
		"OVERLAY PREFIX via TUNNEL|PEER" },
	{ "class", "replace a class (keeps its priority)", NULL, c_upd_cls,
		"NAME overlays A[,B..] [proto P] [src PFX] [dst PFX] [src-port R] [dst-port R] [ingress IF[,IF..]] [dscp N] [outer-dscp N]" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct cmd set_cmds[] = {
	{ "class", "re-steer a class", NULL, c_set_cls, "NAME overlays A[,B..]" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct cmd top_cmds[] = {
	{ "show", "show state and counters", show_cmds, NULL, NULL },
	{ "apply", "make the running state equal to FILE, atomically", NULL, c_apply, "FILE" },
	{ "save", "write the running state as YAML", NULL, c_save, "[FILE]" },
	{ "add", "add one object", add_cmds, NULL, NULL },
	{ "del", "delete one object", del_cmds, NULL, NULL },
	{ "update", "replace one object, atomically", update_cmds, NULL, NULL },
	{ "set", "change one object", set_cmds, NULL, NULL },
	{ "monitor", "live view of tunnels and classes", NULL, c_monitor, "[count N]" },
	{ "hello", "daemon version and node", NULL, c_hello, "" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static void
help(const struct cmd *t, const char *prefix)
{
	unsigned int i;

	printf("%s", prefix[0] ? "" : "usage: edgewayctl [-s SOCKET] [--json] COMMAND\n\n");
	for (i = 0; t[i].word != NULL; i++) {
		char full[128];

		snprintf(full, sizeof(full), "%s%s%s", prefix, prefix[0] ? " " : "",
				t[i].word);
		if (t[i].sub != NULL)
			help(t[i].sub, full);
		else
			printf("  %-60s %s\n", t[i].args[0] ?
					(snprintf(full + strlen(full), sizeof(full) - strlen(full),
						" %s", t[i].args), full) : full, t[i].help);
	}
}

/* Find WORD among T by exact match or unique prefix. */
static const struct cmd *
lookup(const struct cmd *t, const char *word, const char *level)
{
	const struct cmd *hit = NULL;
	unsigned int i, n = 0;

	for (i = 0; t[i].word != NULL; i++) {
		if (strcmp(t[i].word, word) == 0)
			return &t[i];
		if (strncmp(t[i].word, word, strlen(word)) == 0) {
			hit = &t[i];
			n++;
		}
	}
	if (n == 1)
		return hit;
	if (n == 0)
		usage_err("unknown command '%s%s%s' ('%s%shelp' lists them)", level,
				level[0] ? " " : "", word, level, level[0] ? " " : "");
	else {
		fprintf(stderr, "edgewayctl: '%s' is ambiguous:", word);
		for (i = 0; t[i].word != NULL; i++)
			if (strncmp(t[i].word, word, strlen(word)) == 0)
				fprintf(stderr, " %s", t[i].word);
		fputc('\n', stderr);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { .socket = DEFAULT_SOCKET, .fd = -1 };
	const struct cmd *t = top_cmds, *hit;
	char level[128] = "";
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "+s:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			c.socket = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			help(top_cmds, "");
			return 0;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		help(top_cmds, "");
		return 2;
	}
	for (;;) {
		if (argc == 0 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0) {
			help(t, level);
			return argc == 0 ? 2 : 0;
		}
		hit = lookup(t, argv[0], level);
		if (hit == NULL)
			return 2;
		snprintf(level + strlen(level), sizeof(level) - strlen(level), "%s%s",
				level[0] ? " " : "", hit->word);
		argc--;
		argv++;
		if (hit->fn != NULL) {
			if (argc > 0 && (strcmp(argv[0], "help") == 0 ||
					strcmp(argv[0], "?") == 0)) {
				printf("  %s %s\n      %s\n", level, hit->args, hit->help);
				return 0;
			}
			rc = hit->fn(&c, argc, argv);
			break;
		}
		t = hit->sub;
	}
	if (c.fd >= 0)
		close(c.fd);
	return rc;
}
