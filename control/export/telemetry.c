/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry: /edgeway/interfaces, /edgeway/tunnels, /edgeway/stats.
 * Callbacks run on DPDK's telemetry threads (one per client) and take no
 * user argument, so the daemon is reached through one file-local pointer
 * set at start-up.
 * DPDK 22.11 cannot nest dictionaries, so keys are flattened:
 * "IFACE__COUNTER", "OVERLAY__TUNNEL__COUNTER", "CLASS__COUNTER",
 * "OVERLAY__COUNTER".
 */

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "control/daemon.h"
#include "control/export/export.h"
#include "control/probe.h"
#include "fastpath/pmtu.h"

static struct ew_daemon *tel_daemon;

/*
 * Telemetry callbacks read the current table generation as an RCU reader
 * (id EW_RCU_TELEMETRY), online only inside a callback, so a reload never
 * frees a generation under them. DPDK runs every telemetry client in its
 * own thread, and a QSBR id is one reader: two clients sharing it would
 * let the first one's offline mark the second one quiescent, and a reload
 * would free the tables it is still reading. So the callbacks take
 * tel_lock around the read: one telemetry reader at a time. Only
 * telemetry threads ever take it (never a worker, never the control
 * thread), and the read is short. The lock also guards tel_daemon: at
 * shutdown ew_telemetry_close() clears it before anything is freed, and
 * a client asking then is refused.
 */
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;

/* DPDK 22.11 accepts only [A-Za-z0-9_] in dictionary keys: anything else
 * in our names becomes '_' and the parts are joined with "__". */
static void
add_u64(struct rte_tel_data *d, const char *a, const char *b, const char *c,
		uint64_t v)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	char *p;

	if (c != NULL)
		snprintf(key, sizeof(key), "%s__%s__%s", a, b, c);
	else
		snprintf(key, sizeof(key), "%s__%s", a, b);
	for (p = key; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	rte_tel_data_add_dict_u64(d, key, v);
}

typedef void (*tel_fill)(const struct ew_tables *t, const struct ew_lcore_stats *s,
		struct rte_tel_data *d);

/* The frame every command shares: counters summed, the generation read as
 * an RCU reader, one flat dictionary filled by FILL. */
static int
tel_run(struct rte_tel_data *d, tel_fill fill)
{
	struct ew_lcore_stats *s;
	struct ew_dp *dp;

	pthread_mutex_lock(&tel_lock);
	if (tel_daemon == NULL) {	/* stopping */
		pthread_mutex_unlock(&tel_lock);
		return -1;
	}
	dp = &tel_daemon->dp;
	s = ew_dp_stats_snapshot(dp);
	if (s == NULL) {
		pthread_mutex_unlock(&tel_lock);
		return -1;
	}
	rte_tel_data_start_dict(d);
	rte_rcu_qsbr_thread_online(dp->qs, EW_RCU_TELEMETRY(dp));
	fill(__atomic_load_n(&dp->tables, __ATOMIC_ACQUIRE), s, d);
	rte_rcu_qsbr_thread_offline(dp->qs, EW_RCU_TELEMETRY(dp));
	pthread_mutex_unlock(&tel_lock);
	free(s);
	return 0;
}

static void
fill_interfaces(const struct ew_tables *t, const struct ew_lcore_stats *s,
		struct rte_tel_data *d)
{
	unsigned int i;

	for (i = 0; i < t->n_ports; i++) {
		const char *n = t->ports[i].name;

		add_u64(d, n, "rx_packets", NULL, s->port[i].rx_packets);
		add_u64(d, n, "tx_packets", NULL, s->port[i].tx_packets);
		add_u64(d, n, "rx_bytes", NULL, s->port[i].rx_bytes);
		add_u64(d, n, "tx_bytes", NULL, s->port[i].tx_bytes);
		add_u64(d, n, "drops", NULL, s->port[i].drops);
	}
}

static void
fill_tunnels(const struct ew_tables *t, const struct ew_lcore_stats *s,
		struct rte_tel_data *d)
{
	unsigned int i;

	for (i = 0; i < t->n_tunnels; i++) {
		const char *o = t->ov[t->tun[i].ox].name, *n = t->tun[i].name;
		uint16_t sl = t->tun[i].slot;
		struct ew_path p;

		add_u64(d, o, n, "tx_packets", s->tunnel[sl].tx_packets);
		add_u64(d, o, n, "rx_packets", s->tunnel[sl].rx_packets);
		add_u64(d, o, n, "tx_bytes", s->tunnel[sl].tx_bytes);
		add_u64(d, o, n, "rx_bytes", s->tunnel[sl].rx_bytes);
		add_u64(d, o, n, "path_mtu", ew_pmtu_path(__atomic_load_n(
				&t->tun_mtu[i], __ATOMIC_RELAXED)));
		/* 22.11 telemetry has no floats: microseconds, ppm */
		ew_probe_path(tel_daemon->probe, sl, &p);
		add_u64(d, o, n, "up", p.up);
		if (!isnan(p.rtt_ms)) {
			add_u64(d, o, n, "rtt_us", (uint64_t)(p.rtt_ms * 1000));
			add_u64(d, o, n, "jitter_us", (uint64_t)(p.jitter_ms * 1000));
		}
		if (!isnan(p.loss_pct))
			add_u64(d, o, n, "loss_ppm", (uint64_t)(p.loss_pct * 10000));
	}
}

static void
fill_classes(const struct ew_tables *t, const struct ew_lcore_stats *s,
		struct rte_tel_data *d)
{
	unsigned int i;

	for (i = 0; i < t->n_classes; i++) {
		const struct ew_class_stats *c = &s->cls[t->classes[i].slot];

		add_u64(d, t->classes[i].name, "packets", NULL, c->packets);
		add_u64(d, t->classes[i].name, "bytes", NULL, c->bytes);
		add_u64(d, t->classes[i].name, "drops", NULL, c->drops);
	}
}

/* Per overlay: the sum over its tunnels. */
static void
fill_overlays(const struct ew_tables *t, const struct ew_lcore_stats *s,
		struct rte_tel_data *d)
{
	unsigned int o, i;

	for (o = 0; o < t->n_overlays; o++) {
		struct ew_tunnel_stats sum = { 0 };

		for (i = 0; i < t->n_tunnels; i++) {
			const struct ew_tunnel_stats *ts = &s->tunnel[t->tun[i].slot];

			if (t->tun[i].ox != o)
				continue;
			sum.tx_packets += ts->tx_packets;
			sum.rx_packets += ts->rx_packets;
			sum.tx_bytes += ts->tx_bytes;
			sum.rx_bytes += ts->rx_bytes;
		}
		add_u64(d, t->ov[o].name, "tx_packets", NULL, sum.tx_packets);
		add_u64(d, t->ov[o].name, "rx_packets", NULL, sum.rx_packets);
		add_u64(d, t->ov[o].name, "tx_bytes", NULL, sum.tx_bytes);
		add_u64(d, t->ov[o].name, "rx_bytes", NULL, sum.rx_bytes);
	}
}

static void
fill_stats(const struct ew_tables *t, const struct ew_lcore_stats *s,
		struct rte_tel_data *d)
{
	unsigned int i;

	rte_tel_data_add_dict_u64(d, "punted", s->punted);
	for (i = 0; i < EW_DROP_MAX; i++)
		rte_tel_data_add_dict_u64(d, ew_drop_names[i], s->drop[i]);
}

#define TEL_CMD(name) \
	static int \
	tel_##name(const char *cmd, const char *params, struct rte_tel_data *d) \
	{ \
		return tel_run(d, fill_##name); \
	}
TEL_CMD(interfaces)
TEL_CMD(tunnels)
TEL_CMD(classes)
TEL_CMD(overlays)
TEL_CMD(stats)

void
ew_telemetry_close(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_daemon = NULL;
	pthread_mutex_unlock(&tel_lock);
}

void
ew_telemetry_init(struct ew_daemon *d)
{
	pthread_mutex_lock(&tel_lock);
	tel_daemon = d;
	pthread_mutex_unlock(&tel_lock);
	/* registered once, here, not racily by the first callback */
	rte_rcu_qsbr_thread_register(d->dp.qs, EW_RCU_TELEMETRY(&d->dp));
	rte_telemetry_register_cmd("/edgeway/interfaces", tel_interfaces,
			"Per-interface packet, byte and drop counters.");
	rte_telemetry_register_cmd("/edgeway/tunnels", tel_tunnels,
			"Per-tunnel packet and byte counters.");
	rte_telemetry_register_cmd("/edgeway/classes", tel_classes,
			"Per-class packet, byte and drop counters.");
	rte_telemetry_register_cmd("/edgeway/overlays", tel_overlays,
			"Per-overlay packet and byte counters (sum of its tunnels).");
	rte_telemetry_register_cmd("/edgeway/stats", tel_stats,
			"Drop counters by reason.");
}
