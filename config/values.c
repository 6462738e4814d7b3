/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Values of the config's field types (config/fields.h): each type's one
 * parser (text -> value, or the message that says why not) and formatter
 * (value -> the text the loader reads back), and the defaults. The loader,
 * the writer and the API's changes all come through here, so a message
 * such as "interface mtu 9001 out of range 576..9000" is spelled once.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/fields.h"

/* protocols a match rule may name instead of a number */
static const struct {
	const char *name;
	int proto;
} proto_names[] = {
	{ "tcp", 6 },
	{ "udp", 17 },
	{ "icmp", 1 },
};

/* ---- storing and reading values of any width ---- */

static void
put_uint(void *p, size_t size, unsigned long v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;
	uint64_t u64 = v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &u64, 8);
		break;
	}
}

static unsigned long
get_uint(const void *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return (unsigned long)u64;
	}
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* ---- the parsers of each type: text -> value, or a message ---- */

static int
parse_ulong(const char *what, const char *s, double lo, double hi,
		unsigned long *out, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		FAIL("%s: '%s' is not a number", what, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0)
		FAIL("%s: '%s' is not a number", what, s);
	if (v < (unsigned long)lo || v > (unsigned long)hi)
		FAIL("%s %lu out of range %lu..%lu", what, v, (unsigned long)lo,
				(unsigned long)hi);
	*out = v;
	return 0;
}

static int
parse_double(const char *what, const char *s, double lo, double hi,
		double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0')
		FAIL("%s: '%s' is not a number", what, s);
	if (!(v >= lo && v <= hi))
		FAIL("%s: %s out of range %g..%g", what, s, lo, hi);
	*out = v;
	return 0;
}

static int
parse_bool(const char *what, const char *s, bool *out, char *err, size_t errlen)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 ||
			strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 ||
			strcmp(s, "off") == 0)
		*out = false;
	else
		FAIL("%s: '%s' is not a boolean (true or false)", what, s);
	return 0;
}

static int
parse_enum(const char *what, const char *s, const char *const *names,
		unsigned long *out, char *err, size_t errlen)
{
	char list[128] = "";
	unsigned int i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
				"%s%s", i ? " | " : "", names[i]);
	}
	FAIL("%s: '%s' is not one of %s", what, s, list);
}

static int
parse_name(const char *what, const char *s, char *out, size_t max, char *err,
		size_t errlen)
{
	if (ew_parse_name(s, max) != 0)
		FAIL("%s: '%s' is not a valid name ([a-z0-9-]{1,%zu})", what, s,
				max - 1);
	snprintf(out, max, "%s", s);
	return 0;
}

/* Control characters in a path, device or EAL argument are a mistake (and
 * would not survive being written back out). */
static int
no_ctl(const char *what, const char *s, char *err, size_t errlen)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			FAIL("%s: contains a control character (0x%02x)", what,
					(unsigned char)*s);
	return 0;
}

/* A CIDR prefix. HOST: an interface address (host bits allowed, /0 and /31
 * and /32 refused); otherwise a route prefix (host bits must be zero). */
static int
parse_prefix(const char *what, const char *s, bool host, struct ew_prefix *out,
		char *err, size_t errlen)
{
	char buf[40];

	if (ew_parse_prefix(s, out) != 0)
		FAIL("%s: '%s' is not an IPv4 prefix (a.b.c.d/len)", what, s);
	if (host && (out->len == 0 || out->len > 30))
		FAIL("%s: '%s': prefix length must be 1..30 for an address", what, s);
	if (!host && (out->addr & ~ew_prefix_mask(out->len)) != 0) {
		struct ew_prefix m = { out->addr & ew_prefix_mask(out->len), out->len };

		FAIL("%s: '%s' has host bits set (did you mean %s?)", what, s,
				ew_prefix_str(&m, buf, sizeof(buf)));
	}
	return 0;
}

static int
parse_ports(const char *what, const char *s, double lo, double hi,
		uint16_t range[2], char *err, size_t errlen)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		goto bad;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			goto bad;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0')
		goto bad;
	if (a < (unsigned long)lo || b > (unsigned long)hi || a > b)
		FAIL("%s: '%s' is not a port range within %lu..%lu", what, s,
				(unsigned long)lo, (unsigned long)hi);
	range[0] = (uint16_t)a;
	range[1] = (uint16_t)b;
	return 0;
bad:
	FAIL("%s: '%s' is not a port or a range (N or N-M)", what, s);
}

static int
parse_proto(const struct ew_field *f, const char *what, const char *s, int *out,
		char *err, size_t errlen)
{
	unsigned long p;
	size_t i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (strcmp(s, proto_names[i].name) == 0) {
			*out = proto_names[i].proto;
			return 0;
		}
	if (s[0] < '0' || s[0] > '9')
		FAIL("%s: '%s' is not tcp, udp, icmp or %lu..%lu", what, s,
				(unsigned long)f->lo, (unsigned long)f->hi);
	if (parse_ulong(what, s, f->lo, f->hi, &p, err, errlen) != 0)
		return -1;
	*out = (int)p;
	return 0;
}

static int
parse_hostport(const char *what, const char *s, char *out, size_t size,
		char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	char host[32], *end;
	uint32_t a;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		FAIL("%s: '%s' is not ADDRESS:PORT", what, s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (ew_parse_ipv4(host, &a) != 0 || *end != '\0' || port < 1 ||
			port > 65535)
		FAIL("%s: '%s' is not ADDRESS:PORT", what, s);
	snprintf(out, size, "%s", s);
	return 0;
}

/* Strings the rest of the system passes on as they are. */
static int
parse_string(const struct ew_field *f, const char *what, const char *s,
		char *out, char *err, size_t errlen)
{
	if (no_ctl(what, s, err, errlen) != 0)
		return -1;
	if (f->type == EW_FT_PATH && (s[0] != '/' || strlen(s) >= f->hi))
		FAIL("%s: '%s' must be an absolute path shorter than %lu bytes",
				what, s, (unsigned long)f->hi);
	if (f->type == EW_FT_DEVICE && (*s == '\0' || strlen(s) >= f->size))
		FAIL("%s: must be 1..%zu characters", what, f->size - 1);
	snprintf(out, f->size, "%s", s);
	return 0;
}

static int
parse_value(const struct ew_field *f, const char *what, const char *s, void *p,
		char *err, size_t errlen)
{
	struct ew_ref *r = p;
	unsigned long u;

	switch (f->type) {
	case EW_FT_NAME:
		return parse_name(what, s, p, f->size, err, errlen);
	case EW_FT_REF:
		return parse_name(what, s, r->name, sizeof(r->name), err, errlen);
	case EW_FT_VIA:
		if (strlen(s) >= sizeof(r->name))
			FAIL("%s: '%s' is neither a tunnel name nor an address",
					what, s);
		snprintf(r->name, sizeof(r->name), "%s", s);
		return 0;
	case EW_FT_UINT:
	case EW_FT_INT:
		if (parse_ulong(what, s, f->lo, f->hi, &u, err, errlen) != 0)
			return -1;
		if (f->type == EW_FT_INT)
			*(int *)p = (int)u;
		else
			put_uint(p, f->size, u);
		return 0;
	case EW_FT_DOUBLE:
		return parse_double(what, s, f->lo, f->hi, p, err, errlen);
	case EW_FT_BOOL:
		return parse_bool(what, s, p, err, errlen);
	case EW_FT_ENUM:
		if (parse_enum(what, s, f->names, &u, err, errlen) != 0)
			return -1;
		put_uint(p, f->size, u);
		return 0;
	case EW_FT_IPV4:
		if (ew_parse_ipv4(s, p) != 0)
			FAIL("%s: '%s' is not an IPv4 address", what, s);
		return 0;
	case EW_FT_ADDRESS:
	case EW_FT_PREFIX:
		return parse_prefix(what, s, f->type == EW_FT_ADDRESS, p, err,
				errlen);
	case EW_FT_MAC:
		if (ew_parse_mac(s, p) != 0)
			FAIL("%s: '%s' is not a unicast MAC address (aa:bb:cc:dd:ee:ff)",
					what, s);
		return 0;
	case EW_FT_PORTS:
		return parse_ports(what, s, f->lo, f->hi, p, err, errlen);
	case EW_FT_PROTO:
		return parse_proto(f, what, s, p, err, errlen);
	case EW_FT_DEVICE:
	case EW_FT_PATH:
		return parse_string(f, what, s, p, err, errlen);
	case EW_FT_HOSTPORT:
		return parse_hostport(what, s, p, f->size, err, errlen);
	default:
		FAIL("%s: not a single value", what);
	}
}

/* ---- fields of an object ---- */

const struct ew_field *
ew_field_find(const struct ew_kind *k, const char *key)
{
	const struct ew_field *f;

	for (f = k->fields; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

void
ew_obj_init(const struct ew_kind *k, void *obj)
{
	const struct ew_field *f;

	for (f = k->fields; f->key != NULL; f++) {
		char *p = (char *)obj + f->off;

		switch (f->type) {
		case EW_FT_UINT:
		case EW_FT_ENUM:
			put_uint(p, f->size, (unsigned long)f->def);
			break;
		case EW_FT_INT:
		case EW_FT_PROTO:
			*(int *)p = (int)f->def;
			break;
		case EW_FT_DOUBLE:
			*(double *)p = f->def;
			break;
		case EW_FT_BOOL:
			*(bool *)p = f->def != 0;
			break;
		case EW_FT_PATH:
		case EW_FT_HOSTPORT:
			snprintf(p, f->size, "%s", f->sdef != NULL ? f->sdef : "");
			break;
		case EW_FT_PORTS:
			((uint16_t *)p)[0] = (uint16_t)f->lo;
			((uint16_t *)p)[1] = (uint16_t)f->hi;
			break;
		case EW_FT_MAP:
			ew_obj_init(f->sub, p);
			break;
		default:
			break;
		}
	}
}

const char *
ew_field_what(const struct ew_kind *k, const struct ew_field *f,
		const void *obj, char *buf, size_t len)
{
	const char *name = obj;

	if ((f->flags & EW_FF_NAMED) && name[0] != '\0')
		snprintf(buf, len, "%s '%s': %s", k->what, name, f->key);
	else
		snprintf(buf, len, "%s", f->what);
	return buf;
}

int
ew_field_parse(const struct ew_kind *k, const struct ew_field *f,
		const char *s, void *obj, char *err, size_t errlen)
{
	char what[96];

	ew_field_what(k, f, obj, what, sizeof(what));
	if (parse_value(f, what, s, (char *)obj + f->off, err, errlen) != 0)
		return -1;
	if (f->flags & EW_FF_FLAG)
		*(bool *)((char *)obj + f->flag) = true;
	return 0;
}

int
ew_field_parse_item(const struct ew_field *f, const char *s, void *item,
		char *err, size_t errlen)
{
	struct ew_ref *r = item;

	if (f->type != EW_FT_ARGS)
		return parse_name(f->what, s, r->name, sizeof(r->name), err, errlen);
	if (no_ctl(f->what, s, err, errlen) != 0)
		return -1;
	*(char **)item = strdup(s);
	if (*(char **)item == NULL)
		FAIL("%s: out of memory", f->what);
	return 0;
}

int
ew_field_count(const struct ew_kind *k, const struct ew_field *f,
		const void *obj, size_t n, char *err, size_t errlen)
{
	if (n < f->lo)
		FAIL("%s '%s': %s: the list is empty", k->what, (const char *)obj,
				f->key);
	if (f->hi > 0 && n > f->hi)
		FAIL("%s: more than %lu %s", f->what, (unsigned long)f->hi,
				f->items);
	return 0;
}

int
ew_field_set(const struct ew_kind *k, const char *key, const char *s,
		void *obj, char *err, size_t errlen)
{
	const struct ew_field *f = ew_field_find(k, key);

	if (f == NULL)
		FAIL("%s: no field '%s'", k->what, key);
	return ew_field_parse(k, f, s, obj, err, errlen);
}

/* The shortest text (15 to 17 digits) that reads back as V exactly. */
static const char *
double_str(double v, char *buf, size_t len)
{
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, len, "%.*g", prec, v);
	return buf;
}

int
ew_field_set_num(const struct ew_kind *k, const char *key, double v,
		void *obj, char *err, size_t errlen)
{
	char text[40];

	return ew_field_set(k, key, double_str(v, text, sizeof(text)), obj,
			err, errlen);
}

/* ---- values back to text ---- */

bool
ew_field_given(const struct ew_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;

	if (f->flags & EW_FF_FLAG)
		return *(const bool *)((const char *)obj + f->flag);
	switch (f->type) {
	case EW_FT_NAME:
	case EW_FT_DEVICE:
	case EW_FT_PATH:
	case EW_FT_HOSTPORT:
	case EW_FT_REF:
	case EW_FT_VIA:
		return p[0] != '\0';	/* a struct ew_ref starts with its name */
	case EW_FT_UINT:
	case EW_FT_ENUM:
		return get_uint(p, f->size) != (unsigned long)f->def;
	case EW_FT_INT:
	case EW_FT_PROTO:
		return *(const int *)p >= 0;
	case EW_FT_DOUBLE:
		return *(const double *)p >= 0;
	case EW_FT_BOOL:
		return *(const bool *)p != (f->def != 0);
	case EW_FT_IPV4:
		return *(const uint32_t *)p != 0;
	case EW_FT_ADDRESS:
	case EW_FT_PREFIX:
		return ((const struct ew_prefix *)p)->len > 0;
	case EW_FT_PORTS:
		return ((const uint16_t *)p)[0] != (uint16_t)f->lo ||
				((const uint16_t *)p)[1] != (uint16_t)f->hi;
	case EW_FT_LIST:
	case EW_FT_IFACES:
	case EW_FT_ARGS:
	case EW_FT_REFS:
	case EW_FT_REF_SET:
		return *(const unsigned int *)((const char *)obj + f->off2) > 0;
	default:
		return true;
	}
}

static const char *
proto_str(int proto, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto == proto_names[i].proto)
			return proto_names[i].name;
	snprintf(buf, len, "%d", proto);
	return buf;
}

const char *
ew_field_format(const struct ew_field *f, const void *obj, char *buf,
		size_t len)
{
	const char *p = (const char *)obj + f->off;
	const uint16_t *ports = (const uint16_t *)p;
	unsigned long u;
	unsigned int n;

	switch (f->type) {
	case EW_FT_NAME:
	case EW_FT_DEVICE:
	case EW_FT_PATH:
	case EW_FT_HOSTPORT:
		return p;
	case EW_FT_REF:
	case EW_FT_VIA:
		return ((const struct ew_ref *)p)->name;
	case EW_FT_UINT:
		snprintf(buf, len, "%lu", get_uint(p, f->size));
		return buf;
	case EW_FT_INT:
		snprintf(buf, len, "%d", *(const int *)p);
		return buf;
	case EW_FT_PROTO:
		return proto_str(*(const int *)p, buf, len);
	case EW_FT_DOUBLE:
		return double_str(*(const double *)p, buf, len);
	case EW_FT_BOOL:
		return *(const bool *)p ? "true" : "false";
	case EW_FT_ENUM:
		u = get_uint(p, f->size);
		for (n = 0; f->names[n] != NULL; n++)
			;
		return f->names[u < n ? u : 0];
	case EW_FT_IPV4:
		return ew_ipv4_str(*(const uint32_t *)p, buf, len);
	case EW_FT_ADDRESS:
	case EW_FT_PREFIX:
		return ew_prefix_str((const struct ew_prefix *)p, buf, len);
	case EW_FT_MAC:
		return ew_mac_str((const uint8_t *)p, buf, len);
	case EW_FT_PORTS:
		snprintf(buf, len, "%u-%u", ports[0], ports[1]);
		return buf;
	default:
		return "";
	}
}
