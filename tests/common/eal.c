/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL set-up and clean-up shared by the DPDK test programs (eal.h). */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>

#include "tests/common/eal.h"

#define EAL_ARGS_MAX 32

static char prefix[64];

int
ew_test_eal_init(const char *name, char **argv)
{
	/* kept: EAL may hold on to its arguments */
	static char *args[EAL_ARGS_MAX + 2];
	static char opt[sizeof(prefix) + 16];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "%s-%d", name, (int)getpid());
	snprintf(opt, sizeof(opt), "--file-prefix=%s", prefix);
	for (; argv[n] != NULL && n < EAL_ARGS_MAX; n++)
		args[n] = argv[n];
	args[n++] = opt;
	args[n] = NULL;
	return rte_eal_init(n, args);
}

int
ew_test_eal_cleanup(void)
{
	char cmd[128];

	rte_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf /var/run/dpdk/%s", prefix);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove /var/run/dpdk/%s\n", prefix);
		return -1;
	}
	return 0;
}
