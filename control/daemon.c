/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up and the control thread's event loop: config -> EAL -> mempool
 * -> ports -> tables -> workers -> libevent loop (punts, timers, signals).
 */

#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "control/api/api.h"
#include "control/api/control.h"
#include "control/daemon.h"
#include "control/export/export.h"
#include "control/probe.h"
#include "fastpath/port.h"

RTE_LOG_REGISTER_SUFFIX(ew_daemon_logtype, daemon, INFO);
#define LOG(level, ...) \
	rte_log(RTE_LOG_##level, ew_daemon_logtype, "edgewayd: " __VA_ARGS__)

#define EAL_ARGV_MAX (EW_MAX_EAL_ARGS + 16)

static bool
has_arg(const struct ew_config *cfg, const char *const *names)
{
	unsigned int i, k;

	for (i = 0; i < cfg->n_eal_args; i++)
		for (k = 0; names[k] != NULL; k++)
			if (strncmp(cfg->eal_args[i], names[k], strlen(names[k])) == 0)
				return true;
	return false;
}

/* EAL arguments: the file's, plus lcores and a file prefix unless given. */
static int
eal_argv(const char *prog, const struct ew_config *cfg, char **argv,
		char *lcores, size_t lclen, char *prefix, size_t plen)
{
	static const char *const lc_opts[] = { "-l", "-c", "--lcores", NULL };
	static const char *const pf_opts[] = { "--file-prefix", "--in-memory", NULL };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int argc = 0;
	unsigned int i;

	argv[argc++] = (char *)(uintptr_t)prog;
	if (!has_arg(cfg, lc_opts)) {
		/* main lcore (control) + one per worker; more lcores than CPUs
		 * float over all of them */
		if (ncpu >= (long)cfg->workers + 1)
			snprintf(lcores, lclen, "--lcores=0-%u", cfg->workers);
		else
			snprintf(lcores, lclen, "--lcores=(0-%u)@(0-%ld)",
					cfg->workers, ncpu - 1);
		argv[argc++] = lcores;
	}
	if (!has_arg(cfg, pf_opts)) {
		snprintf(prefix, plen, "--file-prefix=edgeway-%s", cfg->node_name);
		argv[argc++] = prefix;
	}
	for (i = 0; i < cfg->n_eal_args; i++)
		argv[argc++] = cfg->eal_args[i];
	argv[argc] = NULL;
	return argc;
}

struct loop_ctx {
	struct ew_daemon *d;
	struct event_base *base;
	struct event *poll_ev;
	struct event *probe_ev;
};

/* SIGHUP: apply the config file again (all or nothing, like apply). */
static void
reload_file(struct ew_daemon *d)
{
	struct ew_config *cfg;
	struct ew_diag diag;
	char err[512];
	unsigned int i;

	cfg = ew_config_load(d->cfg_path, &diag);
	if (cfg == NULL) {
		LOG(ERR, "SIGHUP: %s refused, running config unchanged:\n", d->cfg_path);
		for (i = 0; i < diag.n && i < EW_DIAG_MAX; i++)
			LOG(ERR, "  %s\n", diag.msg[i]);
		return;
	}
	if (ew_daemon_commit(d, cfg, err, sizeof(err)) != 0)
		LOG(ERR, "SIGHUP: %s refused, running config unchanged: %s\n",
				d->cfg_path, err);
	else
		LOG(INFO, "SIGHUP: %s applied (generation %" PRIu64 ")\n",
				d->cfg_path, d->generation);
}

static void
zero_tunnel(void *arg, unsigned int slot)
{
	struct ew_daemon *d = arg;
	unsigned int l;

	ew_probe_forget_tunnel(d->probe, slot);
	for (l = 0; l < d->dp.stats_lcores; l++)
		memset(&d->dp.stats[l].tunnel[slot], 0, sizeof(d->dp.stats[l].tunnel[slot]));
}

static void
zero_class(void *arg, unsigned int slot)
{
	struct ew_daemon *d = arg;
	unsigned int l;

	ew_probe_forget_class(d->probe, slot);
	for (l = 0; l < d->dp.stats_lcores; l++)
		memset(&d->dp.stats[l].cls[slot], 0, sizeof(d->dp.stats[l].cls[slot]));
}

/* The parts of a config that only a restart can change. */
static int
restart_needed(const struct ew_config *a, const struct ew_config *b, char *err,
		size_t errlen)
{
	unsigned int i;

	if (strcmp(a->node_name, b->node_name) != 0) {
		snprintf(err, errlen, "node.name cannot change without a restart");
		return -1;
	}
	if (a->workers != b->workers || a->mbufs != b->mbufs ||
			a->n_eal_args != b->n_eal_args) {
		snprintf(err, errlen, "dataplane workers/mbufs/eal cannot change without a restart");
		return -1;
	}
	for (i = 0; i < a->n_eal_args; i++)
		if (strcmp(a->eal_args[i], b->eal_args[i]) != 0) {
			snprintf(err, errlen, "dataplane.eal cannot change without a restart");
			return -1;
		}
	if (strcmp(a->socket, b->socket) != 0 || strcmp(a->metrics, b->metrics) != 0) {
		snprintf(err, errlen, "control.socket/metrics cannot change without a restart");
		return -1;
	}
	if (a->n_ifaces != b->n_ifaces) {
		snprintf(err, errlen, "interfaces cannot be added or removed without a restart");
		return -1;
	}
	for (i = 0; i < a->n_ifaces; i++)
		if (strcmp(a->ifaces[i].name, b->ifaces[i].name) != 0 ||
				strcmp(a->ifaces[i].device, b->ifaces[i].device) != 0 ||
				a->ifaces[i].role != b->ifaces[i].role) {
			snprintf(err, errlen, "interface '%s': name, role and device cannot change without a restart",
					b->ifaces[i].name);
			return -1;
		}
	return 0;
}

int
ew_daemon_commit(struct ew_daemon *d, struct ew_config *cfg, char *err,
		size_t errlen)
{
	struct ew_tables *t, *old;
	bool built = false;
	unsigned int i;

	if (restart_needed(d->dp.tables->cfg, cfg, err, errlen) != 0) {
		ew_config_free(cfg);
		return 2;
	}
	for (i = 0; i < cfg->n_ifaces; i++)
		if (cfg->ifaces[i].mtu > d->dp.port_mtu[i]) {
			snprintf(err, errlen, "interface '%s': mtu %u is above the %u its packet buffers were sized for at start: restart to apply",
					cfg->ifaces[i].name, cfg->ifaces[i].mtu,
					d->dp.port_mtu[i]);
			ew_config_free(cfg);
			return 2;
		}
	ew_slots_begin(&d->tslots);
	ew_slots_begin(&d->cslots);
	t = ew_tables_rebuild(cfg, d->dp.tables, d->macs, d->port_ids,
			&d->tslots, &d->cslots, ew_probe_runtime(d->probe), &built,
			err, errlen);
	if (t == NULL) {
		ew_config_free(cfg);
		return 1;
	}
	d->clf_builds += built;
	d->dp.idle = t->cfg->idle;
	old = ew_dp_publish(&d->dp, t);	/* returns after the grace period */
	d->generation++;
	ew_sp_tables_changed(d->sp, t);
	/* no reader sees the old generation: free slots it alone used */
	ew_slots_end(&d->tslots, zero_tunnel, d);
	ew_slots_end(&d->cslots, zero_class, d);
	ew_tables_free(old);
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct loop_ctx *lc = arg;

	if (sig == SIGUSR1) {
		ew_show_interfaces(lc->d, stderr);
		ew_show_tunnels(lc->d, stderr);
		ew_show_stats(lc->d, stderr);
		ew_show_neighbours(lc->d, stderr);
		return;
	}
	if (sig == SIGHUP) {
		reload_file(lc->d);
		return;
	}
	LOG(INFO, "signal %d: stopping\n", (int)sig);
	event_base_loopbreak(lc->base);
}

static void
on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct loop_ctx *lc = arg;

	ew_sp_poll(lc->d->sp, 1024);
	ew_sp_afp_poll(lc->d->sp, 64);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct loop_ctx *lc = arg;
	struct ew_dp *dp = &lc->d->dp;
	unsigned int i;

	ew_sp_tick(lc->d->sp, ew_now_ms());
	/* af_packet rings full: the PMD does not count these */
	for (i = 0; i < dp->n_ports; i++)
		if (dp->afp_n[i] > 0)
			dp->afp_drops[i] += ew_port_afp_drops(dp->afp_fd[i],
					dp->afp_n[i]);
}

/* A monitoring round changed what the tables must know (a tunnel went up
 * or down, a class moved): the same configuration again, as a new
 * generation built with it. */
static void
publish_monitoring(struct ew_daemon *d)
{
	struct ew_config *copy = ew_config_dup(d->dp.tables->cfg);
	char err[256];

	if (copy == NULL || ew_daemon_commit(d, copy, err, sizeof(err)) != 0)
		rte_log(RTE_LOG_ERR, ew_probe_logtype,
				"monitor: cannot publish the new state: %s\n",
				copy == NULL ? "out of memory" : err);
}

/* Monitoring: one round per monitor.interval_ms (re-armed each time, so a
 * changed interval takes effect at once). */
static void
on_probe(evutil_socket_t fd, short what, void *arg)
{
	struct loop_ctx *lc = arg;
	uint32_t ms = lc->d->dp.tables->cfg->monitor.interval_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (ew_probe_round(lc->d->probe))
		publish_monitoring(lc->d);
	event_add(lc->probe_ev, &tv);
}

static int
event_loop(struct ew_daemon *d)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	/* punt rings are polled every 1 ms: ARP and ICMP for our own
	 * addresses see at most that much extra delay */
	struct timeval poll_tv = { 0, 1000 }, tick_tv = { 0, 100000 };
	struct event *sev[RTE_DIM(sigs)], *tick;
	struct loop_ctx lc = { .d = d };
	unsigned int i;
	int rc = 0;

	char err[256];

	lc.base = event_base_new();
	if (lc.base == NULL)
		return -1;
	d->ctl = ew_ctl_open(lc.base, d->dp.tables->cfg->socket, ew_api_handle,
			ew_api_refuse, d, err, sizeof(err));
	if (d->ctl == NULL) {
		LOG(ERR, "control socket: %s\n", err);
		event_base_free(lc.base);
		return -1;
	}
	LOG(INFO, "control socket %s: listening\n", d->dp.tables->cfg->socket);
	if (d->dp.tables->cfg->metrics[0] != '\0') {
		d->metrics = ew_metrics_open(lc.base, d, d->dp.tables->cfg->metrics,
				err, sizeof(err));
		if (d->metrics == NULL) {
			LOG(ERR, "%s\n", err);
			ew_ctl_close(d->ctl);
			d->ctl = NULL;
			event_base_free(lc.base);
			return -1;
		}
		LOG(INFO, "metrics on http://%s/metrics\n", d->dp.tables->cfg->metrics);
	}
	for (i = 0; i < RTE_DIM(sigs); i++) {
		sev[i] = evsignal_new(lc.base, sigs[i], on_signal, &lc);
		event_add(sev[i], NULL);
	}
	lc.poll_ev = event_new(lc.base, -1, EV_PERSIST, on_poll, &lc);
	tick = event_new(lc.base, -1, EV_PERSIST, on_tick, &lc);
	event_add(lc.poll_ev, &poll_tv);
	event_add(tick, &tick_tv);
	lc.probe_ev = evtimer_new(lc.base, on_probe, &lc);
	event_active(lc.probe_ev, EV_TIMEOUT, 0);
	if (event_base_dispatch(lc.base) < 0)
		rc = -1;
	ew_metrics_close(d->metrics);
	d->metrics = NULL;
	ew_ctl_close(d->ctl);
	d->ctl = NULL;
	event_free(lc.probe_ev);
	event_free(tick);
	event_free(lc.poll_ev);
	for (i = 0; i < RTE_DIM(sigs); i++)
		event_free(sev[i]);
	event_base_free(lc.base);
	return rc;
}

static void
teardown(struct ew_daemon *d)
{
	struct ew_tables *t = d->dp.tables;
	unsigned int i;

	ew_telemetry_close();
	for (i = 0; i < d->n_ports_open; i++)
		ew_port_close(d->dp.port_id[i]);
	ew_probe_fini(d->probe);
	d->probe = NULL;
	ew_sp_free(d->sp);
	d->sp = NULL;
	ew_dp_fini(&d->dp);
	ew_tables_free(t);
	rte_mempool_free(d->mp);
	d->mp = NULL;
	ew_slots_fini(&d->tslots);
	ew_slots_fini(&d->cslots);
}

/* A client of the control socket, the metrics server or DPDK telemetry
 * that leaves before its answer is written must cost an EPIPE on that one
 * connection, not the process (SIGPIPE's default action): ignored
 * process-wide, before EAL starts any thread. The signals the event loop
 * takes are blocked in SS until EAL's threads (which inherit the mask)
 * are started. */
static void
block_signals(sigset_t *ss)
{
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(ss);
	sigaddset(ss, SIGINT);
	sigaddset(ss, SIGTERM);
	sigaddset(ss, SIGHUP);
	sigaddset(ss, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, ss, NULL);
}

static int
start_eal(const char *prog, const struct ew_config *cfg)
{
	char *argv[EAL_ARGV_MAX], lcores[64], prefix[EW_NAME_MAX + 32];
	int argc;

	argc = eal_argv(prog, cfg, argv, lcores, sizeof(lcores), prefix,
			sizeof(prefix));
	if (rte_eal_init(argc, argv) < 0) {
		/* EAL often fails without setting rte_errno; the usual cause
		 * here is a second daemon with the same file prefix */
		fprintf(stderr, "%s: cannot initialise DPDK (EAL): %s (see the EAL messages above; is another DPDK process using the same --file-prefix, by default edgeway-NODE?)\n",
				prog, rte_errno != 0 ? rte_strerror(rte_errno) :
				"no reason given");
		return -1;
	}
	return 0;
}

/* Packet buffers sized for the largest MTU, and the dataplane's shared
 * state (rings, stats, RCU). */
static int
start_dataplane(struct ew_daemon *d, const char *prog,
		const struct ew_config *cfg)
{
	uint16_t max_mtu = 0;
	char err[256];
	unsigned int i;

	if (rte_lcore_count() < cfg->workers + 1) {
		fprintf(stderr, "%s: %u workers need %u lcores, EAL has %u\n",
				prog, cfg->workers, cfg->workers + 1,
				rte_lcore_count());
		return -1;
	}
	for (i = 0; i < cfg->n_ifaces; i++)
		max_mtu = RTE_MAX(max_mtu, cfg->ifaces[i].mtu);
	d->mp = ew_dp_pool_create("ew_mbufs", cfg->mbufs, max_mtu,
			(int)rte_socket_id(), err, sizeof(err));
	if (d->mp == NULL) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	LOG(INFO, "packet buffers: %u mbufs of %u bytes for mtu %u, about %zu MiB\n",
			cfg->mbufs, rte_pktmbuf_data_room_size(d->mp), max_mtu,
			ew_dp_pool_bytes(cfg->mbufs, max_mtu) >> 20);
	d->dp.mp = d->mp;
	d->dp.idle = cfg->idle;
	if (ew_dp_init(&d->dp, cfg->workers, cfg->n_ifaces, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	return 0;
}

static int
open_ports(struct ew_daemon *d, const char *prog, const struct ew_config *cfg)
{
	char err[256];
	unsigned int i;

	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct ew_iface_cfg *ic = &cfg->ifaces[i];

		if (ew_port_open(ic->device, cfg->workers, ic->mtu, d->mp,
				&d->port_ids[i], &d->macs[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s:%u:%u: error: interface '%s': %s\n",
					prog, cfg->file, ic->pos.line, ic->pos.col,
					ic->name, err);
			return -1;
		}
		d->dp.port_id[i] = d->port_ids[i];
		d->dp.port_mtu[i] = ic->mtu;
		d->dp.afp_n[i] = ew_port_afp_sockets(ic->device, d->dp.afp_fd[i],
				EW_MAX_WORKERS);
		ew_port_afp_copy_big(d->dp.afp_fd[i], d->dp.afp_n[i]);
		d->dp.afp_snap[i] = d->dp.afp_n[i] > 0 ?
				ew_port_afp_snap(ic->device, d->mp) : 0;
		d->n_ports_open++;
	}
	return 0;
}

/* The first table generation, built from CFG (which it then owns) and
 * published; NULL if it cannot be (CFG is not freed then). */
static struct ew_tables *
first_generation(struct ew_daemon *d, const char *prog, struct ew_config *cfg)
{
	struct ew_tables *t;
	char err[256];

	snprintf(d->cfg_path, sizeof(d->cfg_path), "%s", cfg->file);
	if (ew_slots_init(&d->tslots, EW_MAX_TUNNELS) != 0 ||
			ew_slots_init(&d->cslots, EW_MAX_CLASSES) != 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	t = ew_tables_build(cfg, d->macs, d->port_ids, &d->tslots, &d->cslots,
			err, sizeof(err));
	if (t == NULL) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return NULL;
	}
	d->clf_builds = 1;
	ew_dp_publish(&d->dp, t);
	return t;
}

/* What the control thread runs beside the event loop: the slow path,
 * monitoring, telemetry. */
static int
start_control(struct ew_daemon *d, const char *prog, const struct ew_tables *t)
{
	d->sp = ew_sp_create(&d->dp);
	if (d->sp == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	ew_sp_tables_changed(d->sp, t);
	d->probe = ew_probe_init(&d->dp, d->sp);
	if (d->probe == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	ew_telemetry_init(d);
	return 0;
}

/* One worker per worker lcore; returns how many run, or -1 (then none). */
static int
launch_workers(struct ew_daemon *d, const char *prog)
{
	unsigned int i, lcore, n = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (n == d->dp.n_workers)
			break;
		d->dp.worker_lcore[n++] = lcore;
	}
	for (i = 0; i < n; i++) {
		if (rte_eal_remote_launch(ew_worker_main, &d->dp,
				d->dp.worker_lcore[i]) != 0) {
			fprintf(stderr, "%s: cannot start worker on lcore %u\n",
					prog, d->dp.worker_lcore[i]);
			d->dp.stop = true;
			rte_eal_mp_wait_lcore();
			return -1;
		}
	}
	return (int)n;
}

struct ew_daemon *
ew_daemon_start(const char *prog, struct ew_config *cfg)
{
	struct ew_daemon *d;
	struct ew_tables *t;
	sigset_t ss;
	int n;

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		ew_config_free(cfg);
		return NULL;
	}
	block_signals(&ss);
	if (start_eal(prog, cfg) != 0) {
		ew_config_free(cfg);
		free(d);
		return NULL;
	}
	pthread_sigmask(SIG_UNBLOCK, &ss, NULL);
	if (start_dataplane(d, prog, cfg) != 0 ||
			open_ports(d, prog, cfg) != 0)
		goto fail;
	t = first_generation(d, prog, cfg);
	if (t == NULL)
		goto fail;
	cfg = NULL;	/* owned by the tables now */
	if (start_control(d, prog, t) != 0)
		goto fail;
	n = launch_workers(d, prog);
	if (n < 0)
		goto fail;
	d->started_ms = ew_now_ms();
	LOG(INFO, "node '%s': %u interfaces, %u overlays, %u tunnels, %u workers: running\n",
			t->cfg->node_name, t->n_ports, t->n_overlays, t->n_tunnels,
			(unsigned int)n);
	return d;
fail:
	teardown(d);
	ew_config_free(cfg);	/* NULL once the tables own it */
	free(d);
	rte_eal_cleanup();
	return NULL;
}

void
ew_daemon_stop(struct ew_daemon *d, bool report)
{
	d->dp.stop = true;
	rte_eal_mp_wait_lcore();
	if (report) {
		/* last words: the counters, for logs and tests */
		ew_show_interfaces(d, stderr);
		ew_show_tunnels(d, stderr);
		ew_show_stats(d, stderr);
	}
	teardown(d);
	free(d);
	rte_eal_cleanup();
}

int
ew_daemon_run(const char *prog, struct ew_config *cfg)
{
	struct ew_daemon *d = ew_daemon_start(prog, cfg);
	int rc;

	if (d == NULL)
		return 1;
	rc = event_loop(d) == 0 ? 0 : 1;
	ew_daemon_stop(d, true);
	return rc;
}
