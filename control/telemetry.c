/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry: /edgeway/interfaces, /edgeway/tunnels, /edgeway/stats.
 * Callbacks run on DPDK's telemetry thread and take no user argument, so
 * the daemon is reached through one file-local pointer set at start-up.
 */

#include <stdlib.h>

#include <rte_telemetry.h>

#include "control/daemon.h"

static struct ew_daemon *tel_daemon;

static int
tel_interfaces(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ew_tables *t = tel_daemon->dp.tables;
	struct ew_lcore_stats *s = malloc(sizeof(*s));
	unsigned int i;

	if (s == NULL)
		return -1;
	ew_dp_stats_sum(&tel_daemon->dp, s);
	rte_tel_data_start_dict(d);
	for (i = 0; i < t->n_ports; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			break;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "role", ew_role_name(t->ports[i].role));
		rte_tel_data_add_dict_u64(c, "rx_packets", s->port[i].rx_packets);
		rte_tel_data_add_dict_u64(c, "tx_packets", s->port[i].tx_packets);
		rte_tel_data_add_dict_u64(c, "rx_bytes", s->port[i].rx_bytes);
		rte_tel_data_add_dict_u64(c, "tx_bytes", s->port[i].tx_bytes);
		rte_tel_data_add_dict_u64(c, "drops", s->port[i].drops);
		rte_tel_data_add_dict_container(d, t->ports[i].name, c, 0);
	}
	free(s);
	return 0;
}

static int
tel_tunnels(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ew_tables *t = tel_daemon->dp.tables;
	struct ew_lcore_stats *s = malloc(sizeof(*s));
	unsigned int i;
	char key[2 * EW_NAME_MAX + 2];

	if (s == NULL)
		return -1;
	ew_dp_stats_sum(&tel_daemon->dp, s);
	rte_tel_data_start_dict(d);
	for (i = 0; i < t->n_tunnels; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			break;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "tx_packets", s->tunnel[i].tx_packets);
		rte_tel_data_add_dict_u64(c, "rx_packets", s->tunnel[i].rx_packets);
		rte_tel_data_add_dict_u64(c, "tx_bytes", s->tunnel[i].tx_bytes);
		rte_tel_data_add_dict_u64(c, "rx_bytes", s->tunnel[i].rx_bytes);
		snprintf(key, sizeof(key), "%s.%s", t->ov[t->tun[i].ox].name,
				t->tun[i].name);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	free(s);
	return 0;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ew_lcore_stats *s = malloc(sizeof(*s));
	unsigned int i;

	if (s == NULL)
		return -1;
	ew_dp_stats_sum(&tel_daemon->dp, s);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "punted", s->punted);
	for (i = 0; i < EW_DROP_MAX; i++)
		rte_tel_data_add_dict_u64(d, ew_drop_names[i], s->drop[i]);
	free(s);
	return 0;
}

void
ew_telemetry_init(struct ew_daemon *d)
{
	tel_daemon = d;
	rte_telemetry_register_cmd("/edgeway/interfaces", tel_interfaces,
			"Per-interface packet, byte and drop counters.");
	rte_telemetry_register_cmd("/edgeway/tunnels", tel_tunnels,
			"Per-tunnel packet and byte counters.");
	rte_telemetry_register_cmd("/edgeway/stats", tel_stats,
			"Drop counters by reason.");
}
