#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop by default (issue 11, item 13): a config written from SPEC.md
# alone, with no probe key, against a Linux kernel VXLAN peer (which
# answers ICMP echo but does not reflect STAMP). The default (probe: auto)
# must keep the tunnel up, monitored by ICMP echo, shown as auto/icmp in
# show tunnels and --json, and traffic must cross.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i 's/, probe: icmp//' "$LAB_DIR/a.yaml"
check "the config has no probe key" bash -c "! grep -q probe '$LAB_DIR/a.yaml'"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3
tun() { $CTL --json show tunnels | $PY -c "import json,sys; t=json.load(sys.stdin)['tunnels'][0]; print(t.get('$1', ''))"; }

check "ping A->B across the kernel VXLAN peer" \
	wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
# long past the 0.5 s in which an unanswered STAMP would take it down
sleep 3
echo "INFO: $($CTL show tunnels | tail -n +2)"
check "the tunnel is up 3 s later (--json up)" [ "$(tun up)" = True ]
check "show tunnels says auto/icmp" bash -c "$CTL show tunnels | grep -q ' auto/icmp '"
check "--json: probe auto, probe_active icmp" \
	[ "$(tun probe)/$(tun probe_active)" = auto/icmp ]
check "the round trip is measured (rtt_ms > 0)" \
	$PY -c "import sys; sys.exit(0 if float('$(tun rtt_ms)') > 0 else 1)"
out=$(lab_exec ha ping -c 5 -i 0.2 -W 1 10.2.0.10 2>&1)
echo "INFO: $(grep -E 'received|unreachable' <<<"$out" | head -2)"
check "traffic crosses (5 of 5 pings answered)" grep -q ' 5 received' <<<"$out"
check "no route withdrawn (no 'monitor: tunnel gold/to-b is down' in the log)" \
	bash -c "! grep -q 'to-b is down' '$LAB_DIR/a.log'"

# the default round-trips through save and load: the saved config says
# probe: auto, and loads
$CTL save "$LAB_DIR/saved.yaml" >/dev/null 2>&1
check "save writes probe: auto" grep -q 'probe: auto' "$LAB_DIR/saved.yaml"
check "the saved config loads (edgewayd --check)" quiet "$EDGEWAYD" -c "$LAB_DIR/saved.yaml" --check
# and through the API: a tunnel added without a probe is auto; auto can
# be asked for by name, and changed
tp() { $CTL --json show tunnels | $PY -c "import json,sys; print([t['probe'] for t in json.load(sys.stdin)['tunnels'] if t['name'] == '$1'][0])"; }
$CTL add tunnel gold t2 wan inet remote 203.0.113.3 peer 169.254.100.3 >/dev/null 2>&1
$CTL add tunnel gold t3 wan inet remote 203.0.113.4 peer 169.254.100.4 probe auto >/dev/null 2>&1
check "API: no probe given is auto, 'auto' is accepted" [ "$(tp t2)/$(tp t3)" = auto/auto ]
$CTL update tunnel gold t3 wan inet remote 203.0.113.4 peer 169.254.100.4 probe stamp >/dev/null 2>&1
check "API: auto -> stamp" [ "$(tp t3)" = stamp ]
out=$($CTL add tunnel gold t4 wan inet remote 203.0.113.5 peer 169.254.100.5 probe sometimes 2>&1)
check "API: an unknown probe kind is refused, naming the kinds" \
	grep -qF "not one of auto | stamp | icmp | none" <<<"$out"
$CTL del tunnel gold t2 >/dev/null 2>&1
$CTL del tunnel gold t3 >/dev/null 2>&1

# a peer answering neither is down, as before: drop ICMP on the peer
lab_exec sb nft add table inet lab
lab_exec sb nft add chain inet lab lab_in '{ type filter hook input priority 0; }'
lab_exec sb nft add rule inet lab lab_in iifname vxlan100 ip protocol icmp drop
check "a peer that answers neither STAMP nor ICMP: the tunnel goes down" \
	wait_for 5 eval '[ "$(tun up)" = False ]'

ew_stop a
check "edgewayd exits 0" [ $? -eq 0 ]
lab_done
