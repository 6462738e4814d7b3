#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Telemetry: Prometheus text on GET /metrics parses with a Prometheus
# parser, carries SPEC.md's metric names, and moves with traffic; DPDK
# telemetry /edgeway/* answers; the console's monitor view draws.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i "s|^control: { socket: \(.*\) }|control: { socket: \1, metrics: \"127.0.0.1:9580\" }|" "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "overlay up (ping A->B)" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
scrape() { lab_exec ea curl -sf http://127.0.0.1:9580/metrics; }
cat >"$LAB_DIR/parse.py" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
want = sys.argv[1].split(",")
fams = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
# the parser drops the _total suffix from counter family names
names = set(fams) | {n + "_total" for n, f in fams.items() if f.type == "counter"}
missing = [w for w in want if w not in names]
if missing:
    print("missing:", ",".join(missing)); sys.exit(1)
def val(metric, **labels):
    for f in fams.values():
        for s in f.samples:
            if s.name == metric and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None
print(int(val("edgeway_interface_rx_packets_total", interface="lan0")),
      int(val("edgeway_tunnel_tx_packets_total", overlay="gold", tunnel="to-b")),
      int(val("edgeway_class_packets_total", **{"class": "default"})),
      val("edgeway_class_active", **{"class": "default", "overlay": "gold"}))
PY
want=edgeway_interface_rx_packets_total,edgeway_interface_tx_packets_total,edgeway_tunnel_up,edgeway_tunnel_rtt_seconds,edgeway_tunnel_jitter_seconds,edgeway_tunnel_loss_ratio,edgeway_class_packets_total,edgeway_class_active,edgeway_class_switches_total,edgeway_drops_total
before=$(scrape | /usr/bin/python3 "$LAB_DIR/parse.py" "$want" 2>&1); rc=$?
echo "INFO: before: $before"
check "/metrics parses as Prometheus text with every SPEC metric" [ "$rc" -eq 0 ]
lab_exec ha ping -c 20 -i 0.05 -W 1 10.2.0.10 >/dev/null
after=$(scrape | /usr/bin/python3 "$LAB_DIR/parse.py" "$want" 2>&1)
echo "INFO: after 20 pings: $after"
read -r rx0 tx0 cl0 act <<<"$before"
read -r rx1 tx1 cl1 _ <<<"$after"
check "interface counter moved with traffic (+$((rx1 - rx0)))" [ $((rx1 - rx0)) -ge 20 ]
check "tunnel counter moved with traffic (+$((tx1 - tx0)))" [ $((tx1 - tx0)) -ge 20 ]
check "class counter moved with traffic (+$((cl1 - cl0)))" [ $((cl1 - cl0)) -ge 20 ]
check "edgeway_class_active{default,gold} is 1" [ "$act" = 1.0 ]
check "other paths answer 404" [ "$(lab_exec ea curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9580/other)" = 404 ]
for c in interfaces tunnels overlays classes stats; do
	out=$(echo "/edgeway/$c" | lab_exec ea dpdk-telemetry.py -f "ew-a-$LAB_ID" 2>/dev/null | grep "/edgeway/$c")
	check "DPDK telemetry /edgeway/$c answers with data" grep -qE '"[a-z_]+": [0-9]' <<<"$out"
done
out=$("$LAB_TOP/build/control/edgewayctl" -s "$LAB_DIR/a.sock" monitor count 2 2>&1); rc=$?
drawn="$rc:$(grep -c '^gold  *to-b' <<<"$out"):$(grep -c '^default ' <<<"$out")"
check "edgewayctl monitor draws tunnels and classes twice (exit:tunnel rows:class rows = $drawn)" \
	[ "$drawn" = "0:2:2" ]
ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
