/* SPDX-License-Identifier: BSD-3-Clause */
/* edgewayd -c FILE [--check]: the appliance daemon. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "control/daemon.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: edgewayd -c FILE [--check]\n"
			"  -c, --config FILE   configuration (YAML)\n"
			"      --check         validate FILE and exit: 0 valid, 2 errors\n"
			"  -h, --help          this text\n"
			"      --version       print the version\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	struct ew_config *cfg;
	struct ew_diag diag;
	bool check = false;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			file = optarg;
			break;
		case 'k':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("edgewayd %s\n", EW_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (file == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	cfg = ew_config_load(file, &diag);
	if (cfg == NULL) {
		ew_diag_print(&diag, stderr);
		return 2;
	}
	if (check) {
		printf("%s: ok (%u interfaces, %u overlays, %u classes)\n", file,
				cfg->n_ifaces, cfg->n_overlays, cfg->n_classes);
		ew_config_free(cfg);
		return 0;
	}
	return ew_daemon_run(argv[0], cfg);
}
