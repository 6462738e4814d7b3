/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader's first pass (ew_config_shape): what a YAML text would make
 * the loader build, counted over libyaml's events in constant memory and
 * refused past the limits of config.h (nesting, aliases, objects, values)
 * before any document is built.
 */

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"

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

int
ew_config_shape(const char *name, const char *text, size_t len,
		struct ew_diag *diag)
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
