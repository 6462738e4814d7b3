/* SPDX-License-Identifier: BSD-3-Clause */
/* Address and name parsing, diagnostics. */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

void
ew_diag_add(struct ew_diag *d, const char *file, struct ew_pos pos,
		const char *fmt, ...)
{
	va_list ap;
	char text[200];
	unsigned int i;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	i = d->n++;
	if (i >= EW_DIAG_MAX)
		return;
	if (pos.line == 0)	/* about the file as a whole */
		snprintf(d->msg[i], sizeof(d->msg[i]), "%s: error: %s", file, text);
	else
		snprintf(d->msg[i], sizeof(d->msg[i]), "%s:%u:%u: error: %s",
				file, pos.line, pos.col, text);
}

void
ew_diag_print(const struct ew_diag *d, FILE *f)
{
	unsigned int i;

	for (i = 0; i < d->n && i < EW_DIAG_MAX; i++)
		fprintf(f, "%s\n", d->msg[i]);
	if (d->n > EW_DIAG_MAX)
		fprintf(f, "(%u more errors not shown)\n", d->n - EW_DIAG_MAX);
}

int
ew_parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr a;
	unsigned int dots = 0;
	const char *c;

	/* inet_pton is strict (four decimal parts), which is what we want */
	for (c = s; *c != '\0'; c++)
		dots += *c == '.';
	if (dots != 3 || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*addr = ntohl(a.s_addr);
	return 0;
}

int
ew_parse_prefix(const char *s, struct ew_prefix *p)
{
	char buf[32];
	const char *slash;
	char *end;
	long len;
	size_t n;

	slash = strchr(s, '/');
	if (slash == NULL)
		return -1;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (ew_parse_ipv4(buf, &p->addr) != 0)
		return -1;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || len < 0 || len > 32)
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

int
ew_parse_name(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				c == '-'))
			return -1;
	}
	return 0;
}

uint32_t
ew_str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

int
ew_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i, v;
	int d;

	for (i = 0; i < 6; i++) {
		v = 0;
		for (d = 0; d < 2; d++, s++) {
			char c = *s;

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + (unsigned int)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v = v * 16 + (unsigned int)(c - 'A' + 10);
			else
				return -1;
		}
		mac[i] = (uint8_t)v;
		if (*s != (i == 5 ? '\0' : ':'))
			return -1;
		s++;
	}
	if (mac[0] & 1)
		return -1;	/* multicast or broadcast */
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return -1;
	return 0;
}

const char *
ew_mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

const char *
ew_ipv4_str(uint32_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
			(addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

const char *
ew_prefix_str(const struct ew_prefix *p, char *buf, size_t len)
{
	char a[16];

	snprintf(buf, len, "%s/%u", ew_ipv4_str(p->addr, a, sizeof(a)), p->len);
	return buf;
}

unsigned int
ew_encap_overhead(enum ew_encap e)
{
	/* VXLAN: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14.
	 * GRE with key: outer IPv4 20 + GRE 4 + key 4. */
	return e == EW_ENCAP_GRE ? 28 : 50;
}
