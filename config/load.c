/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * YAML -> struct ew_config. Walks the document along the field tables of
 * config/fields.c, which parse and check every value; this file knows only
 * YAML's shapes (mappings, lists, scalars) and positions. Cross references
 * are resolved in validate.c. Every problem is reported with its line and
 * column.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "config/config.h"
#include "config/fields.h"

struct ld {
	const char *file;
	yaml_document_t *doc;
	struct ew_diag *diag;
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

static unsigned int *
count_of(const struct ew_field *f, void *obj)
{
	return (unsigned int *)((char *)obj + f->off2);
}

static yaml_node_t *
item(struct ld *ld, yaml_node_item_t *it)
{
	return yaml_document_get_node(ld->doc, *it);
}

static void walk_map(struct ld *ld, yaml_node_t *map, const struct ew_kind *k,
		void *obj);

/* A list entry: its position, its defaults, its keys. */
static void
walk_entry(struct ld *ld, yaml_node_t *n, const struct ew_kind *k, void *e)
{
	*(struct ew_pos *)((char *)e + k->pos) = pos_of(n);
	ew_obj_init(k, e);
	walk_map(ld, n, k, e);
}

/* An array of its own for the entries of SEQ, each of SIZE bytes, zeroed,
 * at F of OBJ (count 0); NULL if SEQ is empty or memory is short. */
static void *
new_array(struct ld *ld, yaml_node_t *seq, const struct ew_field *f, void *obj,
		size_t size)
{
	unsigned int n = (unsigned int)(seq->data.sequence.items.top -
			seq->data.sequence.items.start);
	void *a;

	if (n == 0)
		return NULL;
	a = calloc(n, size);
	if (a == NULL) {
		ERR(ld, seq, "%s: out of memory", f->what);
		return NULL;
	}
	*(void **)((char *)obj + f->off) = a;
	*count_of(f, obj) = 0;
	return a;
}

/* A list of objects of F's kind, in an array of its own. */
static void
walk_list(struct ld *ld, yaml_node_t *seq, const struct ew_field *f, void *obj)
{
	const struct ew_kind *k = f->sub;
	unsigned int *count = count_of(f, obj);
	yaml_node_item_t *it;
	char *a;

	if (!expect_type(ld, seq, YAML_SEQUENCE_NODE, f->what))
		return;
	a = new_array(ld, seq, f, obj, k->size);
	if (a == NULL)
		return;
	for (it = seq->data.sequence.items.start;
			it < seq->data.sequence.items.top; it++) {
		yaml_node_t *e = item(ld, it);

		if (e == NULL)
			continue;
		walk_entry(ld, e, k, a + (size_t)(*count) * k->size);
		(*count)++;
	}
}

/* The interfaces: a list into a fixed array. */
static void
walk_ifaces(struct ld *ld, yaml_node_t *seq, const struct ew_kind *k,
		const struct ew_field *f, void *obj)
{
	unsigned int *count = count_of(f, obj);
	char *a = (char *)obj + f->off, err[256];
	yaml_node_item_t *it;

	if (!expect_type(ld, seq, YAML_SEQUENCE_NODE, f->what))
		return;
	for (it = seq->data.sequence.items.start;
			it < seq->data.sequence.items.top; it++) {
		yaml_node_t *e = item(ld, it);

		if (e == NULL)
			continue;
		if (ew_field_count(k, f, obj, *count + 1, err, sizeof(err)) != 0) {
			ERR(ld, e, "%s", err);
			return;
		}
		walk_entry(ld, e, f->sub, a + (size_t)(*count)++ * f->sub->size);
	}
}

/* One entry of a list of scalars: 0, or -1 (reported). */
static int
scalar_item(struct ld *ld, yaml_node_t *n, const struct ew_field *f, void *e)
{
	const char *s = scalar(ld, n, f->what);
	char err[256];

	if (s == NULL)
		return -1;
	if (ew_field_parse_item(f, s, e, err, sizeof(err)) != 0) {
		ERR(ld, n, "%s", err);
		return -1;
	}
	return 0;
}

/* Strings (EAL arguments) into a fixed array. */
static void
walk_args(struct ld *ld, yaml_node_t *seq, const struct ew_kind *k,
		const struct ew_field *f, void *obj)
{
	unsigned int *count = count_of(f, obj);
	char **a = (char **)((char *)obj + f->off), *s, err[256];
	yaml_node_item_t *it;

	if (!expect_type(ld, seq, YAML_SEQUENCE_NODE, f->what))
		return;
	for (it = seq->data.sequence.items.start;
			it < seq->data.sequence.items.top; it++) {
		yaml_node_t *e = item(ld, it);

		if (e == NULL || scalar_item(ld, e, f, &s) != 0)
			continue;
		if (ew_field_count(k, f, obj, *count + 1, err, sizeof(err)) != 0) {
			free(s);
			ERR(ld, e, "%s", err);
			return;
		}
		a[(*count)++] = s;
	}
}

/* Names (class overlays) into an array of their own; at least F->lo. */
static void
walk_refs(struct ld *ld, yaml_node_t *seq, const struct ew_kind *k,
		const struct ew_field *f, void *obj)
{
	unsigned int *count = count_of(f, obj);
	yaml_node_item_t *it;
	struct ew_ref *a;
	char err[256];

	if (!expect_type(ld, seq, YAML_SEQUENCE_NODE, f->what))
		return;
	a = new_array(ld, seq, f, obj, sizeof(*a));
	for (it = seq->data.sequence.items.start;
			a != NULL && it < seq->data.sequence.items.top; it++) {
		yaml_node_t *e = item(ld, it);

		if (e == NULL)
			continue;
		a[*count].pos = pos_of(e);
		scalar_item(ld, e, f, &a[(*count)++]);
	}
	if (ew_field_count(k, f, obj, *count, err, sizeof(err)) != 0)
		ERR(ld, seq, "%s", err);
}

/* A name, or a list of names (match ingress), into a fixed array. */
static void
walk_ref_set(struct ld *ld, yaml_node_t *v, const struct ew_kind *k,
		const struct ew_field *f, void *obj)
{
	unsigned int *count = count_of(f, obj);
	struct ew_ref *a = (struct ew_ref *)((char *)obj + f->off);
	yaml_node_item_t *it;
	char err[256];

	if (v->type == YAML_SCALAR_NODE) {
		a[0].pos = pos_of(v);
		if (scalar_item(ld, v, f, &a[0]) == 0)
			*count = 1;
		return;
	}
	if (!expect_type(ld, v, YAML_SEQUENCE_NODE, f->what))
		return;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *e = item(ld, it);

		if (e == NULL)
			continue;
		if (ew_field_count(k, f, obj, *count + 1, err, sizeof(err)) != 0) {
			ERR(ld, e, "%s", err);
			return;
		}
		a[*count].pos = pos_of(e);
		if (scalar_item(ld, e, f, &a[*count]) == 0)
			(*count)++;
	}
}

/* The value V of field F of OBJ (of kind K). */
static void
walk_value(struct ld *ld, yaml_node_t *v, const struct ew_kind *k,
		const struct ew_field *f, void *obj)
{
	char *p = (char *)obj + f->off;
	char what[96], err[256];
	const char *s;

	switch (f->type) {
	case EW_FT_MAP:
		if (f->flags & EW_FF_FLAG)
			*(bool *)((char *)obj + f->flag) = true;
		walk_map(ld, v, f->sub, p);
		return;
	case EW_FT_LIST:
		walk_list(ld, v, f, obj);
		return;
	case EW_FT_IFACES:
		walk_ifaces(ld, v, k, f, obj);
		return;
	case EW_FT_ARGS:
		walk_args(ld, v, k, f, obj);
		return;
	case EW_FT_REFS:
		walk_refs(ld, v, k, f, obj);
		return;
	case EW_FT_REF_SET:
		walk_ref_set(ld, v, k, f, obj);
		return;
	default:
		break;
	}
	s = scalar(ld, v, ew_field_what(k, f, obj, what, sizeof(what)));
	if (s == NULL)
		return;
	if (f->type == EW_FT_REF || f->type == EW_FT_VIA)
		((struct ew_ref *)p)->pos = pos_of(v);
	if (ew_field_parse(k, f, s, obj, err, sizeof(err)) != 0)
		ERR(ld, v, "%s", err);
}

/*
 * Walk a mapping of kind K: each key must be one of K's fields, at most
 * once; required keys must be present.
 */
static void
walk_map(struct ld *ld, yaml_node_t *map, const struct ew_kind *k, void *obj)
{
	const struct ew_field *fields = k->fields;
	yaml_node_pair_t *p;
	uint64_t seen = 0;
	unsigned int i;

	if (!expect_type(ld, map, YAML_MAPPING_NODE, k->what))
		return;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
		const char *ks;

		if (key == NULL || v == NULL)
			continue;
		ks = scalar(ld, key, k->what);
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
			ERR(ld, key, "%s: unknown key '%s' (expected one of: %s)",
					k->what, ks, list);
			continue;
		}
		if (seen & (1ull << i)) {
			ERR(ld, key, "%s: duplicate key '%s'", k->what, ks);
			continue;
		}
		seen |= 1ull << i;
		walk_value(ld, v, k, &fields[i], obj);
	}
	for (i = 0; fields[i].key != NULL; i++)
		if ((fields[i].flags & EW_FF_REQUIRED) && !(seen & (1ull << i)))
			ERR(ld, map, "%s: missing required key '%s'", k->what,
					fields[i].key);
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
	ew_obj_init(&ew_kind_config, cfg);

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
	if (ew_config_shape(name, text, len, diag) != 0) {
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
	ld = (struct ld){ .file = name, .doc = &doc, .diag = diag };
	if (root == NULL)
		ew_diag_add(diag, name, (struct ew_pos){ 1, 1 }, "the file is empty");
	else
		walk_map(&ld, root, &ew_kind_config, cfg);
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
