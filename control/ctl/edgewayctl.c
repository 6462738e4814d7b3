/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * edgewayctl [-s SOCKET] [--json] COMMAND...: the operator console.
 * This file is its options, its client of the control socket and the
 * requests built from a parsed command; the grammar is parser.c (every
 * keyword may be shortened to an unambiguous prefix, "help" or "?" lists
 * what may follow), the rendering of answers output.c. Exit codes: 0 done,
 * 1 cannot reach the daemon, 2 refused or bad command.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/api/control.h"
#include "control/ctl/output.h"
#include "control/ctl/parser.h"

#include "edgeway.pb-c.h"

#define DEFAULT_SOCKET "/run/edgeway/edgeway.sock"

struct ctx {
	const char *socket;
	bool json;
	int fd;
};

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

/* A change: its verdict, then "DONE (generation N)" or its JSON. */
static int
simple(struct ctx *c, Edgeway__Request *q, const char *done)
{
	Edgeway__Response *r = call(c, q);
	int rc = ew_out_verdict(r);

	if (rc == 0)
		ew_out_done(r, done, c->json);
	edgeway__response__free_unpacked(r, NULL);
	return rc;
}

/* ---- the commands ---- */

static int
c_show(struct ctx *c, Edgeway__Show__What what, const struct ew_ctl_parse *p)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Show s = EDGEWAY__SHOW__INIT;
	/* P is NULL for the monitor's views: no words */
	const char *word = p != NULL ? ew_ctl_word(p, 0) : NULL;
	const char *cls = p != NULL ? ew_ctl_value(p, "class") : NULL;
	Edgeway__Response *r;
	int rc;

	s.what = what;
	if (what == EDGEWAY__SHOW__WHAT__ROUTE_LOOKUP) {
		s.address = (char *)(word != NULL ? word : "");
		s.class_ = (char *)(cls != NULL ? cls : "");
	} else {
		s.overlay = (char *)(word != NULL ? word : "");
	}
	q.op_case = EDGEWAY__REQUEST__OP_SHOW;
	q.show = &s;
	r = call(c, &q);
	rc = ew_out_verdict(r);
	if (rc == 0)
		rc = ew_out_show(what, r->show, c->json);
	edgeway__response__free_unpacked(r, NULL);
	return rc;
}

static int
c_hello(struct ctx *c)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Hello h = EDGEWAY__HELLO__INIT;
	Edgeway__Response *r;
	int rc;

	q.op_case = EDGEWAY__REQUEST__OP_HELLO;
	q.hello = &h;
	r = call(c, &q);
	rc = ew_out_verdict(r);
	if (rc == 0 && r->hello != NULL)
		ew_out_hello(r->hello, c->json);
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
c_apply(struct ctx *c, const char *path)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Apply a = EDGEWAY__APPLY__INIT;
	size_t len;
	int rc;

	a.yaml = read_file(path, &len);
	if (a.yaml == NULL)
		return ew_ctl_err("%s: %s", path, strerror(errno));
	a.name = (char *)path;
	q.op_case = EDGEWAY__REQUEST__OP_APPLY;
	q.apply = &a;
	rc = simple(c, &q, "applied");
	free(a.yaml);
	return rc;
}

/* The running state as YAML, on stdout or into PATH */
static int
c_save(struct ctx *c, const char *path)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__Save s = EDGEWAY__SAVE__INIT;
	Edgeway__Response *r;
	FILE *f = stdout;
	int rc;

	q.op_case = EDGEWAY__REQUEST__OP_SAVE;
	q.save = &s;
	r = call(c, &q);
	rc = ew_out_verdict(r);
	if (rc == 0) {
		if (path != NULL && (f = fopen(path, "w")) == NULL) {
			edgeway__response__free_unpacked(r, NULL);
			return ew_ctl_err("%s: %s", path, strerror(errno));
		}
		fputs(r->yaml != NULL ? r->yaml : "", f);
		if (f != stdout && fclose(f) != 0)
			rc = ew_ctl_err("%s: %s", path, strerror(errno));
	}
	edgeway__response__free_unpacked(r, NULL);
	return rc;
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

/* Send O as the change P asks for (add, del or update). */
static int
object(struct ctx *c, const struct ew_ctl_parse *p, Edgeway__Object *o,
		const char *what)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	char done[64];

	snprintf(done, sizeof(done), "%s %s", what,
			p->action == EW_CTL_ADD ? "added" :
			p->action == EW_CTL_DEL ? "deleted" : "updated");
	if (p->action == EW_CTL_ADD) {
		q.op_case = EDGEWAY__REQUEST__OP_ADD;
		q.add = o;
	} else if (p->action == EW_CTL_DEL) {
		q.op_case = EDGEWAY__REQUEST__OP_DEL;
		q.del = o;
	} else {
		q.op_case = EDGEWAY__REQUEST__OP_UPDATE;
		q.update = o;
	}
	return simple(c, &q, done);
}

/* The value of option KEY, or "" */
static char *
value(const struct ew_ctl_parse *p, const char *key)
{
	const char *v = ew_ctl_value(p, key);

	return (char *)(v != NULL ? v : "");
}

static int
c_overlay(struct ctx *c, const struct ew_ctl_parse *p)
{
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Overlay ov = EDGEWAY__OVERLAY__INIT;
	const char *v;

	ov.name = (char *)ew_ctl_word(p, 0);
	if (p->action != EW_CTL_DEL) {
		ov.id = (uint32_t)strtoul((v = ew_ctl_value(p, "id")) ? v : "0", NULL, 10);
		ov.encap = value(p, "encap");
		ov.address = value(p, "address");
		ov.mtu = (uint32_t)strtoul((v = ew_ctl_value(p, "mtu")) ? v : "0", NULL, 10);
		v = ew_ctl_value(p, "mss-clamp");
		ov.mss_clamp = v == NULL ? EDGEWAY__TOGGLE__TOGGLE_DEFAULT :
				strcmp(v, "off") == 0 ? EDGEWAY__TOGGLE__TOGGLE_OFF :
				EDGEWAY__TOGGLE__TOGGLE_ON;
	}
	o.obj_case = EDGEWAY__OBJECT__OBJ_OVERLAY;
	o.overlay = &ov;
	return object(c, p, &o, "overlay");
}

static int
c_tunnel(struct ctx *c, const struct ew_ctl_parse *p)
{
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Tunnel t = EDGEWAY__TUNNEL__INIT;

	t.overlay = (char *)ew_ctl_word(p, 0);
	t.name = (char *)ew_ctl_word(p, 1);
	if (p->action != EW_CTL_DEL) {
		t.wan = value(p, "wan");
		t.remote = value(p, "remote");
		t.peer = value(p, "peer");
		t.probe = value(p, "probe");
		t.peer_mac = value(p, "peer-mac");
		t.df = value(p, "df");
	}
	o.obj_case = EDGEWAY__OBJECT__OBJ_TUNNEL;
	o.tunnel = &t;
	return object(c, p, &o, "tunnel");
}

static int
c_route(struct ctx *c, const struct ew_ctl_parse *p)
{
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Route r = EDGEWAY__ROUTE__INIT;

	r.overlay = (char *)ew_ctl_word(p, 0);
	r.prefix = (char *)ew_ctl_word(p, 1);
	r.via = value(p, "via");
	o.obj_case = EDGEWAY__OBJECT__OBJ_ROUTE;
	o.route = &r;
	return object(c, p, &o, "route");
}

/* A class's one match rule from its options; NULL if none is given. The
 * ingress list is split into *ING and *INGV, for the caller to free. */
static Edgeway__Match *
class_match(const struct ew_ctl_parse *p, Edgeway__Match *m, char **ing,
		char ***ingv)
{
	bool any = false;
	const char *v;

#define M(field, key) if ((v = ew_ctl_value(p, key)) != NULL) { m->field = (char *)v; any = true; }
	M(proto, "proto");
	M(src, "src");
	M(dst, "dst");
	M(src_port, "src-port");
	M(dst_port, "dst-port");
	M(dscp, "dscp");
#undef M
	if ((v = ew_ctl_value(p, "ingress")) != NULL) {
		*ing = strdup(v);
		*ingv = split(*ing, &m->n_ingress);
		m->ingress = *ingv;
		any = true;
	}
	return any ? m : NULL;
}

static int
c_class(struct ctx *c, const struct ew_ctl_parse *p)
{
	Edgeway__Object o = EDGEWAY__OBJECT__INIT;
	Edgeway__Class cl = EDGEWAY__CLASS__INIT;
	Edgeway__Match m = EDGEWAY__MATCH__INIT, *mp = NULL;
	char *ovs = NULL, *ing = NULL, **ovv = NULL, **ingv = NULL;
	const char *v;
	int rc;

	cl.name = (char *)ew_ctl_word(p, 0);
	if (p->action != EW_CTL_DEL) {
		v = ew_ctl_value(p, "overlays");
		if (v == NULL)
			return ew_ctl_err("%s class: 'overlays A[,B..]' is required",
					p->action == EW_CTL_UPDATE ? "update" : "add");
		ovs = strdup(v);
		ovv = split(ovs, &cl.n_overlays);
		cl.overlays = ovv;
		mp = class_match(p, &m, &ing, &ingv);
		if (mp != NULL) {
			cl.match = &mp;
			cl.n_match = 1;
		}
		if ((v = ew_ctl_value(p, "outer-dscp")) != NULL)
			cl.dscp = atoi(v);
		cl.balance = value(p, "balance");
	}
	o.obj_case = EDGEWAY__OBJECT__OBJ_CLASS;
	o.class_ = &cl;
	rc = object(c, p, &o, "class");
	free(ovs);
	free(ovv);
	free(ing);
	free(ingv);
	return rc;
}

static int
c_set_class(struct ctx *c, const struct ew_ctl_parse *p)
{
	Edgeway__Request q = EDGEWAY__REQUEST__INIT;
	Edgeway__SetClassOverlays s = EDGEWAY__SET_CLASS_OVERLAYS__INIT;
	char *ovs, **v;
	int rc;

	s.name = (char *)ew_ctl_word(p, 0);
	ovs = strdup(ew_ctl_value(p, "overlays"));
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

/* Tunnels and classes every second, MAX screens (0: until Ctrl-C) */
static int
c_monitor(struct ctx *c, int max)
{
	struct sigaction sa = { .sa_handler = on_int };
	int rounds = 0, rc = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_monitor && (max == 0 || rounds < max)) {
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		printf("edgeway monitor (%s), Ctrl-C to stop\n\n", c->socket);
		rc = c_show(c, EDGEWAY__SHOW__WHAT__TUNNELS, NULL);
		putchar('\n');
		if (rc == 0)
			rc = c_show(c, EDGEWAY__SHOW__WHAT__CLASSES, NULL);
		fflush(stdout);
		if (rc != 0)
			break;
		rounds++;
		if (max == 0 || rounds < max)
			sleep(1);
	}
	return rc;
}

static int
run(struct ctx *c, const struct ew_ctl_parse *p)
{
	const char *v;

	switch (p->action) {
	case EW_CTL_SHOW:
		return c_show(c, (Edgeway__Show__What)p->what, p);
	case EW_CTL_APPLY:
		return c_apply(c, ew_ctl_word(p, 0));
	case EW_CTL_SAVE:
		return c_save(c, ew_ctl_word(p, 0));
	case EW_CTL_ADD:
	case EW_CTL_DEL:
	case EW_CTL_UPDATE:
		switch ((enum ew_ctl_object)p->what) {
		case EW_CTL_OVERLAY:
			return c_overlay(c, p);
		case EW_CTL_TUNNEL:
			return c_tunnel(c, p);
		case EW_CTL_ROUTE:
			return c_route(c, p);
		case EW_CTL_CLASS:
			return c_class(c, p);
		}
		break;
	case EW_CTL_SET_CLASS:
		return c_set_class(c, p);
	case EW_CTL_MONITOR:
		/* for scripts: stop after N screens */
		return c_monitor(c, (v = ew_ctl_value(p, "count")) ? atoi(v) : 0);
	case EW_CTL_HELLO:
		return c_hello(c);
	}
	return 2;
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
	struct ew_ctl_parse p;
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
			ew_ctl_help();
			return 0;
		default:
			return 2;
		}
	}
	rc = ew_ctl_parse(argc - optind, argv + optind, &p);
	if (rc != EW_CTL_RUN)
		return rc;
	rc = run(&c, &p);
	if (c.fd >= 0)
		close(c.fd);
	return rc;
}
