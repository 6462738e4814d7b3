#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Soak (issue 7): 60 s of TCP and UDP iperf3 through two edgeways while
# site A takes an API change every 100 ms (routes, re-steering between the
# VXLAN and the GRE overlay, overlays added and removed) and STAMP probes
# run on every tunnel. Afterwards, at each edgeway, the counters add up:
# every packet received was forwarded, dropped under a named reason, or
# handed to the control thread (rx = forwarded + drops + punted, and what
# was sent beyond the forwarded packets is the control thread's own);
# every lost UDP packet is counted by edgeway or by the lab's kernel (input
# backlog, receiving socket); RSS grew less than 4 MiB after the first
# 10 s; the logs hold no error or warning. Alongside (issue 11), site A
# has hostile clients all along: rounds of 50 control-socket clients that
# leave mid-request, two DPDK telemetry clients polling /edgeway/*, and a
# metrics client streaming garbage; A stays alive and answering.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

SECS=${EW_SOAK_SECS:-60}
TOPO_METRICS=127.0.0.1:9580 topo_two_sites_running || exit 1
PY=/usr/bin/python3
js() { $PY -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ctl() { "$LAB_TOP/build/control/edgewayctl" -s "$LAB_DIR/$1.sock" "${@:2}"; }
check "probes see both tunnels up" wait_for 10 \
	bash -c "[ \"\$('$LAB_TOP/build/control/edgewayctl' -s '$LAB_DIR/a.sock' --json show tunnels |
		$PY -c 'import json,sys; print(all(t[\"up\"] for t in json.load(sys.stdin)[\"tunnels\"]))')\" = True ]"

# the accounting: per daemon, sums over its interfaces and its punts
account() {
	ctl "$1" --json show interfaces | js '" ".join(str(x) for x in (
		sum(i["rx_packets"] for i in d["interfaces"]),
		sum(i["tx_packets"] for i in d["interfaces"]),
		sum(i["drops"] - i["rx_missed"] - i["rx_errors"] - i["rx_nombuf"] - i["tx_errors"] for i in d["interfaces"]),
		sum(i["drops"] for i in d["interfaces"])))'
}
punted() { ctl "$1" --json show stats | js 'd["punted"]'; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

lab_exec hb iperf3 -s -D -p 5201 -I "$LAB_DIR/iperf1.pid" >/dev/null 2>&1
lab_exec hb iperf3 -s -D -p 5202 -I "$LAB_DIR/iperf2.pid" >/dev/null 2>&1
sleep 0.5
for f in iperf1 iperf2; do [ -s "$LAB_DIR/$f.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/$f.pid")"); done
# where else a packet can be lost in this lab: the kernel's per-CPU input
# backlog (veth to the af_packet socket; /proc/net/softnet_stat, all
# namespaces) and the receiving host's UDP socket buffer
# (column 2, hex; summed in bash: strtonum is gawk's, and awk here may be mawk)
softnet() { local s=0 x; while read -r _ x _; do s=$((s + 16#$x)); done </proc/net/softnet_stat; echo "$s"; }
rcvbuf() { ip netns exec "hb$LAB_ID" awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp; }
declare -A r0 p0
for s in a b; do r0[$s]=$(account $s); p0[$s]=$(punted $s); done
sn0=$(softnet); rb0=$(rcvbuf)
ip netns exec "ha$LAB_ID" iperf3 -c 10.2.0.10 -p 5201 -b 300M -t "$SECS" -J >"$LAB_DIR/tcp.json" 2>&1 &
tpid=$!
ip netns exec "ha$LAB_ID" iperf3 -c 10.2.0.10 -p 5202 -u -b 10M -l 1200 -w 4M -t "$SECS" -J >"$LAB_DIR/udp.json" 2>&1 &
upid=$!
LAB_PIDS+=("$tpid" "$upid")
n=$((SECS * 10 - 20))
$PY "$LAB_TOP/tests/tools/churn.py" "$LAB_DIR/a.sock" "$n" default gold silver gold to-peer 100 >"$LAB_DIR/churn.out" 2>&1 &
cpid=$!
LAB_PIDS+=("$cpid")
# the hostile clients at A, for as long as the traffic runs
H="$PY $LAB_TOP/tests/tools/hostile.py"
TEL=/var/run/dpdk/ew-a-$LAB_ID/dpdk_telemetry.v2
hsecs=$((SECS - 5))
$H ctl-churn "$LAB_DIR/a.sock" "$hsecs" 50 >"$LAB_DIR/h-ctl.out" 2>&1 &
hpids=($!)
$H tel-poll "$TEL" "$hsecs" all 20 >"$LAB_DIR/h-tel1.out" 2>&1 &
hpids+=($!)
$H tel-poll "$TEL" "$hsecs" all 20 >"$LAB_DIR/h-tel2.out" 2>&1 &
hpids+=($!)
ip netns exec "ea$LAB_ID" $H http-garbage 127.0.0.1 9580 "$hsecs" >"$LAB_DIR/h-http.out" 2>&1 &
hpids+=($!)
LAB_PIDS+=("${hpids[@]}")
sleep 10
rss_a0=$(rss "$EW_PID_a"); rss_b0=$(rss "$EW_PID_b")
wait "$cpid"; crc=$?
wait "$tpid"; wait "$upid"
wait "${hpids[@]}"
sleep 1
rss_a1=$(rss "$EW_PID_a"); rss_b1=$(rss "$EW_PID_b")
echo "INFO: churn: $(cat "$LAB_DIR/churn.out")"
check "$n API changes, one every 100 ms, all accepted" [ "$crc" -eq 0 ]
hostile=$(cat "$LAB_DIR"/h-ctl.out "$LAB_DIR"/h-tel1.out "$LAB_DIR"/h-tel2.out "$LAB_DIR"/h-http.out)
echo "$hostile" | sed 's/^/INFO: hostile: /'
check "50 control clients at a time left mid-request, round after round" \
	grep -qE '^control clients closed mid-request: [1-9][0-9]* rounds of 50$' <<<"$hostile"
check "two telemetry clients were answered all along" \
	[ "$(grep -cE '^telemetry: [1-9][0-9]* answers, 0 bad$' <<<"$hostile")" -eq 2 ]
check "a metrics client streamed garbage all along" \
	grep -qE '^garbage connections at the metrics port: [1-9]' <<<"$hostile"
refused=$(ip netns exec "ea$LAB_ID" curl -sf -m 2 http://127.0.0.1:9580/metrics | grep '^edgeway_metrics_refused_total')
echo "$refused" | sed 's/^/INFO: /'
check "A still serves /metrics, and counted the garbage it refused" \
	grep -qE 'reason="(too_large|malformed)"} [1-9]' <<<"$refused"
check "A still answers its control socket" [ "$(ctl a --json hello | js 'd["node"]')" = site-a ]

read -r tcp_mb tcp_retr < <($PY -c 'import json,sys
d = json.load(open(sys.argv[1]))["end"]
print(int(d["sum_received"]["bytes"] / 1e6), d["sum_sent"].get("retransmits", 0))' "$LAB_DIR/tcp.json" 2>/dev/null || echo "0 0")
read -r usent ulost < <($PY -c 'import json,sys
s = json.load(open(sys.argv[1]))["end"]["sum"]
print(s["packets"], s["lost_packets"])' "$LAB_DIR/udp.json" 2>/dev/null || echo "0 -1")
echo "INFO: TCP ${tcp_mb} MB received (${tcp_retr} retransmits); UDP $usent sent, $ulost lost"
check "TCP moved data for ${SECS} s (${tcp_mb} MB)" [ "$tcp_mb" -gt 50 ]
check "UDP ran (${usent} packets)" [ "$usent" -gt $((SECS * 500)) ]

alldrops=0
for s in a b; do
	read -r rx0 tx0 own0 d0 <<<"${r0[$s]}"
	read -r rx1 tx1 own1 d1 < <(account $s)
	pu=$(( $(punted $s) - ${p0[$s]} ))
	rx=$((rx1 - rx0)); tx=$((tx1 - tx0)); own=$((own1 - own0)); alldrops=$((alldrops + d1 - d0))
	fwd=$((rx - own - pu))
	ctl_sent=$((tx - fwd))
	echo "INFO: $s: rx $rx = forwarded $fwd + own drops $own + punted $pu; tx $tx = forwarded + $ctl_sent sent by the control thread; all drops incl. device $((d1 - d0))"
	# the control thread sends probes (10/s per tunnel, 2 tunnels), their
	# reflections, ARP and answers to what was punted: bounded by that
	ok=0
	[ "$ctl_sent" -ge 0 ] && [ "$ctl_sent" -le $((pu + SECS * 2 * 10 * 2 + 200)) ] && ok=1
	check "$s: every packet received is forwarded, dropped or punted (control sent $ctl_sent)" [ "$ok" = 1 ]
done
sn=$(( $(softnet) - sn0 )); rb=$(( $(rcvbuf) - rb0 ))
echo "INFO: counted losses: edgeway $alldrops, kernel input backlog $sn, host B UDP receive buffer $rb"
ok=0
[ "$ulost" -ge 0 ] && [ "$ulost" -le $((alldrops + sn + rb)) ] && ok=1
check "every lost UDP packet ($ulost) is counted somewhere (edgeway $alldrops + kernel $sn + host $rb)" [ "$ok" = 1 ]
echo "INFO: RSS A ${rss_a0} -> ${rss_a1} KiB, B ${rss_b0} -> ${rss_b1} KiB"
check "A's RSS grew less than 4 MiB after the first 10 s" [ $((rss_a1 - rss_a0)) -lt 4096 ]
check "B's RSS grew less than 4 MiB after the first 10 s" [ $((rss_b1 - rss_b0)) -lt 4096 ]
check "tunnels still up at the end" wait_for 5 \
	bash -c "[ \"\$('$LAB_TOP/build/control/edgewayctl' -s '$LAB_DIR/a.sock' --json show tunnels |
		$PY -c 'import json,sys; print(all(t[\"up\"] for t in json.load(sys.stdin)[\"tunnels\"]))')\" = True ]"

ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
# DPDK's start-up notices about hugepages and telemetry are not ours, and
# the counters printed at exit are not messages: a drop reason's meaning
# ("... resolution failed") is no error (drops are accounted above; the
# second site's probes to the first, stopped first, wait for ARP in vain)
errs=$(cat "$LAB_DIR/a.log" "$LAB_DIR/b.log" | grep -iE 'error|warn|fail|sanitizer' |
	grep -vE 'hugepages reported|legacy (socket|callbacks)' |
	grep -vE '^[a-z0-9_]+ +[0-9]+  [a-z]' || true)
[ -n "$errs" ] && echo "$errs" | head -5 | sed 's/^/INFO: log: /'
check "no error or warning in either log" [ -z "$errs" ]
lab_done
