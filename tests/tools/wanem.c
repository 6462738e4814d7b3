/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem: a WAN emulator for the lab (this kernel has no netem). It bridges
 * two interfaces with AF_PACKET sockets and delays, jitters and drops
 * frames per direction, like netem on a link:
 *
 *   wanem IF_A IF_B CONTROL_FILE
 *
 * CONTROL_FILE is re-read every 100 ms; one line per direction:
 *   ab DELAY_MS JITTER_MS LOSS_PCT
 *   ba DELAY_MS JITTER_MS LOSS_PCT
 * (missing lines: no impairment). Jitter is uniform in +-JITTER_MS and, as
 * with netem's default, may reorder frames. Stops on SIGTERM/SIGINT.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QLEN 65536		/* frames in flight per direction */
#define SNAP 2048

struct frame {
	uint64_t due_ns;
	uint16_t len;
	uint8_t data[SNAP];
};

struct dir {
	int in, out;
	double delay_ms, jitter_ms, loss_pct;
	struct frame *q;	/* a ring ordered by arrival; released when due */
	unsigned int head, n;
	uint64_t fwd, dropped, overflow;
};

static volatile sig_atomic_t stop;

static void
on_sig(int s)
{
	stop = 1;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
open_if(const char *name)
{
	struct sockaddr_ll sll = { 0 };
	struct packet_mreq mr = { 0 };
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(name);
	if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		return -1;
	mr.mr_ifindex = sll.sll_ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	/* our own transmissions must not come back to us */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return fd;
}

static void
read_control(const char *path, struct dir *ab, struct dir *ba)
{
	char line[128], name[8];
	double d, j, l;
	FILE *f = fopen(path, "r");

	ab->delay_ms = ab->jitter_ms = ab->loss_pct = 0;
	ba->delay_ms = ba->jitter_ms = ba->loss_pct = 0;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct dir *x;

		if (sscanf(line, "%7s %lf %lf %lf", name, &d, &j, &l) != 4)
			continue;
		x = strcmp(name, "ab") == 0 ? ab : strcmp(name, "ba") == 0 ? ba : NULL;
		if (x == NULL)
			continue;
		x->delay_ms = d;
		x->jitter_ms = j;
		x->loss_pct = l;
	}
	fclose(f);
}

/* One frame from D->in: queue it with its release time, or drop it.
 * Returns 0 when there was nothing to read. */
static int
arrive1(struct dir *d)
{
	struct frame *fr;
	double delay;
	ssize_t n;

	if (d->n == QLEN) {
		char sink[SNAP];

		if (recv(d->in, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
			return 0;
		d->overflow++;
		return 1;
	}
	fr = &d->q[(d->head + d->n) % QLEN];
	n = recv(d->in, fr->data, SNAP, MSG_DONTWAIT);
	if (n <= 0)
		return 0;
	if (d->loss_pct > 0 && (double)(random() % 1000000) < d->loss_pct * 10000.0) {
		d->dropped++;
		return 1;
	}
	delay = d->delay_ms;
	if (d->jitter_ms > 0)
		delay += ((double)(random() % 2000001) / 1000000.0 - 1.0) * d->jitter_ms;
	if (delay < 0)
		delay = 0;
	fr->len = (uint16_t)n;
	fr->due_ns = now_ns() + (uint64_t)(delay * 1e6);
	d->n++;
	return 1;
}

/* Everything waiting on D->in (bounded, so the other side gets a turn). */
static void
arrive(struct dir *d)
{
	int i;

	for (i = 0; i < 256 && arrive1(d); i++)
		;
}

/* Send what is due. With jitter, frames are sent when due in queue order:
 * a later, earlier-due frame waits for the head (no reordering beyond
 * what the queue order allows). */
static void
release(struct dir *d, uint64_t now)
{
	while (d->n > 0) {
		struct frame *fr = &d->q[d->head];

		if (fr->due_ns > now)
			break;
		if (send(d->out, fr->data, fr->len, 0) == fr->len)
			d->fwd++;
		d->head = (d->head + 1) % QLEN;
		d->n--;
	}
}

int
main(int argc, char **argv)
{
	struct dir ab = { 0 }, ba = { 0 };
	struct pollfd p[2];
	uint64_t last_ctl = 0;
	int a, b;

	if (argc != 4) {
		fprintf(stderr, "usage: wanem IF_A IF_B CONTROL_FILE\n");
		return 2;
	}
	a = open_if(argv[1]);
	b = open_if(argv[2]);
	if (a < 0 || b < 0) {
		fprintf(stderr, "wanem: cannot open %s/%s: %s\n", argv[1], argv[2],
				strerror(errno));
		return 1;
	}
	ab.in = a;
	ab.out = b;
	ba.in = b;
	ba.out = a;
	ab.q = calloc(QLEN, sizeof(struct frame));
	ba.q = calloc(QLEN, sizeof(struct frame));
	if (ab.q == NULL || ba.q == NULL)
		return 1;
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	srandom((unsigned int)getpid());
	p[0].fd = a;
	p[0].events = POLLIN;
	p[1].fd = b;
	p[1].events = POLLIN;
	fprintf(stderr, "wanem: bridging %s <-> %s, control %s\n", argv[1], argv[2],
			argv[3]);
	while (!stop) {
		uint64_t now = now_ns();
		int timeout_ms = (ab.n || ba.n) ? 0 : 10;

		if (now - last_ctl > 100000000ull) {
			read_control(argv[3], &ab, &ba);
			last_ctl = now;
		}
		/* sleep briefly only when nothing waits; else spin to release
		 * frames on time (sub-ms precision) */
		if (poll(p, 2, timeout_ms) > 0) {
			if (p[0].revents & POLLIN)
				arrive(&ab);
			if (p[1].revents & POLLIN)
				arrive(&ba);
		}
		now = now_ns();
		release(&ab, now);
		release(&ba, now);
		if (ab.n || ba.n) {
			struct timespec ts = { 0, 50000 };	/* 50 us */

			nanosleep(&ts, NULL);
		}
	}
	fprintf(stderr, "wanem: ab forwarded %lu dropped %lu overflow %lu; ba forwarded %lu dropped %lu overflow %lu\n",
			(unsigned long)ab.fwd, (unsigned long)ab.dropped,
			(unsigned long)ab.overflow, (unsigned long)ba.fwd,
			(unsigned long)ba.dropped, (unsigned long)ba.overflow);
	return 0;
}
