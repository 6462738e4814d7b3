#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A late answer is an answer (issue 11, item 14): a 600 ms round trip (a
# satellite path: 300 ms each way through tests/tools/wanem) is longer than
# down_after x interval_ms (5 x 100 ms), yet every probe is answered. The
# tunnel stays up, its RTT is reported (~600 ms) and no loss is counted;
# traffic crosses. Then the path really fails: the tunnel goes down.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

TOPO_WANEM=1 topo_peer
topo_peer_kernel_vxlan
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml" icmp
sed -i 's/^overlays:/monitor: { interval_ms: 100, window: 50, down_after: 5 }\noverlays:/' "$LAB_DIR/a.yaml"
wanem_set "ab 300 0 0" "ba 300 0 0"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3
tun() { $CTL --json show tunnels | $PY -c "import json,sys; t=json.load(sys.stdin)['tunnels'][0]; print(t.get('$1', ''))"; }
# up at every look for 2 s (every 0.2 s)
stays_up() {
	for _ in $(seq 10); do
		[ "$(tun up)" = True ] || return 1
		sleep 0.2
	done
}

check "ping A->B over the 600 ms path" \
	wait_for 10 quiet lab_exec ha ping -c 1 -W 3 10.2.0.10
sleep 4
echo "INFO: $($CTL show tunnels | tail -n +2)"
check "the tunnel stays up although the RTT is 6 x interval_ms" stays_up
r=$(tun rtt_ms)
echo "INFO: srtt $r ms over a 600 ms path"
check "its RTT is reported: 600 ms (+-15%)" \
	$PY -c "import sys; r = float('$r'); sys.exit(0 if 510 <= r <= 690 else 1)"
l=$(tun loss_pct)
check "no loss is counted ($l%): every probe is answered, late" \
	$PY -c "import sys; sys.exit(0 if float('$l') == 0 else 1)"
check "no 'is down' in the log" bash -c "! grep -q 'to-b is down' '$LAB_DIR/a.log'"
out=$(lab_exec ha ping -c 3 -i 0.3 -W 3 10.2.0.10 2>&1)
check "traffic crosses (3 of 3 pings answered)" grep -q ' 3 received' <<<"$out"

# the path fails for real: the tunnel goes down
wanem_set "ab 300 0 100" "ba 300 0 100"
check "100% loss: the tunnel goes down within 3 s" wait_for 3 eval '[ "$(tun up)" = False ]'
wanem_set "ab 300 0 0" "ba 300 0 0"
check "the loss stops: it comes back up" wait_for 5 eval '[ "$(tun up)" = True ]'
check "... and stays up" stays_up

ew_stop a
check "edgewayd exits 0" [ $? -eq 0 ]
lab_done
