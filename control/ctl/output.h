/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_CTL_OUTPUT_H
#define EW_CTL_OUTPUT_H

/*
 * The console's rendering of the daemon's answers (as ospfctl's output.c):
 * tables for people, or with --json one JSON document each, field names as
 * in the .proto file (SPEC.md). Nothing here talks to the daemon. Each
 * function returning int returns the console's exit code.
 */

#include <stdbool.h>

#include "edgeway.pb-c.h"

/* The answer's errors on stderr; 0 if it is OK, else 1 (FAILED) or 2. */
int ew_out_verdict(const Edgeway__Response *r);
/* One view of "show". */
int ew_out_show(Edgeway__Show__What what, const Edgeway__ShowReply *s,
		bool json);
/* A change made: "DONE (generation N)", or its JSON. */
void ew_out_done(const Edgeway__Response *r, const char *done, bool json);
void ew_out_hello(const Edgeway__Hello *h, bool json);

#endif /* EW_CTL_OUTPUT_H */
