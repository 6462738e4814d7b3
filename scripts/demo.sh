#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The edgeway demo: installs what is missing, builds, and runs a two-site
# lab in network namespaces:
#
#   host A 10.1.0.10 -- [edgeway site-a] ==inet (VXLAN 100)== router ==inet== [edgeway site-b] -- host B 10.2.0.10
#                                        ==lte  (GRE 200)  ==        ==lte ==
#
# Class "interactive" (ICMP, TCP port 5202) prefers the GRE overlay over
# lte; everything else takes the VXLAN overlay over inet. It pings and runs
# iperf3 across, shows site-a through the console (edgewayctl), re-steers a
# class live, shows Prometheus metrics and DPDK telemetry, then removes the
# whole lab.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run as root (network namespaces, DPDK)" >&2
	exit 1
fi
scripts/setup.sh
scripts/build.sh >/dev/null || { scripts/build.sh; exit 1; }

. "$top/tests/lib/lab.sh"
. "$top/tests/lib/topo.sh"
lab_init

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Building the lab: 2 sites, 1 underlay router, 2 WAN links per site"
topo_two_sites
topo_site_config a "$LAB_DIR/a.yaml" "$TOPO_CLASSES"
sed -i "s|^control: { socket: \(.*\) }|control: { socket: \1, metrics: \"127.0.0.1:9580\" }|" "$LAB_DIR/a.yaml"
topo_site_config b "$LAB_DIR/b.yaml" "$TOPO_CLASSES"
echo "site-a config ($LAB_DIR/a.yaml):"
sed 's/^/    /' "$LAB_DIR/a.yaml"
"$EDGEWAYD" -c "$LAB_DIR/a.yaml" --check
"$EDGEWAYD" -c "$LAB_DIR/b.yaml" --check

say "Starting edgewayd at both sites"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1
grep running "$LAB_DIR/a.log" "$LAB_DIR/b.log" | sed 's/^.*edgewayd: /    /'

say "ping host A -> host B (class interactive: GRE over lte)"
wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
lab_exec ha ping -c 4 -i 0.2 10.2.0.10 | sed 's/^/    /'

say "ping host B -> site-a's overlay addresses"
lab_exec hb ping -c 2 -i 0.2 169.254.100.1 | sed 's/^/    /' | tail -2
lab_exec hb ping -c 2 -i 0.2 169.254.200.1 | sed 's/^/    /' | tail -2

lab_exec hb iperf3 -s -p 5201 -D -I "$LAB_DIR/i1.pid" >/dev/null 2>&1
lab_exec hb iperf3 -s -p 5202 -D -I "$LAB_DIR/i2.pid" >/dev/null 2>&1
sleep 0.5
for f in i1 i2; do [ -s "$LAB_DIR/$f.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/$f.pid")"); done

say "iperf3 TCP A -> B, 3 s, port 5201 (class default: VXLAN over inet)"
lab_exec ha iperf3 -c 10.2.0.10 -p 5201 -t 3 | grep -E 'sender|receiver' | sed 's/^/    /'
say "iperf3 TCP A -> B, 3 s, port 5202 (class interactive: GRE over lte)"
lab_exec ha iperf3 -c 10.2.0.10 -p 5202 -t 3 | grep -E 'sender|receiver' | sed 's/^/    /'

say "What crossed the underlay (tcpdump on the router, 1 ping)"
cap_start r al "$LAB_DIR/lte.pcap" ip proto 47
pl=$LAB_CAP_PID
lab_exec ha ping -c 1 10.2.0.10 >/dev/null
cap_stop "$pl"
tcpdump -nn -r "$LAB_DIR/lte.pcap" 2>/dev/null | sed 's/^/    /'

CTL="$top/build/control/edgewayctl -s $LAB_DIR/a.sock"
say "Console: edgewayctl at site-a"
for c in "show interfaces" "show tunnels" "show classes" "show stats"; do
	echo "\$ edgewayctl $c"
	$CTL $c | sed 's/^/    /'
done

say "Re-steer class interactive to the VXLAN overlay, live (edgewayctl set class)"
echo "\$ edgewayctl set class interactive overlays gold,silver"
$CTL set class interactive overlays gold,silver | sed 's/^/    /'
cap_start r ai "$LAB_DIR/inet.pcap" udp port 4789
pi=$LAB_CAP_PID
lab_exec ha ping -c 1 10.2.0.10 >/dev/null
cap_stop "$pi"
tcpdump -nn -r "$LAB_DIR/inet.pcap" 2>/dev/null | grep -v ARP | sed 's/^/    /'

say "Prometheus metrics (curl http://127.0.0.1:9580/metrics, excerpt)"
lab_exec ea curl -s http://127.0.0.1:9580/metrics | grep -E '^edgeway_(tunnel_tx_packets|class_packets|interface_rx_packets)_total' | sed 's/^/    /'

say "The same counters through DPDK telemetry (dpdk-telemetry.py, /edgeway/tunnels)"
echo "/edgeway/tunnels" | lab_exec ea dpdk-telemetry.py -f "ew-a-$LAB_ID" 2>/dev/null |
	/usr/bin/python3 -c 'import sys, json
for line in sys.stdin:
    line = line.strip().lstrip("-> ").strip()
    if line.startswith("{") and "/edgeway/tunnels" in line:
        print("    " + json.dumps(json.loads(line), indent=1).replace("\n", "\n    "))'

say "Stopping (SIGTERM) and removing the lab"
ew_stop a && ew_stop b && echo "    both edgeways exited cleanly"
