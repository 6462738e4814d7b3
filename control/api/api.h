/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_API_H
#define EW_API_H

/*
 * The API behind the control socket (control/api/edgeway.proto). api.c decodes
 * and answers reads; change.c turns changes (apply, add, del, set class
 * overlays) into a new config that is validated and committed as one new
 * table generation, or refused with nothing changed.
 */

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct ew_daemon;

/* ew_ctl_handler / ew_ctl_refuse for control.c; ARG is the daemon. */
void ew_api_handle(void *arg, const uint8_t *req, size_t len, uint8_t **out,
		size_t *outlen);
void ew_api_refuse(void *arg, const char *why, uint8_t **out, size_t *outlen);

/* For change.c: REQ is an Edgeway__Request, RESP an Edgeway__Response,
 * ARENA owns whatever goes into RESP. */
void ew_api_change(struct ew_daemon *d, void *arena, const void *req, void *resp);
void ew_api_set_diag(void *arena, void *resp, const struct ew_diag *d);
void ew_api_error(void *arena, void *resp, int code, const char *msg);

#endif /* EW_API_H */
