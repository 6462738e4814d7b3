/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_API_H
#define EW_API_H

/*
 * The API behind the control socket (control/api/edgeway.proto). api.c decodes
 * requests, answers reads and builds every Response; change.c (change.h)
 * turns changes (apply, add, del, update, set class overlays) into a new
 * validated config, which api.c commits as one new table generation, or
 * the reasons it is refused, with nothing changed.
 */

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct ew_daemon;

/* ew_ctl_handler / ew_ctl_refuse for control.c; ARG is the daemon. */
void ew_api_handle(void *arg, const uint8_t *req, size_t len, uint8_t **out,
		size_t *outlen);
void ew_api_refuse(void *arg, const char *why, uint8_t **out, size_t *outlen);

#endif /* EW_API_H */
