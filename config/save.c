/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config back out: as YAML that ew_config_load() reads to an equal
 * config (save), written along the field tables of config/fields.c, and
 * as a deep copy (changes are made on a copy, never on the running
 * config).
 */

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/fields.h"

/* A double-quoted YAML scalar. */
static void
q(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);	/* YAML double-quoted escape */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Quoted where the text may hold what YAML would read otherwise. */
static void
put_scalar(FILE *f, const struct ew_field *fd, const void *obj)
{
	char b[64];
	const char *s = ew_field_format(fd, obj, b, sizeof(b));

	if (fd->type == EW_FT_DEVICE || fd->type == EW_FT_PATH ||
			fd->type == EW_FT_MAC)
		q(f, s);
	else
		fputs(s, f);
}

/* A list of scalars on one line: [a, b]. */
static void
put_items(FILE *f, const struct ew_field *fd, const void *obj)
{
	const char *p = (const char *)obj + fd->off;
	unsigned int n = *(const unsigned int *)((const char *)obj + fd->off2), i;
	const struct ew_ref *refs;

	if (fd->type == EW_FT_REFS)
		refs = *(const struct ew_ref *const *)p;
	else
		refs = (const struct ew_ref *)p;
	fputc('[', f);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		if (fd->type == EW_FT_ARGS)
			q(f, ((char *const *)p)[i]);
		else
			fputs(refs[i].name, f);
	}
	fputc(']', f);
}

static bool
written(const struct ew_field *fd, const void *obj)
{
	return !(fd->flags & EW_FF_OMIT) || ew_field_given(fd, obj);
}

/* OBJ on one line: { key: value, ... } */
static void
put_flow(FILE *f, const struct ew_kind *k, const void *obj)
{
	const struct ew_field *fd;
	const char *sep = "";

	fputc('{', f);
	for (fd = k->fields; fd->key != NULL; fd++) {
		if (!written(fd, obj))
			continue;
		fprintf(f, "%s %s: ", sep, fd->key);
		if (fd->type == EW_FT_REF_SET)
			put_items(f, fd, obj);
		else
			put_scalar(f, fd, obj);
		sep = ",";
	}
	fputs(" }", f);
}

static void put_block(FILE *f, const struct ew_kind *k, const void *obj,
		int indent, bool entry);

/* "key: value" of a mapping written a key a line, at INDENT. */
static void
put_field(FILE *f, const struct ew_field *fd, const void *obj, int indent)
{
	const char *p = (const char *)obj + fd->off;
	unsigned int n, i;

	fprintf(f, "%s:", fd->key);
	switch (fd->type) {
	case EW_FT_MAP:
		if (fd->sub->flow) {
			fputc(' ', f);
			put_flow(f, fd->sub, p);
			break;
		}
		fputc('\n', f);
		put_block(f, fd->sub, p, indent + 2, false);
		return;
	case EW_FT_LIST:
	case EW_FT_IFACES:
		fputc('\n', f);
		n = *(const unsigned int *)((const char *)obj + fd->off2);
		if (fd->type == EW_FT_LIST)
			p = *(const char *const *)p;
		for (i = 0; i < n; i++, p += fd->sub->size) {
			if (!fd->sub->flow) {
				put_block(f, fd->sub, p, indent + 4, true);
				continue;
			}
			fprintf(f, "%*s- ", indent + 2, "");
			put_flow(f, fd->sub, p);
			fputc('\n', f);
		}
		return;
	case EW_FT_ARGS:
	case EW_FT_REFS:
	case EW_FT_REF_SET:
		fputc(' ', f);
		put_items(f, fd, obj);
		break;
	default:
		fputc(' ', f);
		put_scalar(f, fd, obj);
		break;
	}
	fputc('\n', f);
}

/* OBJ a key a line at INDENT; ENTRY: a list entry ("- " before its first). */
static void
put_block(FILE *f, const struct ew_kind *k, const void *obj, int indent,
		bool entry)
{
	const struct ew_field *fd;

	for (fd = k->fields; fd->key != NULL; fd++) {
		if (!written(fd, obj))
			continue;
		if (entry)
			fprintf(f, "%*s- ", indent - 2, "");
		else
			fprintf(f, "%*s", indent, "");
		entry = false;
		put_field(f, fd, obj, indent);
	}
}

char *
ew_config_save(const struct ew_config *cfg)
{
	const struct ew_field *fd;
	const char *sep = "";
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	fputs("# edgeway running configuration\n", f);
	for (fd = ew_kind_config.fields; fd->key != NULL; fd++) {
		if (!written(fd, cfg))
			continue;
		fputs(sep, f);
		put_field(f, fd, cfg, 0);
		sep = "\n";
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void *
dup_mem(const void *p, size_t size, bool *fail)
{
	void *m;

	if (p == NULL || size == 0)
		return NULL;
	m = malloc(size);
	if (m == NULL) {
		*fail = true;
		return NULL;
	}
	memcpy(m, p, size);
	return m;
}

struct ew_config *
ew_config_dup(const struct ew_config *src)
{
	struct ew_config *c = malloc(sizeof(*c));
	bool fail = false;
	unsigned int i;

	if (c == NULL)
		return NULL;
	*c = *src;
	for (i = 0; i < src->n_eal_args; i++) {
		c->eal_args[i] = strdup(src->eal_args[i]);
		fail |= c->eal_args[i] == NULL;
	}
	for (i = 0; i < src->n_ifaces; i++)
		c->ifaces[i].routes = dup_mem(src->ifaces[i].routes,
				src->ifaces[i].n_routes * sizeof(*src->ifaces[i].routes),
				&fail);
	for (i = 0; i < src->n_ifaces; i++)
		c->ifaces[i].neighbors = dup_mem(src->ifaces[i].neighbors,
				src->ifaces[i].n_neighbors * sizeof(*src->ifaces[i].neighbors),
				&fail);
	c->overlays = dup_mem(src->overlays, src->n_overlays * sizeof(*src->overlays),
			&fail);
	for (i = 0; c->overlays != NULL && i < src->n_overlays; i++) {
		const struct ew_overlay_cfg *o = &src->overlays[i];

		c->overlays[i].tunnels = dup_mem(o->tunnels,
				o->n_tunnels * sizeof(*o->tunnels), &fail);
		c->overlays[i].routes = dup_mem(o->routes,
				o->n_routes * sizeof(*o->routes), &fail);
	}
	c->classes = dup_mem(src->classes, src->n_classes * sizeof(*src->classes),
			&fail);
	for (i = 0; c->classes != NULL && i < src->n_classes; i++) {
		const struct ew_class_cfg *k = &src->classes[i];

		c->classes[i].match = dup_mem(k->match, k->n_match * sizeof(*k->match),
				&fail);
		c->classes[i].overlay_refs = dup_mem(k->overlay_refs,
				k->n_overlays * sizeof(*k->overlay_refs), &fail);
		c->classes[i].overlays = dup_mem(k->overlays,
				k->n_overlays * sizeof(*k->overlays), &fail);
	}
	if (fail) {
		ew_config_free(c);
		return NULL;
	}
	return c;
}
