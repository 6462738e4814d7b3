/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_FIELDS_H
#define EW_FIELDS_H

/*
 * Every config field described once: its key, its type, where it lives in
 * its struct, its bounds, enum names and default (the tables are in
 * config/fields.c, each type's parser and formatter in config/values.c).
 * The YAML loader (load.c), the YAML writer (save.c) and the API's changes
 * (control/api/change.c) are all driven by them, so a range or a message
 * cannot differ between them. Lists and nested mappings are
 * described here too (what their entries are); the code that walks them
 * stays with the loader and the writer.
 */

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

enum ew_ftype {
	/* scalars: parsed and formatted by values.c */
	EW_FT_NAME,	/* char[size]: [a-z0-9-]{1,size-1} */
	EW_FT_REF,	/* struct ew_ref: a name, resolved by validate.c */
	EW_FT_VIA,	/* struct ew_ref: a tunnel name or a peer address */
	EW_FT_UINT,	/* unsigned, lo..hi, stored in size bytes */
	EW_FT_INT,	/* int, lo..hi; -1: not set */
	EW_FT_DOUBLE,	/* double, lo..hi; < 0: not set */
	EW_FT_BOOL,
	EW_FT_ENUM,	/* an enum: the index of its name in names */
	EW_FT_IPV4,	/* uint32_t */
	EW_FT_ADDRESS,	/* struct ew_prefix: an address and its subnet */
	EW_FT_PREFIX,	/* struct ew_prefix: host bits zero; len 0: any */
	EW_FT_MAC,	/* uint8_t[6], unicast */
	EW_FT_PORTS,	/* uint16_t lo, hi (adjacent): N or N-M within lo..hi */
	EW_FT_PROTO,	/* int: tcp | udp | icmp | 0..255; -1: any */
	EW_FT_DEVICE,	/* char[size]: DPDK device arguments */
	EW_FT_PATH,	/* char[size]: an absolute unix socket path */
	EW_FT_HOSTPORT,	/* char[size]: ADDRESS:PORT */
	/* structure: entries of sub (or scalar entries), walked by the loader
	 * and the writer */
	EW_FT_MAP,	/* a mapping: sub, embedded at off */
	EW_FT_LIST,	/* a list of sub: pointer at off, unsigned count at off2 */
	EW_FT_IFACES,	/* the interfaces: a fixed array of at most hi */
	EW_FT_ARGS,	/* char *[hi] at off, count at off2: strings */
	EW_FT_REFS,	/* struct ew_ref * at off, count at off2: at least lo
			 * names */
	EW_FT_REF_SET,	/* struct ew_ref[hi] at off, count at off2: a name or a
			 * list of at most hi */
};

#define EW_FF_REQUIRED	0x1	/* the loader wants it */
#define EW_FF_OMIT	0x2	/* the writer leaves it out when not set */
#define EW_FF_NAMED	0x4	/* messages say "KIND 'NAME': key" once the name
				 * (first in the struct) is known */
#define EW_FF_FLAG	0x8	/* a bool at flag says it was given */

struct ew_kind;

struct ew_field {
	const char *key;		/* YAML key, and the API's field name */
	const char *what;		/* how messages name it */
	enum ew_ftype type;
	size_t off;			/* into its struct */
	size_t size;			/* of the member (strings: the buffer) */
	unsigned int flags;		/* EW_FF_* */
	double lo, hi;			/* numbers: bounds; lists: entries */
	double def;			/* numbers, enums, booleans: default */
	const char *sdef;		/* strings: default */
	const char *const *names;	/* EW_FT_ENUM, NULL-terminated */
	size_t off2;			/* lists: the count (unsigned int) */
	size_t flag;			/* EW_FF_FLAG: the bool */
	const char *items;		/* lists: what an entry is, in messages */
	const struct ew_kind *sub;	/* MAP, LIST, IFACES: the entries */
};

/* A mapping: a config object, or a section of the top level. */
struct ew_kind {
	const char *what;		/* in messages: "overlay", "match rule" */
	size_t size;			/* of one list entry */
	size_t pos;			/* offset of its struct ew_pos, if an entry */
	bool flow;			/* written on one line: { k: v, ... } */
	const struct ew_field *fields;	/* ends with key NULL */
};

/* The whole file, and the objects the API changes one by one. */
extern const struct ew_kind ew_kind_config;
extern const struct ew_kind ew_kind_overlay;
extern const struct ew_kind ew_kind_tunnel;
extern const struct ew_kind ew_kind_route;
extern const struct ew_kind ew_kind_class;
extern const struct ew_kind ew_kind_match;
extern const struct ew_kind ew_kind_sla;

/* The field KEY of K, or NULL. */
const struct ew_field *ew_field_find(const struct ew_kind *k, const char *key);
/* Every field of OBJ (and of its nested mappings) to its default. */
void ew_obj_init(const struct ew_kind *k, void *obj);
/* How messages name F of OBJ, into BUF. */
const char *ew_field_what(const struct ew_kind *k, const struct ew_field *f,
		const void *obj, char *buf, size_t len);

/*
 * Parse the text S into the scalar field F of OBJ (K is OBJ's kind): 0, or
 * -1 with the reason in ERR ("interface mtu 9001 out of range 576..9000"),
 * OBJ's field then undefined.
 */
int ew_field_parse(const struct ew_kind *k, const struct ew_field *f,
		const char *s, void *obj, char *err, size_t errlen);
/* The same for one entry of a list of scalars (ARGS: a char *; REFS,
 * REF_SET: a struct ew_ref). */
int ew_field_parse_item(const struct ew_field *f, const char *s, void *item,
		char *err, size_t errlen);
/* Whether a list of N entries fits F's bounds: 0, or -1 and why. */
int ew_field_count(const struct ew_kind *k, const struct ew_field *f,
		const void *obj, size_t n, char *err, size_t errlen);
/* By key; and a number, parsed as its shortest exact text would be. */
int ew_field_set(const struct ew_kind *k, const char *key, const char *s,
		void *obj, char *err, size_t errlen);
int ew_field_set_num(const struct ew_kind *k, const char *key, double v,
		void *obj, char *err, size_t errlen);

/* Whether OBJ's field F holds a value (not its "not set" one). */
bool ew_field_given(const struct ew_field *f, const void *obj);
/* The scalar F of OBJ as text, as the loader reads it back. */
const char *ew_field_format(const struct ew_field *f, const void *obj,
		char *buf, size_t len);

#endif /* EW_FIELDS_H */
