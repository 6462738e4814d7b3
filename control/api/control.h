/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_CONTROL_H
#define EW_CONTROL_H

/*
 * The control socket, and nothing else (as in OpenBSD's control.c): a unix
 * stream socket on the libevent loop. A stale socket file is replaced; a
 * live one (another daemon answering) is an error. The socket is mode
 * 0660. Frames are a 4-byte big-endian length and that many bytes (at most
 * EW_CTL_MAX_FRAME); each complete frame is handed to the handler, whose
 * answer is framed back. A bad frame gets an error answer from the handler;
 * an oversized one closes the connection after a REFUSED answer. A client
 * that sends requests without reading the answers is not read from while
 * more than EW_CTL_OUT_HIGH bytes of answers wait for it, until they are
 * down to EW_CTL_OUT_LOW (its requests wait in the socket); one that takes
 * none of them for EW_CTL_HELD_TIMEOUT_S is closed. At
 * EW_CTL_MAX_CLIENTS connections the listener pauses (newcomers wait in the
 * backlog) until one leaves.
 */

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#define EW_CTL_MAX_FRAME	(16u << 20)
#define EW_CTL_MAX_CLIENTS	256
#define EW_CTL_OUT_HIGH		(1u << 20)
#define EW_CTL_OUT_LOW		(256u << 10)
#define EW_CTL_HELD_TIMEOUT_S	30

/* Handle one request frame; return a malloc'd response frame body (the
 * caller adds the length prefix) in *OUT and *OUTLEN. */
typedef void (*ew_ctl_handler)(void *arg, const uint8_t *req, size_t len,
		uint8_t **out, size_t *outlen);
/* Build the answer to an oversized frame (same contract). */
typedef void (*ew_ctl_refuse)(void *arg, const char *why, uint8_t **out,
		size_t *outlen);

struct ew_ctl;

/* Listen on PATH. Returns NULL with a message in ERR. */
struct ew_ctl *ew_ctl_open(struct event_base *base, const char *path,
		ew_ctl_handler h, ew_ctl_refuse r, void *arg, char *err,
		size_t errlen);
void ew_ctl_close(struct ew_ctl *c);

/* Client side: connect, send one frame, read one answer (malloc'd).
 * Returns 0, or -1 with a message in ERR. */
int ew_ctl_connect(const char *path, char *err, size_t errlen);
int ew_ctl_call(int fd, const uint8_t *req, size_t len, uint8_t **out,
		size_t *outlen, char *err, size_t errlen);

#endif /* EW_CONTROL_H */
