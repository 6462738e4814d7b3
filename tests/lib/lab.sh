# SPDX-License-Identifier: BSD-3-Clause
# Helpers for end-to-end tests and the demo: network namespaces, veths,
# edgewayd instances, checks. Source it; call lab_init first.
#
# Every name carries a per-run id so tests can run in parallel; everything
# created is removed by lab_cleanup (installed as an EXIT trap), and only
# processes this run started are stopped, by PID.

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EDGEWAYD=${EDGEWAYD:-$LAB_TOP/build/control/edgewayd}
SCAPY_PY=/usr/bin/python3

LAB_NS=()
LAB_PIDS=()
LAB_PASS=0
LAB_FAIL=0

lab_init() {
	LAB_ID=$(printf '%05d' $(( ($$ + RANDOM) % 100000 )))
	LAB_DIR=$(mktemp -d "/tmp/ewlab.$LAB_ID.XXXX")
	LAB_MAIN_PID=$BASHPID
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
}

lab_cleanup() {
	local p ns
	# a backgrounded function runs in a subshell that inherits this trap:
	# only the test's own shell tears the lab down
	[ "$BASHPID" = "$LAB_MAIN_PID" ] || return 0
	for p in "${LAB_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${LAB_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	for ns in "${LAB_NS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# DPDK runtime directories of this run's file prefixes (all end in the id)
	rm -rf /var/run/dpdk/*-"$LAB_ID"
	[ -n "${LAB_KEEP:-}" ] || rm -rf "$LAB_DIR"
}

# lab_ns NAME -> creates namespace "NAME$LAB_ID", loopback up, no IPv6 chatter
lab_ns() {
	local ns=$1$LAB_ID
	ip netns add "$ns"
	LAB_NS+=("$ns")
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# lab_veth NS1 IF1 NS2 IF2: a veth pair, both ends up, checksum offload off
# (a kernel sender would otherwise leave TCP/UDP checksums unfinished).
lab_veth() {
	local n1=$1$LAB_ID i1=$2 n2=$3$LAB_ID i2=$4
	# explicit name/dev keywords: a short name like "al" would otherwise
	# parse as a keyword abbreviation
	ip link add name "$i1" netns "$n1" type veth peer name "$i2" netns "$n2" || return 1
	ip -n "$n1" link set dev "$i1" up || return 1
	ip -n "$n2" link set dev "$i2" up || return 1
	ip netns exec "$n1" ethtool -K "$i1" tx off rx off >/dev/null 2>&1
	ip netns exec "$n2" ethtool -K "$i2" tx off rx off >/dev/null 2>&1
	return 0
}

# lab_exec NS CMD...: run in namespace NS (short name)
lab_exec() {
	local ns=$1$LAB_ID
	shift
	ip netns exec "$ns" "$@"
}

# ew_start NAME NS CONFIG: start edgewayd in namespace NS; log in
# $LAB_DIR/NAME.log; waits until its tunnels' neighbours resolve or 10 s.
ew_start() {
	local name=$1 ns=$2$LAB_ID cfg=$3
	ip netns exec "$ns" "$EDGEWAYD" -c "$cfg" >"$LAB_DIR/$name.log" 2>&1 &
	local pid=$!
	LAB_PIDS+=("$pid")
	eval "EW_PID_$name=$pid"
	for _ in $(seq 100); do
		grep -q "running" "$LAB_DIR/$name.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "edgewayd $name did not start:" >&2
	cat "$LAB_DIR/$name.log" >&2
	return 1
}

# ew_stop NAME: SIGTERM, wait for a clean exit; returns its exit code.
ew_stop() {
	local name=$1 pid
	pid=$(eval echo "\$EW_PID_$name")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	return $?
}

# ew_dump NAME: ask for counters (SIGUSR1) and print the new log lines.
# The dump ends with the neighbour table, so it waits (up to 5 s, for a
# loaded machine) for that table's header and then for the log to stop
# growing.
ew_dump() {
	local name=$1 pid before log size i
	pid=$(eval echo "\$EW_PID_$name")
	log=$LAB_DIR/$name.log
	before=$(wc -l <"$log")
	kill -USR1 "$pid"
	for i in $(seq 50); do
		tail -n +"$((before + 1))" "$log" | grep -q '^where  *address  *mac  *state' && break
		sleep 0.1
	done
	size=-1
	while [ "$size" != "$(stat -c %s "$log")" ]; do
		size=$(stat -c %s "$log")
		sleep 0.1
	done
	tail -n +"$((before + 1))" "$log"
}

# ew_counter NAME REASON: a drop counter's value from a fresh dump (0 if
# absent).
ew_drop_count() {
	ew_dump "$1" | awk -v r="$2" '$1 == r { print $2; found=1 } END { if (!found) print 0 }'
}

# For checks on the last command's exit status $rc and output $out
# (globals): exited_saying CODE|nonzero PATTERN [PATTERN...], every
# pattern must be in $out.
exited_saying() {
	local code=$1 p
	shift
	if [ "$code" = nonzero ]; then
		[ "$rc" -ne 0 ] || return 1
	else
		[ "$rc" -eq "$code" ] || return 1
	fi
	for p in "$@"; do
		grep -q -- "$p" <<<"$out" || return 1
	done
}

# Every PATTERN is in $out.
says() {
	local p
	for p in "$@"; do
		grep -q -- "$p" <<<"$out" || return 1
	done
}

check() {
	local what=$1
	shift
	if "$@"; then
		echo "PASS: $what"
		LAB_PASS=$((LAB_PASS + 1))
	else
		echo "FAIL: $what"
		LAB_FAIL=$((LAB_FAIL + 1))
	fi
}

skip() {
	echo "SKIP: $1"
}

lab_done() {
	[ "$LAB_FAIL" -eq 0 ]
}

# wait_for SECONDS CMD...: retry CMD until it succeeds or time runs out
wait_for() {
	local t=$1
	shift
	local end=$((SECONDS + t))
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

# quiet CMD...: run CMD with its output discarded (for use inside check)
quiet() {
	"$@" >/dev/null 2>&1
}

# cap_start NS IF FILE FILTER...: tcpdump in the background (headers only);
# cap_stop: stop the last one and let it flush.
cap_start() {
	local ns=$1$LAB_ID ifc=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -i "$ifc" -nn -U --immediate-mode -s 200 -w "$file" "$@" 2>/dev/null &
	LAB_CAP_PID=$!
	LAB_PIDS+=("$LAB_CAP_PID")
	sleep 0.5
}

cap_stop() {
	local pid=${1:-$LAB_CAP_PID}
	sleep 0.3
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
