#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Tunnel monitoring and SLA steering between two edgeways over two
# underlays (gold: VXLAN over inet, silver: GRE over lte), with loss made by
# nftables on the underlay router:
# - 100% loss on lte: its tunnel goes down within down_after x interval
#   (+1 interval) and traffic continues over gold;
# - 30% random loss on lte: a class with loss_pct 10 leaves silver for gold
#   (logged, counted) and returns only after the hold-down once it is clean.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_two_sites
classes='classes:
  - name: video
    match:
      - { proto: udp }
    overlays: [silver, gold]
    sla: { loss_pct: 10 }
  - name: default
    overlays: [silver, gold]
monitor: { interval_ms: 100, window: 20, down_after: 5, hold_down_ms: 3000 }'
topo_site_config a "$LAB_DIR/a.yaml" "$classes"
topo_site_config b "$LAB_DIR/b.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3
js() { $PY -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
tun() { $CTL --json show tunnels | js "[ (t['up'], round(t['rtt_ms'], 2), round(t['loss_pct'], 1)) for t in d['tunnels'] if t['overlay'] == '$1'][0]"; }
msnow() { date +%s%3N; }

check "far site reachable" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
sleep 1
echo "INFO: gold $(tun gold), silver $(tun silver) (up, rtt ms, loss %)"
check "probes measure both tunnels (up, an RTT, no loss)" \
	[ "$($CTL --json show tunnels | js 'all(t["up"] and t["rtt_ms"] > 0 and t["loss_pct"] == 0 for t in d["tunnels"])')" = True ]

# 100% loss on lte
lab_exec r nft add table inet lab
lab_exec r nft add chain inet lab lab_fwd '{ type filter hook forward priority 0; }'
lab_exec ha ping -i 0.1 -c 40 -W 1 10.2.0.10 >"$LAB_DIR/ping.txt" 2>&1 &
pingpid=$!
LAB_PIDS+=("$pingpid")
sleep 1
t0=$(msnow)
lab_exec r nft add rule inet lab lab_fwd ip protocol gre drop
# Each poll (console + JSON) takes tens of ms, hundreds under load: the
# tunnel went down after the last poll that still saw it up had started,
# and before the first that saw it down ended. The check is on the
# former, which cannot be late because polling was slow.
last_up=$t0
while [ $(( $(msnow) - t0 )) -lt 5000 ]; do
	ts=$(msnow)
	[ "$(tun silver | cut -c2-5)" = True ] || break
	last_up=$ts
	sleep 0.02
done
t1=$(msnow)
echo "INFO: silver went down $((last_up - t0))..$((t1 - t0)) ms after 100% loss began (bound: 5 x 100 + 100 = 600 ms)"
check "the lte tunnel goes down within down_after x interval + 1 interval (last seen up at $((last_up - t0)) ms)" \
	[ $((last_up - t0)) -le 700 ]
wait "$pingpid"
rcv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping.txt")
echo "INFO: ping every 100 ms across the failure: $rcv of 40 answered"
check "traffic continued over the other overlay (at most ~8 of 40 pings lost)" [ "${rcv:-0}" -ge 32 ]
check "and it now crosses inet (VXLAN)" \
	[ "$($CTL --json show tunnels | js '[t["tx_packets"] for t in d["tunnels"] if t["overlay"]=="gold"][0]')" -gt 10 ]
lab_exec r nft flush chain inet lab lab_fwd
check "the lte tunnel comes back up when the loss stops" \
	wait_for 3 eval '[ "$(tun silver | cut -c2-5)" = True ]'

# class video (loss_pct 10) followed silver down and back, by the rules
cls() { $CTL --json show classes | js "' '.join(str(x) for x in [ (c['active_overlays'][0], c['switches']) for c in d['classes'] if c['name'] == 'video'][0])"; }
check "class video left silver during the outage (logged with its reason)" \
	grep -qE "class video: silver -> gold \((sla-violation|down)" "$LAB_DIR/a.log"
t0=$(msnow)
check "... and returned to silver after the loss window cleared and the hold-down" \
	wait_for 10 eval '[ "$(cls)" = "silver 2" ]'
echo "INFO: video back on silver $(( $(msnow) - t0 )) ms after lte recovered"

# 30% random loss on lte, from A only (both ways would lose 51% of the
# round trips, and five in a row, likely before the loss window fills,
# take the tunnel down: a switch for "down", not for the SLA): video moves
# to gold on the SLA; default stays
lab_exec r nft add rule inet lab lab_fwd ip saddr 203.0.113.1 ip protocol gre numgen random mod 100 '<' 30 drop
t0=$(msnow)
check "under 30% loss class video moves to gold" wait_for 8 eval '[ "$(cls)" = "gold 3" ]'
echo "INFO: video switched $(( $(msnow) - t0 )) ms after the loss began (window 20 probes of 100 ms)"
check "the switch is logged with its reason and metrics" \
	grep -q "class video: silver -> gold (sla-violation: rtt .* loss [0-9.]*%)" "$LAB_DIR/a.log"
check "class default (no SLA) stays on silver while its tunnel is up" \
	[ "$($CTL --json show classes | js '[c["active_overlays"][0] for c in d["classes"] if c["name"]=="default"][0]')" = silver ]
lab_exec r nft flush chain inet lab lab_fwd
t0=$(msnow)
sleep 3
check "not back before the hold-down (3 s after the loss left the 2 s window)" [ "$(cls)" = "gold 3" ]
check "back on silver after the hold-down" wait_for 6 eval '[ "$(cls)" = "silver 4" ]'
echo "INFO: video returned $(( $(msnow) - t0 )) ms after the loss stopped (window 2 s + hold-down 3 s)"
check "switches counted (4) in the API" \
	[ "$($CTL --json show classes | js '[c["switches"] for c in d["classes"] if c["name"]=="video"][0]')" = 4 ]

ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
lab_done
