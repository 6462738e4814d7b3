#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Zero loss under change: UDP traffic crosses two edgeways while site A
# takes 1,000 changes through the API (route adds/deletes, re-steering the
# traffic's class between the VXLAN and the GRE overlay, an unused overlay
# added and removed). No packet that had a path before and after is lost.
# Also: the Python client an orchestrator would use.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_two_sites_running || exit 1
PY=/usr/bin/python3
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"

lab_exec hb iperf3 -s -1 -D -I "$LAB_DIR/iperf.pid" >/dev/null 2>&1
sleep 0.5
[ -s "$LAB_DIR/iperf.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/iperf.pid")")
ip netns exec "ha$LAB_ID" iperf3 -c 10.2.0.10 -u -b 60M -l 1200 -w 4M -t 14 -J >"$LAB_DIR/udp.json" 2>&1 &
ipid=$!
LAB_PIDS+=("$ipid")
sleep 2
# 1,000 changes spread over ~10 s of the 14 s flow
out=$($PY "$LAB_TOP/tests/tools/churn.py" "$LAB_DIR/a.sock" 1000 default gold silver gold to-peer 10 2>&1)
rc=$?
echo "INFO: $out"
check "1,000 changes through the API accepted" [ "$rc" -eq 0 ]
wait "$ipid"
read -r sent lost ooo < <($PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
s = d["end"]["sum"]
print(s["packets"], s["lost_packets"], d["end"]["streams"][0]["udp"].get("out_of_order", 0))' "$LAB_DIR/udp.json" 2>/dev/null || echo "0 -1 0")
echo "INFO: UDP during the changes: $sent packets sent, $lost lost, $ooo out of order"
js() { $PY -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
for side in a b; do
	echo "INFO: $side interfaces (name rx_packets tx_packets rx_missed rx_errors tx_errors drops): $("$LAB_TOP/build/control/edgewayctl" -s "$LAB_DIR/$side.sock" --json show interfaces |
		js '"; ".join("%s %d %d %d %d %d %d" % (i["name"], i["rx_packets"], i["tx_packets"], i["rx_missed"], i["rx_errors"], i["tx_errors"], i["drops"]) for i in d["interfaces"])')"
done
echo "INFO: host B UDP RcvbufErrors (socket overflow, not edgeway): $(ip netns exec "hb$LAB_ID" awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp)"
check "traffic flowed during the changes ($sent packets)" [ "$sent" -gt 50000 ]
check "no packet lost across 1,000 changes" [ "$lost" -eq 0 ]
tx=$($CTL --json show tunnels | js '" ".join("%s=%d" % (t["overlay"], t["tx_packets"]) for t in d["tunnels"])')
echo "INFO: tunnel tx at A: $tx"
check "the re-steering really moved the flow (both overlays carried it)" \
	[ "$($CTL --json show tunnels | js 'min(t["tx_packets"] for t in d["tunnels"])')" -gt 10000 ]
check "no stale or queue drops at A" \
	[ "$($CTL --json show stats | js 'd["drops"]["stale"] + d["drops"]["neigh_queue"] + d["drops"]["tx_full"]')" -eq 0 ]

# the orchestrator's view: a class for a microservice, then re-steered
out=$($PY "$LAB_TOP/control/api/python/steer_example.py" "$LAB_DIR/a.sock" web 8080-8081 gold silver 2>&1)
rc=$?
echo "$out" | sed 's/^/INFO: /'
web=$($CTL --json show classes | js '[c["overlays"] for c in d["classes"] if c["name"]=="web"][0]')
check "python client adds a class and re-steers it (exit $rc, overlays $web)" \
	[ "$rc:$web" = "0:['silver']" ]
out=$($PY "$LAB_TOP/control/api/python/steer_example.py" "$LAB_DIR/a.sock" web2 1-2 nope gold 2>&1)
rc=$?
check "python client gets the daemon's refusal" exited_saying 2 "overlay 'nope' is not configured"

ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
lab_done
