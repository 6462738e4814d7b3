/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_TEST_EAL_H
#define EW_TEST_EAL_H

/*
 * DPDK's EAL for a test program, on a file prefix of its own (NAME-PID)
 * so that runs side by side do not meet, and the runtime directory that
 * prefix leaves in /var/run/dpdk removed at the end.
 */

/* ARGV: the program name and the EAL options, NULL-terminated, without
 * a file prefix (added here). Returns what rte_eal_init() returns. */
int ew_test_eal_init(const char *name, char **argv);
/* rte_eal_cleanup() and the run's runtime directory removed. Returns 0,
 * or -1 (said on stderr) if the directory could not be removed. */
int ew_test_eal_cleanup(void);

#endif /* EW_TEST_EAL_H */
