/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the control API: each input is one request frame's
 * body, as a client sends it after the 4-byte length (control.c owns the
 * framing and its length checks). It goes through the real decoder and
 * dispatcher of a running daemon (EAL, net_null ports, one polling worker,
 * no event loop): shows, apply, save, add/update/del, set class overlays,
 * batches. Every request must get a decodable answer; changes must leave a
 * config that saves and loads back; nothing may crash, leak or hang. Every
 * 64 inputs the base config is applied again so state stays small.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "control/api/api.h"
#include "control/daemon.h"
#include "edgeway.pb-c.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ew_daemon *d;
static char base[2048];
static unsigned long runs;

static struct ew_config *
load_base(void)
{
	struct ew_diag diag;
	struct ew_config *c = ew_config_load_string("base.yaml", base, strlen(base),
			&diag);

	if (c == NULL) {
		ew_diag_print(&diag, stderr);
		abort();
	}
	return c;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	snprintf(base, sizeof(base),
		"node: { name: fz }\n"
		"dataplane:\n"
		"  workers: 1\n"
		"  idle: poll\n"
		"  mbufs: 4096\n"
		"  eal: [--no-huge, -m, \"256\", --no-pci, --lcores, \"0-1\", --file-prefix, ewfzapi-%d,"
		" --log-level, \"*:error\", --no-telemetry]\n"
		"control: { socket: /tmp/ewfzapi-%d.sock }\n"
		"interfaces:\n"
		"  - { name: lan0, role: lan, device: \"net_null0,no-rx=1\", address: 10.1.0.1/24 }\n"
		"  - name: inet\n"
		"    role: wan\n"
		"    device: \"net_null1,no-rx=1\"\n"
		"    address: 198.51.100.1/24\n"
		"    gateway: 198.51.100.254\n"
		"    neighbors: [ { address: 198.51.100.254, mac: \"02:00:00:00:00:fe\" } ]\n"
		"overlays:\n"
		"  - name: gold\n    id: 100\n    encap: vxlan\n    address: 169.254.100.1/24\n"
		"    tunnels: [ { name: to-b, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2, probe: none } ]\n"
		"    routes: [ { prefix: 10.2.0.0/16, via: to-b } ]\n"
		"  - name: silver\n    id: 200\n    encap: gre\n    address: 169.254.200.1/24\n"
		"    tunnels: [ { name: to-b, wan: inet, remote: 203.0.113.3, peer: 169.254.200.2, probe: icmp } ]\n"
		"    routes: [ { prefix: 10.2.0.0/16, via: to-b } ]\n"
		"classes:\n"
		"  - name: video\n    match: [ { proto: udp, dst_port: 5000-5100 } ]\n"
		"    overlays: [silver, gold]\n    sla: { latency_ms: 50 }\n"
		"  - { name: default, overlays: [gold] }\n",
		(int)getpid(), (int)getpid());
	d = ew_daemon_start((*argv)[0], load_base());
	if (d == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = NULL;
	size_t outlen = 0;
	Edgeway__Response *r;
	char err[256];

	if (++runs % 64 == 0 &&
			ew_daemon_commit(d, load_base(), err, sizeof(err)) != 0) {
		fprintf(stderr, "base config refused: %s\n", err);
		abort();
	}
	ew_api_handle(d, data, size, &out, &outlen);
	/* always an answer, and one a client can decode */
	if (out == NULL)
		abort();
	r = edgeway__response__unpack(NULL, outlen, out);
	if (r == NULL) {
		fprintf(stderr, "undecodable answer of %zu bytes\n", outlen);
		abort();
	}
	edgeway__response__free_unpacked(r, NULL);
	free(out);
	/* whatever is running now saves and loads back */
	{
		struct ew_diag diag;
		char *y = ew_config_save(d->dp.tables->cfg);
		struct ew_config *c;

		if (y == NULL)
			abort();
		c = ew_config_load_string("saved.yaml", y, strlen(y), &diag);
		if (c == NULL) {
			ew_diag_print(&diag, stderr);
			fprintf(stderr, "%s", y);
			abort();
		}
		ew_config_free(c);
		free(y);
	}
	return 0;
}
