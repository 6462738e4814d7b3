/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_CHANGE_H
#define EW_CHANGE_H

/*
 * Changes through the API (change.c): a request that changes the config
 * (apply, add, del, update, set class overlays, batch) and the running
 * config in; a new config, validated as a whole with the checks of
 * start-up, or the reasons it was refused, out. It neither commits nor
 * answers: api.c commits the new config and builds the Response.
 */

#include "config/config.h"

#include "edgeway.pb-c.h"

struct ew_change {
	struct ew_config *cfg;	/* the new config, the caller's; NULL: refused */
	Edgeway__Code code;	/* refused: why, with */
	struct ew_diag diag;	/* the config's errors (diag.n > 0), or */
	char msg[512];		/* one message */
};

/* Make the config request Q asks for from RUNNING (never changed). */
void ew_change_make(const struct ew_config *running, const Edgeway__Request *q,
		struct ew_change *c);

#endif /* EW_CHANGE_H */
