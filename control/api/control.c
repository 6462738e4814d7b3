/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "control/api/control.h"

struct ew_ctl;

struct client {
	struct ew_ctl *ctl;
	struct bufferevent *bev;
	bool held;		/* not read from until its answers drain */
	struct client *next;
};

struct ew_ctl {
	struct evconnlistener *lis;
	char path[108];
	ew_ctl_handler handler;
	ew_ctl_refuse refuse;
	void *arg;
	unsigned int n_clients;
	bool paused;			/* at EW_CTL_MAX_CLIENTS: not accepting */
	struct client *clients;
};

static void
client_free(struct client *c)
{
	struct ew_ctl *ctl = c->ctl;
	struct client **p;

	for (p = &ctl->clients; *p != NULL; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	ctl->n_clients--;
	bufferevent_free(c->bev);
	free(c);
	if (ctl->paused && ctl->n_clients < EW_CTL_MAX_CLIENTS) {
		evconnlistener_enable(ctl->lis);
		ctl->paused = false;
	}
}

static void
send_frame(struct bufferevent *bev, const uint8_t *body, size_t len)
{
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
		(uint8_t)(len >> 8), (uint8_t)len };

	bufferevent_write(bev, hdr, 4);
	if (len > 0)
		bufferevent_write(bev, body, len);
}

static void on_event(struct bufferevent *bev, short what, void *arg);

/* after an oversized frame: close once the refusal is written */
static void
on_drained(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		client_free(c);
}

static void on_read(struct bufferevent *bev, void *arg);

/* A held client's answers are down to EW_CTL_OUT_LOW: read it again, the
 * requests already buffered first. */
static void
on_written(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;

	if (!c->held)
		return;
	c->held = false;
	bufferevent_set_timeouts(bev, NULL, NULL);
	bufferevent_enable(bev, EV_READ);
	on_read(bev, c);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (;;) {
		uint8_t hdr[4], *body, *out = NULL;
		size_t outlen = 0;
		uint32_t len;

		/* answers it does not read are memory it holds: stop
		 * taking requests until they drain */
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
				EW_CTL_OUT_HIGH) {
			struct timeval tv = { EW_CTL_HELD_TIMEOUT_S, 0 };

			c->held = true;
			bufferevent_disable(bev, EV_READ);
			/* and one that takes nothing for that long is gone
			 * (its EOF cannot be seen while it is not read) */
			bufferevent_set_timeouts(bev, NULL, &tv);
			return;
		}
		if (evbuffer_get_length(in) < 4)
			return;
		evbuffer_copyout(in, hdr, 4);
		len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
				(uint32_t)hdr[2] << 8 | hdr[3];
		if (len > EW_CTL_MAX_FRAME) {
			char why[96];

			snprintf(why, sizeof(why), "frame of %u bytes is over the %u byte limit",
					len, EW_CTL_MAX_FRAME);
			c->ctl->refuse(c->ctl->arg, why, &out, &outlen);
			send_frame(bev, out, outlen);
			free(out);
			bufferevent_disable(bev, EV_READ);
			evbuffer_drain(in, evbuffer_get_length(in));
			/* on_event stays: a peer already gone fails the
			 * write, and its slot must be freed then too */
			bufferevent_setcb(bev, NULL, on_drained, on_event, c);
			return;
		}
		if (evbuffer_get_length(in) < 4 + (size_t)len)
			return;	/* wait for the rest; a client that leaves costs nothing */
		evbuffer_drain(in, 4);
		body = len ? malloc(len) : NULL;
		if (len && body == NULL) {
			client_free(c);
			return;
		}
		evbuffer_remove(in, body, len);
		c->ctl->handler(c->ctl->arg, body, len, &out, &outlen);
		free(body);
		send_frame(bev, out, outlen);
		free(out);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		client_free(arg);
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
		int socklen, void *arg)
{
	struct ew_ctl *ctl = arg;
	struct client *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->bev = bufferevent_socket_new(evconnlistener_get_base(lis), fd,
			BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	/* keep a runaway client from buffering without bound */
	bufferevent_setwatermark(c->bev, EV_READ, 0, EW_CTL_MAX_FRAME + 8);
	bufferevent_setwatermark(c->bev, EV_WRITE, EW_CTL_OUT_LOW, 0);
	bufferevent_setcb(c->bev, on_read, on_written, on_event, c);
	bufferevent_enable(c->bev, EV_READ);
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->n_clients++;
	/* at the limit, stop accepting: newcomers wait in the listen backlog
	 * until someone leaves, rather than being turned away */
	if (ctl->n_clients >= EW_CTL_MAX_CLIENTS) {
		evconnlistener_disable(lis);
		ctl->paused = true;
	}
}

static int
sun_set(struct sockaddr_un *sun, const char *path, char *err, size_t errlen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "socket path '%s' is too long", path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

struct ew_ctl *
ew_ctl_open(struct event_base *base, const char *path, ew_ctl_handler h,
		ew_ctl_refuse r, void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct ew_ctl *ctl;
	char dir[108], *slash;
	mode_t old;
	int fd;

	if (sun_set(&sun, path, err, errlen) != 0)
		return NULL;
	/* the directory, if missing (e.g. /run/edgeway) */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir,
					strerror(errno));
			return NULL;
		}
	}
	/* a live socket means another daemon: refuse; a dead one is stale */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		snprintf(err, errlen, "%s: another edgewayd is already listening there",
				path);
		return NULL;
	}
	close(fd);
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s", path,
				strerror(errno));
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	ctl->handler = h;
	ctl->refuse = r;
	ctl->arg = arg;
	old = umask(0117);		/* srw-rw---- */
	ctl->lis = evconnlistener_new_bind(base, on_accept, ctl,
			LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 1024,
			(struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ctl->lis == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", path,
				strerror(errno));
		free(ctl);
		return NULL;
	}
	chmod(path, 0660);
	return ctl;
}

void
ew_ctl_close(struct ew_ctl *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->clients != NULL)
		client_free(ctl->clients);
	evconnlistener_free(ctl->lis);
	unlink(ctl->path);
	free(ctl);
}

int
ew_ctl_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	if (sun_set(&sun, path, err, errlen) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		snprintf(err, errlen, "cannot connect to %s: %s (is edgewayd running? -s SOCKET)",
				path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
io_all(int fd, uint8_t *buf, size_t len, bool wr)
{
	while (len > 0) {
		ssize_t n = wr ? write(fd, buf, len) : read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ew_ctl_call(int fd, const uint8_t *req, size_t len, uint8_t **out,
		size_t *outlen, char *err, size_t errlen)
{
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
		(uint8_t)(len >> 8), (uint8_t)len };
	uint32_t n;

	if (io_all(fd, hdr, 4, true) != 0 ||
			io_all(fd, (uint8_t *)(uintptr_t)req, len, true) != 0) {
		snprintf(err, errlen, "sending to edgewayd: %s", strerror(errno));
		return -1;
	}
	if (io_all(fd, hdr, 4, false) != 0) {
		snprintf(err, errlen, "edgewayd closed the connection");
		return -1;
	}
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
			(uint32_t)hdr[2] << 8 | hdr[3];
	if (n > EW_CTL_MAX_FRAME) {
		snprintf(err, errlen, "answer of %u bytes is over the limit", n);
		return -1;
	}
	*out = malloc(n ? n : 1);
	if (*out == NULL || io_all(fd, *out, n, false) != 0) {
		free(*out);
		*out = NULL;
		snprintf(err, errlen, "edgewayd closed the connection mid-answer");
		return -1;
	}
	*outlen = n;
	return 0;
}
