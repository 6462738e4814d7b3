#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hostile clients (issue 11, items 1, 4 and 5): edgewayd survives clients of
# its control socket, metrics server and DPDK telemetry socket that leave
# early (SIGPIPE), clients that send an oversized frame and leave (their
# slots are freed), a client that never reads its answers (not read from
# while they pile up), a request line streamed without end at the metrics
# port (cut off, memory bounded), other methods and paths (405, 404), idle
# connections (a cap, a timeout), and two telemetry clients polling while
# the API publishes generations (each reader safe on its own). With
# EDGEWAYD pointing at a sanitizer build (tests/e2e/sanitizers.sh) any
# report is a failure too.
set -u
. "$(dirname "$0")/../lib/lab.sh"
lab_init

PY=/usr/bin/python3
H="$PY $LAB_TOP/tests/tools/hostile.py"
SOCK=$LAB_DIR/a.sock
TEL=/var/run/dpdk/ew-a-$LAB_ID/dpdk_telemetry.v2
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$LAB_DIR/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$LAB_DIR/ubsan"

lab_ns ea
cat >"$LAB_DIR/a.yaml" <<EOF
node: { name: site-a }
dataplane:
  workers: 1
  eal: [--no-huge, -m, "512", --no-pci, --file-prefix, ew-a-$LAB_ID]
  mbufs: 8192
control: { socket: $SOCK, metrics: "127.0.0.1:9580" }
interfaces:
  - { name: lan0, role: lan, device: "net_null0,no-rx=1", address: 10.1.0.1/24 }
  - { name: inet, role: wan, device: "net_null1,no-rx=1", address: 198.51.100.1/24, gateway: 198.51.100.254 }
overlays:
  - name: gold
    id: 100
    encap: vxlan
    address: 169.254.100.1/24
    tunnels:
      - { name: to-b, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2, probe: none }
    routes:
      - { prefix: 10.2.0.0/16, via: to-b }
  - name: silver
    id: 200
    encap: gre
    address: 169.254.200.1/24
    tunnels:
      - { name: to-b2, wan: inet, remote: 203.0.113.2, peer: 169.254.200.2, probe: none }
  - name: bulk
    id: 300
    encap: vxlan
    address: 172.16.0.1/16
    tunnels:
EOF
# many tunnels: the telemetry callbacks walk the tables for a while
for i in $(seq 1 800); do
	echo "      - { name: t$i, wan: inet, remote: 100.64.$((i / 200)).$((i % 200 + 1)), peer: 172.16.$((i / 200 + 1)).$((i % 200 + 1)), probe: none }"
done >>"$LAB_DIR/a.yaml"
cat >>"$LAB_DIR/a.yaml" <<EOF
classes:
  - name: default
    overlays: [gold, silver]
EOF

start() { ew_start a ea "$LAB_DIR/a.yaml"; }
# alive WHAT: check that edgewayd still runs and answers; if it died,
# say how and start it again, so the next part is judged on its own
alive() {
	local rc
	if kill -0 "$EW_PID_a" 2>/dev/null &&
			[ "$($H hello "$SOCK" 5)" = served ]; then
		check "$1: edgewayd alive and answering" true
		return
	fi
	if kill -0 "$EW_PID_a" 2>/dev/null; then
		echo "INFO: edgewayd runs but does not answer: restarting it"
		kill -TERM "$EW_PID_a"
	fi
	wait "$EW_PID_a" 2>/dev/null; rc=$?
	echo "INFO: edgewayd died (exit $rc$( [ $rc -gt 128 ] && echo ", signal $((rc - 128))"))"
	check "$1: edgewayd alive and answering" false
	cp "$LAB_DIR/a.log" "$LAB_DIR/a.log.$SECONDS"
	start || exit 1
}
m() { lab_exec ea $H "$@" 127.0.0.1 9580; }
mm() { local c=$1; shift; lab_exec ea $H "$c" 127.0.0.1 9580 "$@"; }

start || exit 1

# 5a. first, on a fresh daemon (no freed heap to reuse): a request line
# streamed without end at the metrics port
out=$(mm stream "$EW_PID_a" $((32 << 20)))
echo "INFO: $out"
# (what the client gets out before it sees the close sits in the kernel's
# socket buffers, not in edgewayd)
check "a request line streamed without end (32 MiB) is cut off" grep -q "cut off True" <<<"$out"
grow=$(sed -n 's/.*RSS grew \(-*[0-9]*\) KiB/\1/p' <<<"$out")
check "edgewayd's RSS grew less than 4 MiB meanwhile (${grow:-?} KiB)" [ "${grow:-99999}" -lt 4096 ]
alive "a streamed request line"

# 1. clients that leave before their answer is written (SIGPIPE)
$H early "$SOCK" 200 >/dev/null
alive "200 control clients sending a request and closing at once"
mm http-early 200 >/dev/null
alive "200 metrics clients sending a scrape and closing at once"
$H tel-early "$TEL" 100 >/dev/null
alive "100 telemetry clients closing at once"

# 1b. an oversized frame, and the client gone before the refusal: its
# slot must be freed (256 leaked slots pause the listener for good)
$H oversized "$SOCK" 300 >/dev/null
out=$($H hello "$SOCK" 15)
check "after 300 oversized-frame clients a normal client is served ($out)" [ "$out" = served ]
alive "300 oversized-frame clients"

# 1c. a client that pipelines requests and never reads the answers (each
# 'show tunnels' answer is ~100 KB here): edgewayd stops reading it while
# its unread answers are over 1 MiB, instead of buffering them all
out=$($H no-read "$SOCK" "$EW_PID_a" 2000)
echo "$out" | sed 's/^/INFO: /'
grow=$(sed -n 's/.*RSS grew \(-*[0-9]*\) KiB/\1/p' <<<"$out")
sent=$(sed -n 's/.*no-read client: \([0-9]*\) of.*/\1/p' <<<"$out")
check "a client that never reads its answers is not read from meanwhile (${sent:-?} of 2000 requests taken)" \
	[ "${sent:-2000}" -lt 2000 ]
if ldd "$EDGEWAYD" | grep -q libasan; then
	# ASan keeps freed memory in quarantine: RSS says nothing here
	echo "SKIP: RSS bound under ASan (${grow:-?} KiB)"
else
	check "... and edgewayd's RSS grew less than 16 MiB (${grow:-?} KiB)" \
		[ "${grow:-99999}" -lt 16384 ]
fi
check "... and meanwhile another client is served" grep -q "reads nothing: served" <<<"$out"
alive "a client that never reads its answers"
# one more that never reads and never leaves: closed after 30 s (checked
# at the end)
$H no-read-hold "$SOCK" 45 >"$LAB_DIR/hold.out" 2>&1 &
holdpid=$!
LAB_PIDS+=("$holdpid")

# 5b. the metrics server: methods, paths, a connection cap, a timeout
out=$(m codes)
echo "$out" | sed 's/^/INFO: /'
check "GET /metrics: 200" grep -q "^GET /metrics: 200$" <<<"$out"
check "GET /other: 404" grep -q "^GET /other: 404$" <<<"$out"
check "POST /metrics: 405" grep -q "^POST /metrics: 405$" <<<"$out"
check "DELETE /metrics: 405" grep -q "^DELETE /metrics: 405$" <<<"$out"
check "PUT /other: 405" grep -q "^PUT /other: 405$" <<<"$out"
out=$(mm idle "$EW_PID_a" 50)
echo "INFO: $out"
acc=$(sed -n 's/.* \([0-9]*\) accepted.*/\1/p' <<<"$out")
check "50 idle metrics connections: at most 16 taken at once (${acc:-?})" [ "${acc:-999}" -le 16 ]
out=$(m timeout)
echo "INFO: $out"
check "an unfinished request is closed within 12 s" \
	grep -qE "closed after ([0-9]|1[01])\.[0-9] s" <<<"$out"
check "a scrape after all that works" wait_for 15 \
	bash -c "ip netns exec ea$LAB_ID curl -sf -m 2 http://127.0.0.1:9580/metrics | grep -q '^edgeway_generation '"
out=$(lab_exec ea curl -sf -m 2 http://127.0.0.1:9580/metrics | grep '^edgeway_metrics_refused_total')
echo "$out" | sed 's/^/INFO: /'
check "refusals are counted by reason (method, path, too_large, timeout, busy)" \
	says 'reason="method"} [3-9]' 'reason="path"} [1-9]' 'reason="too_large"} [1-9]' \
	'reason="timeout"} [1-9]' 'reason="busy"} [1-9]'
alive "the metrics clients"

# 4. telemetry clients polling while the API publishes generations: DPDK
# runs each in its own thread; each must read the tables safely (under
# the sanitizer build a use-after-free is reported; see sanitizers.sh)
pids=()
for k in 1 2 3 4; do
	$H tel-poll "$TEL" 15 /edgeway/tunnels >"$LAB_DIR/tel$k.out" 2>&1 &
	pids+=($!)
done
LAB_PIDS+=("${pids[@]}")
crc=0 gens=0
while kill -0 "${pids[0]}" 2>/dev/null; do
	$PY "$LAB_TOP/tests/tools/churn.py" "$SOCK" 30 default gold silver gold to-b >"$LAB_DIR/churn.out" 2>&1 || crc=1
	gens=$((gens + 30))
	kill -0 "$EW_PID_a" 2>/dev/null || break
done
wait "${pids[@]}"
tel=$(cat "$LAB_DIR"/tel[1-4].out)
echo "$tel" | sed 's/^/INFO: /'
check "the API published $gens generations meanwhile" [ "$crc" -eq 0 ]
check "four telemetry clients were answered throughout" \
	[ "$(grep -c ' answers, 0 bad$' <<<"$tel")" -eq 4 ]
alive "four telemetry clients polling while generations are published"
wait "$holdpid"
out=$(cat "$LAB_DIR/hold.out")
echo "INFO: a client that never reads and never leaves: $out"
check "... is closed by edgewayd after its 30 s (26-36 s from its last send)" grep -qE "^closed after (2[6-9]|3[0-6])\.[0-9] s" <<<"$out"

# stop while two telemetry clients poll: teardown must not free what a
# callback is reading (under ASan, a report is a failure below)
for k in 1 2; do
	$H tel-poll "$TEL" 5 all >"$LAB_DIR/telstop$k.out" 2>&1 &
	LAB_PIDS+=($!)
done
sleep 1
ew_stop a
check "edgewayd exits 0 on SIGTERM (two telemetry clients polling)" [ $? -eq 0 ]
reports=$(ls "$LAB_DIR"/asan.* "$LAB_DIR"/ubsan.* 2>/dev/null)
for r in $reports; do head -30 "$r" | sed 's/^/INFO: /'; done
check "no sanitizer reports" [ -z "$reports" ]
lab_done
