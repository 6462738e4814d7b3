#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# icmp probes to a Linux kernel VXLAN peer measure the round trip that ping
# measures over the same path (within 20%), with 40 ms each way added by
# the WAN emulator; and the kernel peer's loss shows in the tunnel's loss.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

TOPO_WANEM=1 topo_peer
topo_peer_kernel_vxlan
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i 's/^overlays:/monitor: { interval_ms: 100, window: 60, down_after: 8 }\noverlays:/' "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3
tun() { $CTL --json show tunnels | $PY -c "import json,sys; t=json.load(sys.stdin)['tunnels'][0]; print(t['$1'])"; }
check "overlay up (ping A->B)" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10

wanem_set "ab 40 0 0" "ba 40 0 0"
sleep 4
# the kernel pings edgeway's overlay address: the same path, both ways
p=$(lab_exec sb ping -c 20 -i 0.1 -q 169.254.100.1 | sed -n 's|.* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
r=$(tun rtt_ms)
echo "INFO: +40 ms each way: probe srtt $r ms, ping from the kernel peer $p ms"
check "icmp probe RTT to the kernel peer within 20% of ping" \
	$PY -c "import sys; p, r = float('$p'), float('$r'); sys.exit(0 if p > 80 and abs(r - p) <= 0.2 * p else 1)"
wanem_set "ab 40 0 10" "ba 40 0 10"
sleep 7
l=$(tun loss_pct)
# 19% expected over 60 probes: 11.4 +- 3 lost; 5-40% is > 2 sd either side
echo "INFO: 10% loss each way (19% for a round trip): probe loss $l% over 60 probes"
check "probe loss reflects the path's loss (5-40% for 19%)" \
	$PY -c "import sys; l = float('$l'); sys.exit(0 if 5 <= l <= 40 else 1)"
ew_stop a
check "edgewayd exits 0" [ $? -eq 0 ]
lab_done
