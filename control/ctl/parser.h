/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_CTL_PARSER_H
#define EW_CTL_PARSER_H

/*
 * The console's grammar (as OpenBSD ospfctl's parser.h): ew_ctl_parse()
 * matches the command line against tables of keywords, each leaf an action
 * with its arguments, and checks the words after it against them. Every
 * keyword may be shortened to an unambiguous prefix; "help" or "?" lists
 * what may follow. The help listing and the usage messages are generated
 * from the same tables. Building requests from a parsed command is
 * edgewayctl.c's job, rendering the answers output.c's.
 */

/* What a command does; "what" in its result says to which object or view. */
enum ew_ctl_action {
	EW_CTL_SHOW,		/* what: the view, an Edgeway__Show__What */
	EW_CTL_APPLY,
	EW_CTL_SAVE,
	EW_CTL_ADD,		/* what: an enum ew_ctl_object */
	EW_CTL_DEL,
	EW_CTL_UPDATE,
	EW_CTL_SET_CLASS,
	EW_CTL_MONITOR,
	EW_CTL_HELLO,
};

enum ew_ctl_object {
	EW_CTL_OVERLAY,
	EW_CTL_TUNNEL,
	EW_CTL_ROUTE,
	EW_CTL_CLASS,
};

/* A command that fits its arguments. The positional words come first in
 * ARGV, then the "KEY VALUE" pairs. */
struct ew_ctl_parse {
	enum ew_ctl_action action;
	int what;
	int argc;		/* the words after the command's keywords */
	char **argv;
	int nwords;		/* how many of them are positional */
};

/* ew_ctl_parse() returns this when R holds a command to run. */
#define EW_CTL_RUN	(-1)

/* Parse ARGV (the words after the options). Returns EW_CTL_RUN with R
 * filled in, or the exit code once help or an error has been printed. */
int ew_ctl_parse(int argc, char **argv, struct ew_ctl_parse *r);

/* Positional word I of R, or NULL when it was left out. */
const char *ew_ctl_word(const struct ew_ctl_parse *r, int i);
/* The value after the first KEY among R's pairs, or NULL. */
const char *ew_ctl_value(const struct ew_ctl_parse *r, const char *key);

/* The usage line and every command with its arguments, on stdout. */
void ew_ctl_help(void);

/* "edgewayctl: MESSAGE" on stderr; returns 2, the exit code of a bad
 * command (the console's one error format, for all its files). */
int ew_ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* EW_CTL_PARSER_H */
