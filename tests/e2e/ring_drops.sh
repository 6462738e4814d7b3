#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Drops in an af_packet port's kernel ring are counted (issue 11: no
# silent data loss). DPDK 22.11's af_packet PMD never reads its sockets'
# PACKET_STATISTICS, so frames the kernel dropped because the ring was
# full (the worker late: a loaded CPE, a stalled process) showed nowhere.
# Here edgewayd is stopped (SIGSTOP) while a LAN host sends 3,000 frames
# into a ring of a few hundred slots, then continued: every frame the
# host's veth sent must be received or counted as rx_missed.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer_running

CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
# lan0's received and missed packets, and host A's veth transmit count
lan0() { $CTL --json show interfaces | /usr/bin/python3 -c '
import json, sys
for i in json.load(sys.stdin)["interfaces"]:
    if i["name"] == "lan0":
        print(i["rx_packets"], i["rx_missed"])'; }
htx() { lab_exec ha cat /sys/class/net/h0/statistics/tx_packets; }

read -r rx0 miss0 < <(lan0)
tx0=$(htx)
kill -STOP "$EW_PID_a"
lab_exec ha /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"x" * 64, ("10.2.0.10", 9))'
kill -CONT "$EW_PID_a"
sleep 1	# the control thread reads the kernel's counts every 100 ms
read -r rx1 miss1 < <(lan0)
tx1=$(htx)
sent=$((tx1 - tx0)); rx=$((rx1 - rx0)); miss=$((miss1 - miss0))
echo "INFO: host sent $sent frames; lan0 received $rx, rx_missed $miss"
check "the kernel ring's drops are counted as rx_missed (+$miss)" [ "$miss" -gt 0 ]
check "every frame the host sent was received or counted ($rx + $miss = $sent)" \
	[ $((rx + miss)) -eq "$sent" ]
check "traffic crosses again after the stall" quiet lab_exec ha ping -c 2 -W 1 10.2.0.10
lab_done
