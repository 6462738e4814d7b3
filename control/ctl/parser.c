/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's grammar as data (as in OpenBSD's ospfctl parser.c): tables
 * of keywords whose leaves carry an action and its arguments. Matching a
 * command line, checking the words after a command, the help listing and
 * the usage messages all read these tables, so none of them can say
 * something the others do not.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "control/ctl/parser.h"

#include "edgeway.pb-c.h"

/* One argument of a command, as help shows it: "NAME", "via TUNNEL",
 * "[mtu N]". The positional words come first. */
enum ew_ctl_arg_kind {
	EW_ARG_END,
	EW_ARG_WORD,	/* a word in its place: NAME */
	EW_ARG_KEY,	/* a keyword and its value, in their place: via TUNNEL */
	EW_ARG_OPTION,	/* a keyword and its value, in any order after the
			 * words; only known keys are checked here, which ones
			 * must be there is the daemon's call */
};

struct ew_ctl_arg {
	enum ew_ctl_arg_kind kind;
	const char *key;	/* KEY, OPTION: the keyword */
	const char *value;	/* what goes there: "NAME", "N", "vxlan|gre" */
	bool optional;		/* in [brackets]; a WORD or KEY may be left out */
};

/* What a leaf says about words that do not fit its arguments. */
enum ew_ctl_check {
	EW_CHECK_USAGE,		/* its usage line */
	EW_CHECK_UNEXPECTED,	/* "unexpected 'WORD'" (show) */
	EW_CHECK_NONE,		/* nothing: they are not looked at (hello) */
};

struct ew_ctl_cmd {
	const char *word;
	const char *help;
	const struct ew_ctl_cmd *sub;	/* keywords that may follow, or NULL */
	enum ew_ctl_action action;	/* a leaf: what it does, */
	int what;			/* to which object or view, */
	const struct ew_ctl_arg *args;	/* with what, up to EW_ARG_END */
	enum ew_ctl_check check;
};

#define WORD(name)		{ EW_ARG_WORD, NULL, name, false }
#define WORD_OPTIONAL(name)	{ EW_ARG_WORD, NULL, name, true }
#define KEY(key, value)		{ EW_ARG_KEY, key, value, false }
#define KEY_OPTIONAL(key, value) { EW_ARG_KEY, key, value, true }
#define OPTION(key, value)	{ EW_ARG_OPTION, key, value, false }
#define OPTIONAL(key, value)	{ EW_ARG_OPTION, key, value, true }
#define END			{ EW_ARG_END, NULL, NULL, false }

static const struct ew_ctl_arg no_args[] = { END };
static const struct ew_ctl_arg overlay_filter[] = { WORD_OPTIONAL("OVERLAY"), END };
static const struct ew_ctl_arg file_arg[] = { WORD("FILE"), END };
static const struct ew_ctl_arg file_optional[] = { WORD_OPTIONAL("FILE"), END };
static const struct ew_ctl_arg monitor_args[] = { KEY_OPTIONAL("count", "N"), END };
static const struct ew_ctl_arg lookup_args[] = {
	WORD("A.B.C.D"), OPTIONAL("class", "NAME"), END
};

static const struct ew_ctl_arg overlay_args[] = {
	WORD("NAME"),
	OPTION("id", "N"),
	OPTION("encap", "vxlan|gre"),
	OPTION("address", "A/L"),
	OPTIONAL("mtu", "N"),
	OPTIONAL("mss-clamp", "on|off"),
	END
};

static const struct ew_ctl_arg tunnel_args[] = {
	WORD("OVERLAY"),
	WORD("NAME"),
	OPTION("wan", "WAN"),
	OPTION("remote", "IP"),
	OPTION("peer", "IP"),
	OPTIONAL("probe", "auto|stamp|icmp|none"),
	OPTIONAL("peer-mac", "MAC"),
	OPTIONAL("df", "set|clear"),
	END
};

static const struct ew_ctl_arg route_args[] = {
	WORD("OVERLAY"),
	WORD("PREFIX"),
	KEY("via", "TUNNEL|PEER"),
	END
};

static const struct ew_ctl_arg class_args[] = {
	WORD("NAME"),
	OPTION("overlays", "A[,B..]"),	/* edgewayctl.c checks it is there */
	OPTIONAL("proto", "P"),
	OPTIONAL("src", "PFX"),
	OPTIONAL("dst", "PFX"),
	OPTIONAL("src-port", "R"),
	OPTIONAL("dst-port", "R"),
	OPTIONAL("ingress", "IF[,IF..]"),
	OPTIONAL("dscp", "N"),
	OPTIONAL("outer-dscp", "N"),
	OPTIONAL("balance", "none|flow"),
	END
};

/* What names an object, for del */
static const struct ew_ctl_arg name_arg[] = { WORD("NAME"), END };
static const struct ew_ctl_arg tunnel_id[] = { WORD("OVERLAY"), WORD("NAME"), END };
static const struct ew_ctl_arg route_id[] = { WORD("OVERLAY"), WORD("PREFIX"), END };

static const struct ew_ctl_arg set_class_args[] = {
	WORD("NAME"),
	KEY("overlays", "A[,B..]"),
	END
};

#define SHOW(word, help, view, args) { word, help, NULL, EW_CTL_SHOW, \
	EDGEWAY__SHOW__WHAT__##view, args, EW_CHECK_UNEXPECTED }
#define OBJ(word, help, action, obj, args) { word, help, NULL, action, \
	EW_CTL_##obj, args, EW_CHECK_USAGE }
#define LEAF(word, help, action, args, check) { word, help, NULL, action, 0, \
	args, check }
#define MENU(word, help, sub) { word, help, sub, 0, 0, NULL, EW_CHECK_USAGE }
#define LAST { NULL, NULL, NULL, 0, 0, NULL, EW_CHECK_USAGE }

static const struct ew_ctl_cmd show_cmds[] = {
	SHOW("interfaces", "interfaces and their counters", INTERFACES, no_args),
	SHOW("overlays", "overlay networks", OVERLAYS, no_args),
	SHOW("tunnels", "tunnels and their counters", TUNNELS, overlay_filter),
	SHOW("classes", "traffic classes", CLASSES, no_args),
	SHOW("routes", "overlay routing tables", ROUTES, overlay_filter),
	SHOW("lookup", "which route wins for an address: the LAN table's or the class's overlay's",
			ROUTE_LOOKUP, lookup_args),
	SHOW("stats", "drops by reason, punts, generation", STATS, no_args),
	LAST
};

static const struct ew_ctl_cmd add_cmds[] = {
	OBJ("overlay", "an overlay network", EW_CTL_ADD, OVERLAY, overlay_args),
	OBJ("tunnel", "a tunnel in an overlay", EW_CTL_ADD, TUNNEL, tunnel_args),
	OBJ("route", "a route in an overlay", EW_CTL_ADD, ROUTE, route_args),
	OBJ("class", "a traffic class (one match rule)", EW_CTL_ADD, CLASS,
			class_args),
	LAST
};

static const struct ew_ctl_cmd del_cmds[] = {
	OBJ("overlay", "an overlay (no class may use it)", EW_CTL_DEL, OVERLAY,
			name_arg),
	OBJ("tunnel", "a tunnel (no route may use it)", EW_CTL_DEL, TUNNEL,
			tunnel_id),
	OBJ("route", "a route", EW_CTL_DEL, ROUTE, route_id),
	OBJ("class", "a traffic class", EW_CTL_DEL, CLASS, name_arg),
	LAST
};

static const struct ew_ctl_cmd update_cmds[] = {
	OBJ("overlay", "replace an overlay's settings (its tunnels and routes stay)",
			EW_CTL_UPDATE, OVERLAY, overlay_args),
	OBJ("tunnel", "replace a tunnel", EW_CTL_UPDATE, TUNNEL, tunnel_args),
	OBJ("route", "change where a route points", EW_CTL_UPDATE, ROUTE,
			route_args),
	OBJ("class", "replace a class (keeps its priority)", EW_CTL_UPDATE,
			CLASS, class_args),
	LAST
};

static const struct ew_ctl_cmd set_cmds[] = {
	LEAF("class", "re-steer a class", EW_CTL_SET_CLASS, set_class_args,
			EW_CHECK_USAGE),
	LAST
};

static const struct ew_ctl_cmd top_cmds[] = {
	MENU("show", "show state and counters", show_cmds),
	LEAF("apply", "make the running state equal to FILE, atomically",
			EW_CTL_APPLY, file_arg, EW_CHECK_USAGE),
	LEAF("save", "write the running state as YAML", EW_CTL_SAVE,
			file_optional, EW_CHECK_USAGE),
	MENU("add", "add one object", add_cmds),
	MENU("del", "delete one object", del_cmds),
	MENU("update", "replace one object, atomically", update_cmds),
	MENU("set", "change one object", set_cmds),
	LEAF("monitor", "live view of tunnels and classes", EW_CTL_MONITOR,
			monitor_args, EW_CHECK_USAGE),
	LEAF("hello", "daemon version and node", EW_CTL_HELLO, no_args,
			EW_CHECK_NONE),
	LAST
};

int
ew_ctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("edgewayctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static void
append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* A command's arguments as help shows them, after what is in BUF. */
static void
args_text(const struct ew_ctl_arg *a, char *buf, size_t len)
{
	for (; a->kind != EW_ARG_END; a++) {
		append(buf, len, " %s", a->optional ? "[" : "");
		if (a->kind != EW_ARG_WORD)
			append(buf, len, "%s ", a->key);
		append(buf, len, "%s%s", a->value, a->optional ? "]" : "");
	}
}

/* Every command under T, each with its arguments and what it does. */
static void
help(const struct ew_ctl_cmd *t, const char *prefix)
{
	char full[512];

	if (prefix[0] == '\0')
		printf("usage: edgewayctl [-s SOCKET] [--json] COMMAND\n\n");
	for (; t->word != NULL; t++) {
		snprintf(full, sizeof(full), "%s%s%s", prefix,
				prefix[0] ? " " : "", t->word);
		if (t->sub != NULL) {
			help(t->sub, full);
			continue;
		}
		args_text(t->args, full, sizeof(full));
		printf("  %-60s %s\n", full, t->help);
	}
}

void
ew_ctl_help(void)
{
	help(top_cmds, "");
}

/* "usage: add|update overlay NAME id N ...": the line names every verb
 * under which the command takes the same arguments (two levels deep). */
static int
usage(const struct ew_ctl_cmd *cmd)
{
	const struct ew_ctl_cmd *t, *s;
	char line[512] = "";

	for (t = top_cmds; t->word != NULL; t++) {
		if (t == cmd) {
			append(line, sizeof(line), "%s", t->word);
			break;
		}
		for (s = t->sub; s != NULL && s->word != NULL; s++)
			if (strcmp(s->word, cmd->word) == 0 && s->args == cmd->args)
				append(line, sizeof(line), "%s%s",
						line[0] ? "|" : "", t->word);
	}
	if (t->word == NULL)
		append(line, sizeof(line), " %s", cmd->word);
	args_text(cmd->args, line, sizeof(line));
	return ew_ctl_err("usage: %s", line);
}

/* The "KEY VALUE" pairs from FROM on: each KEY one of ARGS' options. */
static int
check_options(const struct ew_ctl_arg *args, int argc, char **argv, int from)
{
	const struct ew_ctl_arg *a;
	int i;

	if ((argc - from) % 2 != 0)
		return ew_ctl_err("'%s' needs a value", argv[argc - 1]);
	for (i = from; i < argc; i += 2) {
		for (a = args; a->kind != EW_ARG_END; a++)
			if (a->kind == EW_ARG_OPTION && strcmp(argv[i], a->key) == 0)
				break;
		if (a->kind == EW_ARG_END)
			return ew_ctl_err("unknown option '%s'", argv[i]);
	}
	return 0;
}

/* Check the words after CMD against its arguments; 0 if they fit. */
static int
check_args(const struct ew_ctl_cmd *cmd, struct ew_ctl_parse *r)
{
	const struct ew_ctl_arg *a;
	int i = 0;

	if (cmd->check == EW_CHECK_NONE)
		return 0;
	for (a = cmd->args; a->kind != EW_ARG_END; a++) {
		if (a->kind == EW_ARG_OPTION)
			return check_options(cmd->args, r->argc, r->argv, i);
		if (i == r->argc && a->optional)
			continue;
		if (a->kind == EW_ARG_WORD) {
			if (i == r->argc)
				return usage(cmd);
			r->nwords = ++i;
		} else {
			if (i + 1 >= r->argc || strcmp(r->argv[i], a->key) != 0)
				return usage(cmd);
			i += 2;
		}
	}
	if (i == r->argc)
		return 0;
	if (cmd->check == EW_CHECK_UNEXPECTED)
		return ew_ctl_err("unexpected '%s'", r->argv[i]);
	return usage(cmd);
}

/* Find WORD among T by exact match or unique prefix. */
static const struct ew_ctl_cmd *
lookup(const struct ew_ctl_cmd *t, const char *word, const char *level)
{
	const struct ew_ctl_cmd *hit = NULL;
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
		ew_ctl_err("unknown command '%s%s%s' ('%s%shelp' lists them)", level,
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

static bool
is_help(const char *word)
{
	return strcmp(word, "help") == 0 || strcmp(word, "?") == 0;
}

int
ew_ctl_parse(int argc, char **argv, struct ew_ctl_parse *r)
{
	const struct ew_ctl_cmd *t = top_cmds, *hit;
	char level[128] = "", args[512] = "";

	for (;;) {
		if (argc == 0 || is_help(argv[0])) {
			help(t, level);
			return argc == 0 ? 2 : 0;
		}
		hit = lookup(t, argv[0], level);
		if (hit == NULL)
			return 2;
		append(level, sizeof(level), "%s%s", level[0] ? " " : "",
				hit->word);
		argc--;
		argv++;
		if (hit->sub == NULL)
			break;
		t = hit->sub;
	}
	if (argc > 0 && is_help(argv[0])) {
		args_text(hit->args, args, sizeof(args));
		printf("  %s %s\n      %s\n", level, args[0] ? args + 1 : "",
				hit->help);
		return 0;
	}
	*r = (struct ew_ctl_parse){ .action = hit->action, .what = hit->what,
		.argc = argc, .argv = argv };
	return check_args(hit, r) == 0 ? EW_CTL_RUN : 2;
}

const char *
ew_ctl_word(const struct ew_ctl_parse *r, int i)
{
	return i < r->nwords ? r->argv[i] : NULL;
}

const char *
ew_ctl_value(const struct ew_ctl_parse *r, const char *key)
{
	int i;

	for (i = r->nwords; i + 1 < r->argc; i += 2)
		if (strcmp(r->argv[i], key) == 0)
			return r->argv[i + 1];
	return NULL;
}
