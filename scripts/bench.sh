#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks. Results go to stdout and, as CSV and PNG plots, to
# bench-results/ (BENCH_OUT overrides); `all` also rewrites
# docs/PERFORMANCE.md from them.
#   scripts/bench.sh rate [SECONDS]        packet rate, one worker: testpmd io,
#                                          edgeway LAN->WAN VXLAN and GRE, WAN->LAN
#                                          decap, OVS-DPDK; 64 B and IMIX
#   scripts/bench.sh loop                  instructions (callgrind) and TSC
#                                          cycles per packet of the worker loop
#   scripts/bench.sh scale [MAX]           10..MAX overlays (default 10000):
#                                          API create time, memory, packet rate;
#                                          the Linux data plane side by side
#   scripts/bench.sh multicore [SECONDS]   1 vs 2 workers
#   scripts/bench.sh all                   all of the above, plots, PERFORMANCE.md
#   scripts/bench.sh smoke                 a few seconds of each, no figures kept
#   scripts/bench.sh api [ROUTES CLASSES]  time API changes (default 1000 100)
#   scripts/bench.sh classify [RULES...]   cycles per packet of the ACL
#                                          classifier (default 100 1000 10000)
#   scripts/bench.sh sla [RUNS]            impairment (+150 ms on an underlay)
#                                          to class switch, median of RUNS (10)
# BENCH_EDGEWAYD=PATH measures that edgewayd binary instead of build/'s.
# Hugepages: mounted on /dev/hugepages and 512 x 2 MB reserved when
# possible; otherwise every DPDK process runs with --no-huge (slower; the
# results say so). BENCH_NO_HUGE=1 forces that (the test suite's smoke run
# does, with BENCH_NO_HUGE_MB=512, to leave the machine as it found it).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || { echo "bench.sh: run as root" >&2; exit 1; }
scripts/setup.sh bench
scripts/build.sh >/dev/null || { scripts/build.sh; exit 1; }
out=${BENCH_OUT:-$top/bench-results}
mkdir -p "$out"
tools=$top/tests/tools
py=/usr/bin/python3
# BENCH_EDGEWAYD: another edgewayd binary to measure (e.g. a before/after pair,
# each run beside the same testpmd baseline)
ewd=${BENCH_EDGEWAYD:-$top/build/control/edgewayd}
work=$(mktemp -d /tmp/ewbench.XXXX)
id=$$
PIDS=()
NSS=()
WARM=${BENCH_WARM:-2}

cleanup() {
	local p n
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for n in "${NSS[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$work" /var/run/dpdk/ewb-"$id"-*
	huge_return
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$*" >&2; }

# ---- hugepages ----
EAL=()
HUGE=no
huge_setup() {
	local f=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages free
	if [ -z "${BENCH_NO_HUGE:-}" ] && [ -w "$f" ]; then
		mkdir -p /dev/hugepages
		mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null
		[ "$(cat $f)" -ge 512 ] || echo 512 >"$f" 2>/dev/null
		free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
		if mountpoint -q /dev/hugepages && [ "${free:-0}" -ge 400 ]; then
			EAL=(--in-memory --no-pci)
			HUGE=yes
			return
		fi
	fi
	[ -n "${BENCH_NO_HUGE:-}" ] ||
		log "bench.sh: WARNING: no 2 MB hugepages (need 400 free); running with --no-huge: rates are lower than this machine can do"
	EAL=(--no-huge -m "${BENCH_NO_HUGE_MB:-1024}" --no-pci)
}

# Temporarily more 2 MB pages (for OVS when the run has none of its own).
HUGE_SAVED=
huge_borrow() {
	local f=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages free
	[ -w "$f" ] || return 1
	[ -n "$HUGE_SAVED" ] || HUGE_SAVED=$(cat "$f")
	echo $((HUGE_SAVED + $1)) >"$f" 2>/dev/null
	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	[ "${free:-0}" -ge "$1" ] || { huge_return; return 1; }
}
huge_return() {
	[ -z "$HUGE_SAVED" ] && return 0
	echo "$HUGE_SAVED" >/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
	HUGE_SAVED=
}

# ---- traffic ----
pcap() {	# DIR SIZES [OVERLAYS ROUTES] -> path (cached)
	local f=$work/$1-$2-${3:-64}-${4:-10000}.pcap
	[ -f "$f" ] || $py "$tools/mkpcap.py" "$1" "$2" 10000 "$f" ${3:+"$3" "$4"} || return 1
	echo "$f"
}

# ---- contenders; each sets RESULT (Mpps, or 0 with a reason on stderr) ----
# They run in this shell, not in $(...), so cleanup() knows every process.
RESULT=
rate_testpmd() {	# PCAP SECONDS
	local pc=$1 secs=$2 lg=$work/testpmd.log pid
	dpdk-testpmd -l 0-1 "${EAL[@]}" --file-prefix "ewb-$id-tp" \
		--vdev "net_pcap0,rx_pcap=$pc,infinite_rx=1" --vdev "net_null0,no-rx=1" \
		-- --forward-mode=io --nb-cores=1 --total-num-mbufs=65535 \
		--stats-period=1 >"$lg" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	sleep $((WARM + secs + 2))
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# port 1's Tx-pps, one line a second: median of the last SECS
	RESULT=$(awk '/NIC statistics for port/ { port = $6 } /Tx-pps:/ && port == 1 { print $2 }' "$lg" |
		tail -n "$secs" | sort -n | awk '{ a[NR] = $1 } END {
			if (NR == 0) { print 0; exit }
			printf "%.3f\n", a[int((NR + 1) / 2)] / 1e6 }')
	[ "$RESULT" != 0 ] || { log "bench.sh: testpmd gave no rate:"; tail -5 "$lg" >&2; }
}

EWPID=
ew_start() {	# CONFIG SOCKET -> EWPID; waits for the socket
	local cfg=$1 sock=$2
	"$ewd" -c "$cfg" >"$cfg.log" 2>&1 &
	EWPID=$!
	PIDS+=("$EWPID")
	for _ in $(seq 300); do
		[ -S "$sock" ] && break
		kill -0 "$EWPID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S "$sock" ]; then
		log "bench.sh: edgewayd did not start:"
		tail -5 "$cfg.log" >&2
		ew_stop "$EWPID"
		return 1
	fi
}

ew_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# edgeway at one layout: ENCAP DIR PCAP SECONDS WORKERS [OVERLAYS ROUTES RULES]
# RESULT = mpps,rx_mpps,drops,accounted
rate_edgeway() {
	local encap=$1 dir=$2 pc=$3 secs=$4 workers=$5 n_ov=${6:-64} n_rt=${7:-10000} n_ru=${8:-1000}
	local tag=$encap-$dir-$workers-$n_ov cfg sock outif
	cfg=$work/ew-$tag.yaml
	sock=$work/ew-$tag.sock
	outif=inet
	[ "$dir" = wan ] && outif=lan0
	$py "$tools/bench_layout.py" "$encap" "$dir" "$sock" "ewb-$id-$tag" "$pc" \
		"$workers" "$n_ov" "$n_rt" "$n_ru" "${EAL[@]}" >"$cfg" || return 1
	RESULT=0,0,0,0
	ew_start "$cfg" "$sock" || return 1
	sleep "$WARM"
	RESULT=$($py "$tools/ew_rate.py" "$sock" "$outif" "$secs")
	ew_stop "$EWPID"
	[ -n "$RESULT" ] || RESULT=0,0,0,0
}

OVSD=
ovs_ctl() { ovs-appctl -t "$OVSD/ovs-vswitchd-dpdk.$(cat "$OVSD/vswitchd.pid").ctl" "$@"; }
ovs_vsctl() { ovs-vsctl --db="unix:$OVSD/db.sock" "$@"; }

# Open vSwitch with DPDK in a scratch namespace and directory: br-int holds
# the pcap port and one VXLAN port per overlay, br-phy the sink and the
# underlay address; the same policy as OpenFlow rules (bench_layout.py).
rate_ovs() {	# PCAP SECONDS -> RESULT (Mpps)
	local pc=$1 secs=$2 ns=ewb-ovs-$id a b t0 t1 extra
	local vsd=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
	RESULT=0
	[ -x "$vsd" ] || { log "bench.sh: $vsd missing"; return 1; }
	OVSD=$work/ovs
	rm -rf "$OVSD"
	mkdir -p "$OVSD"
	ip netns add "$ns" || return 1
	NSS+=("$ns")
	export OVS_RUNDIR=$OVSD OVS_LOGDIR=$OVSD OVS_DBDIR=$OVSD
	# OVS always adds --in-memory, which DPDK refuses with --no-huge: without
	# hugepages of our own, borrow 256 (512 MB) for this run and give them
	# back after (--in-memory needs no hugetlbfs mount)
	extra="--no-pci --file-prefix ewb-$id-ovs"
	if [ "$HUGE" != yes ]; then
		huge_borrow 256 || { log "bench.sh: OVS-DPDK needs hugepages and none could be reserved"; return 1; }
	fi
	ovsdb-tool create "$OVSD/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	ip netns exec "$ns" ovsdb-server --remote="punix:$OVSD/db.sock" \
		--pidfile="$OVSD/ovsdb.pid" --detach --log-file="$OVSD/ovsdb.log" \
		"$OVSD/conf.db" >/dev/null 2>&1 || { log "bench.sh: ovsdb-server failed"; return 1; }
	PIDS+=("$(cat "$OVSD/ovsdb.pid")")
	ovs_vsctl --no-wait init
	ovs_vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		other_config:dpdk-extra="$extra" other_config:pmd-cpu-mask=0x2 \
		other_config:dpdk-lcore-mask=0x1
	ovs_vsctl --no-wait set Open_vSwitch . other_config:dpdk-socket-mem=448
	ip netns exec "$ns" "$vsd" "unix:$OVSD/db.sock" --pidfile="$OVSD/vswitchd.pid" \
		--detach --log-file="$OVSD/vswitchd.log" >/dev/null 2>&1 ||
		{ log "bench.sh: ovs-vswitchd failed:"; tail -5 "$OVSD/vswitchd.log" >&2; return 1; }
	PIDS+=("$(cat "$OVSD/vswitchd.pid")")
	ovs_vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev
	ovs_vsctl add-port br-phy sink -- set Interface sink type=dpdk \
		options:dpdk-devargs=net_null0,no-rx=1
	ip -n "$ns" addr add 198.51.100.1/24 dev br-phy
	ip -n "$ns" link set br-phy up
	ovs_vsctl add-br br-int -- set bridge br-int datapath_type=netdev
	ovs_vsctl add-port br-int src -- set Interface src type=dpdk \
		"options:dpdk-devargs=net_pcap0,rx_pcap=$pc,infinite_rx=1" ofport_request=1
	$py "$tools/bench_layout.py" ovs-ports | xargs ovs-vsctl --db="unix:$OVSD/db.sock"
	ovs_ctl ovs/route/add 203.0.113.0/24 br-phy 198.51.100.254 >/dev/null
	ovs_ctl tnl/arp/set br-phy 198.51.100.254 02:00:00:00:00:fe >/dev/null
	$py "$tools/bench_layout.py" ovs-flows >"$OVSD/flows.txt"
	ovs-ofctl del-flows "unix:$OVSD/br-int.mgmt"
	ovs-ofctl --bundle add-flows "unix:$OVSD/br-int.mgmt" "$OVSD/flows.txt" || return 1
	sleep "$WARM"
	a=$(ovs-ofctl dump-ports "unix:$OVSD/br-phy.mgmt" sink | grep -o 'tx pkts=[0-9]*' | cut -d= -f2)
	t0=$(date +%s.%N)
	sleep "$secs"
	b=$(ovs-ofctl dump-ports "unix:$OVSD/br-phy.mgmt" sink | grep -o 'tx pkts=[0-9]*' | cut -d= -f2)
	t1=$(date +%s.%N)
	ovs_ctl dpif-netdev/pmd-stats-show >"$OVSD/pmd-stats.txt" 2>&1
	kill -TERM "$(cat "$OVSD/vswitchd.pid")" "$(cat "$OVSD/ovsdb.pid")" 2>/dev/null
	sleep 1
	ip netns del "$ns"
	huge_return
	RESULT=$(awk -v a="${a:-0}" -v b="${b:-0}" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.3f\n", (b - a) / (t1 - t0) / 1e6 }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
ns_per_packet() { awk -v m="$1" 'BEGIN { printf "%.1f", (m > 0 ? 1000 / m : 0) }'; }

bench_rate() {
	local secs=${1:-5} sz pl pw base r m csv=$out/rate.csv
	huge_setup
	echo "== packet rate, one worker core, ${secs} s each after ${WARM} s warm-up; hugepages: $HUGE"
	echo "== source net_pcap (10,000 flows, infinite_rx) -> net_null,no-rx=1; edgeway: 64 overlays, 10,000 routes, 1,000 rules in 100 classes"
	echo "contender,traffic,mpps,ratio_to_testpmd,ns_per_packet,drops,accounted" >"$csv"
	for sz in 64 imix; do
		pl=$(pcap lan "$sz") && pw=$(pcap wan "$sz") || return 1
		rate_testpmd "$pl" "$secs"
		base=$RESULT
		echo "testpmd-io,$sz,$base,1.00,$(ns_per_packet "$base"),," >>"$csv"
		for c in vxlan:lan:"$pl" gre:lan:"$pl" vxlan:wan:"$pw"; do
			IFS=: read -r enc dir f <<<"$c"
			rate_edgeway "$enc" "$dir" "$f" "$secs" 1
			r=$RESULT
			m=${r%%,*}
			name=edgeway-lan-wan-$enc
			[ "$dir" = wan ] && name=edgeway-wan-lan-$enc-decap
			echo "$name,$sz,$m,$(ratio "$m" "$base"),$(ns_per_packet "$m"),$(cut -d, -f3,4 <<<"$r")" >>"$csv"
		done
		rate_ovs "$pl" "$secs"
		m=$RESULT
		echo "ovs-dpdk-vxlan,$sz,$m,$(ratio "$m" "$base"),$(ns_per_packet "$m"),,"  >>"$csv"
	done
	column -s, -t <"$csv"
	awk -F, '$1 == "edgeway-lan-wan-vxlan" { e[$2] = $3 } $1 == "ovs-dpdk-vxlan" { o[$2] = $3 }
		END { for (k in e) if (o[k] > 0) printf "edgeway VXLAN / OVS-DPDK (%s): %.1fx\n", k, e[k] / o[k] }' "$csv"
	awk -F, 'NR > 1 && $1 ~ /^edgeway/ && $7 != 1 { bad = 1; print "bench.sh: counters do not add up for " $1 " " $2 > "/dev/stderr" }
		NR > 1 && $3 + 0 == 0 { bad = 1; print "bench.sh: no rate for " $1 " " $2 > "/dev/stderr" } END { exit bad }' "$csv"
}

bench_loop() {
	local pl pw csv=$out/loop.csv n=${BENCH_LOOP_PACKETS:-200000} cg ir cyc tops enc dir f ifn
	pl=$(pcap lan 64) && pw=$(pcap wan 64) || return 1
	echo "== worker loop without ports (tests/bench/bench_loop): instructions per packet (callgrind, ew_worker_rx inclusive) and TSC cycles per packet"
	echo "path,instructions_per_packet,cycles_per_packet,top_functions" >"$csv"
	for c in vxlan:lan:"$pl":lan0 gre:lan:"$pl":lan0 vxlan:wan:"$pw":inet; do
		IFS=: read -r enc dir f ifn <<<"$c"
		$py "$tools/bench_layout.py" "$enc" "$dir" "$work/loop.sock" "ewb-$id-loop" "$f" \
			1 64 10000 1000 --no-huge >"$work/loop-$enc-$dir.yaml"
		# TSC cycles: the median of 3 runs of 2 M packets
		cyc=$(for _ in 1 2 3; do
			build/tests/bench/bench_loop "$work/loop-$enc-$dir.yaml" "$f" "$ifn" 2000000 2>/dev/null |
				awk -F, '$1 == "cycles_per_packet" { print $2 }'
		done | sort -n | sed -n 2p)
		cg=$work/cg-$enc-$dir.out
		valgrind --tool=callgrind --callgrind-out-file="$cg" --toggle-collect=ew_worker_rx \
			build/tests/bench/bench_loop "$work/loop-$enc-$dir.yaml" "$f" "$ifn" "$n" >/dev/null 2>"$cg.log"
		ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$cg.log")
		tops=$($py "$tools/cg_top.py" "$cg" "$n" 5)
		name=lan-wan-$enc
		[ "$dir" = wan ] && name=wan-lan-$enc-decap
		echo "$name,$(awk -v i="$ir" -v n="$n" 'BEGIN { printf "%.0f", i / n }'),${cyc:-nan},\"$tops\"" >>"$csv"
	done
	cat "$csv"
}

# API creation of N overlays (1 tunnel, 10 routes each), one per request
# and in batches of 1,000; memory; the Linux data plane side by side; packet
# rate at that table size.
bench_scale() {
	local max=${1:-10000} n base pid csv=$out/scale.csv lcsv=$out/scale_linux.csv rcsv=$out/scale_rate.csv
	local sizes=${BENCH_SIZES:-10 100 1000 10000} r pl
	huge_setup
	echo "== scale: N overlays, each 1 tunnel and 10 routes, through the API (one request each, and batches of 1,000)"
	echo "mode,overlays,routes,batch,seconds,ms_per_overlay,ms_per_overlay_last10pct,rss_kib,heap_kib,rss_kib_per_overlay,heap_kib_per_overlay" >"$csv"
	for n in $sizes; do
		[ "$n" -le "$max" ] || continue
		for b in 1 1000; do
			base=$work/scale-$n-$b.yaml
			cat >"$base" <<EOF2
node: { name: scale }
dataplane: { workers: 1, eal: [$(printf '"%s", ' "${EAL[@]}")--file-prefix, ewb-$id-scale] }
control: { socket: $work/scale.sock }
interfaces:
  - { name: lan0, role: lan, device: "net_null0,no-rx=1", address: 10.1.0.1/16 }
  - { name: inet, role: wan, device: "net_null1,no-rx=1", address: 198.51.100.1/24, gateway: 198.51.100.254,
      neighbors: [ { address: 198.51.100.254, mac: "02:00:00:00:00:fe" } ] }
EOF2
			ew_start "$base" "$work/scale.sock" || return 1
			r=$($py "$tools/scale_api.py" "$work/scale.sock" "$EWPID" "$n" 10 "$b") || { ew_stop "$EWPID"; return 1; }
			ew_stop "$EWPID"
			echo "$([ "$b" = 1 ] && echo per-request || echo batch),$r" >>"$csv"
		done
	done
	column -s, -t <"$csv"
	echo "== packet rate, LAN->WAN VXLAN 64 B, as the tables grow (10 routes per overlay, 1,000 rules; then 10,000 rules)"
	echo "overlays,routes,rules,mpps,rx_mpps,drops,accounted" >"$rcsv"
	for n in $sizes; do
		[ "$n" -le "$max" ] || continue
		pl=$(pcap lan 64 "$n" $((n * 10))) || return 1
		rate_edgeway vxlan lan "$pl" "${BENCH_SECS:-5}" 1 "$n" $((n * 10)) 1000
		echo "$n,$((n * 10)),1000,$RESULT" >>"$rcsv"
	done
	if [ "$max" -ge 10000 ]; then
		pl=$work/lan-64-10000-100000-r10000.pcap
		$py "$tools/mkpcap.py" lan 64 10000 "$pl" 10000 100000 10000 || return 1
		rate_edgeway vxlan lan "$pl" "${BENCH_SECS:-5}" 1 10000 100000 10000
		echo "10000,100000,10000,$RESULT" >>"$rcsv"
	fi
	column -s, -t <"$rcsv"
	echo "== the seed paper's Linux data plane at the same sizes (ip -batch + nft -f in a scratch namespace)"
	echo "overlays,routes,seconds,ms_per_overlay,kernel_kib_per_overlay" >"$lcsv"
	for n in $sizes; do
		[ "$n" -le "$max" ] || continue
		bash "$tools/linux_dp_scale.sh" "$n" 10 >>"$lcsv" || return 1
	done
	column -s, -t <"$lcsv"
}

bench_multicore() {
	local secs=${1:-5} pl csv=$out/multicore.csv w r
	huge_setup
	pl=$(pcap lan 64) || return 1
	echo "== LAN->WAN VXLAN 64 B with 1 and 2 workers (2 pcap queues); this machine has $(nproc) cores, and the control thread shares one"
	echo "workers,mpps,rx_mpps,drops,accounted" >"$csv"
	for w in 1 2; do
		rate_edgeway vxlan lan "$pl" "$secs" "$w"
		echo "$w,$RESULT" >>"$csv"
	done
	column -s, -t <"$csv"
}

# Seconds of each piece, so the benchmark cannot rot; no figures kept.
bench_smoke() {
	local pl r
	huge_setup
	WARM=1
	out=$work/smoke
	mkdir -p "$out"
	pl=$(pcap lan 64) || return 1
	rate_testpmd "$pl" 1
	echo "smoke: testpmd io: $RESULT Mpps"
	[ "$RESULT" != 0 ] || return 1
	rate_ovs "$pl" 1
	echo "smoke: OVS-DPDK: $RESULT Mpps"
	[ "$RESULT" != 0.000 ] && [ "$RESULT" != 0 ] || return 1
	for c in vxlan:lan:lan gre:lan:lan vxlan:wan:wan; do
		IFS=: read -r enc dir src <<<"$c"
		rate_edgeway "$enc" "$dir" "$(pcap "$src" 64)" 1 1
		echo "smoke: edgeway $enc $dir: $RESULT (mpps,rx_mpps,drops,accounted)"
		[ "$(cut -d, -f4 <<<"$RESULT")" = 1 ] && [ "${RESULT%%,*}" != 0.000 ] || return 1
	done
	$py "$tools/bench_layout.py" vxlan lan "$work/sl.sock" "ewb-$id-sl" "$pl" 1 64 10000 1000 --no-huge >"$work/sl.yaml"
	r=$(build/tests/bench/bench_loop "$work/sl.yaml" "$pl" lan0 20000 2>/dev/null) || return 1
	echo "smoke: bench_loop: $(tr '\n' ' ' <<<"$r")"
	BENCH_SIZES=100 BENCH_SECS=1 bench_scale 100 >"$work/scale.txt" || { cat "$work/scale.txt"; return 1; }
	echo "smoke: scale at 100 overlays: $(grep -c '^[a-z-]*,100,' "$out/scale.csv") API runs, $(tail -1 "$out/scale_linux.csv" | cut -d, -f3) s Linux, $(tail -1 "$out/scale_rate.csv" | cut -d, -f4) Mpps"
	plots 2>/dev/null || return 1
	[ -s "$out/scale_time.png" ] || { log "bench.sh: no plot"; return 1; }
}

bench_api() {
	local routes=${1:-1000} classes=${2:-100} dir id pid rc
	id=$$
	dir=$(mktemp -d /tmp/ewbench.XXXX)
	cat >"$dir/a.yaml" <<EOF2
node: { name: bench }
dataplane: { eal: [--no-huge, -m, "512", --no-pci, --file-prefix, ew-bench-$id] }
control: { socket: $dir/a.sock }
interfaces:
  - { name: lan0, role: lan, device: "net_null0,no-rx=1", address: 10.1.0.1/24 }
  - { name: inet, role: wan, device: "net_null1,no-rx=1", address: 198.51.100.1/24, gateway: 198.51.100.254 }
overlays:
  - name: gold
    id: 100
    encap: vxlan
    address: 169.254.100.1/24
    tunnels: [{ name: to-b, wan: inet, remote: 203.0.113.2, peer: 169.254.100.2 }]
EOF2
	"$ewd" -c "$dir/a.yaml" >"$dir/log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do [ -S "$dir/a.sock" ] && break; sleep 0.1; done
	echo "== API: $routes route adds, $classes class adds (one request each), then one apply of it all"
	/usr/bin/python3 tests/tools/api_bench.py "$dir/a.sock" "$routes" "$classes" | tee "$out/api.csv"
	rc=${PIPESTATUS[0]}
	kill -TERM "$pid"
	wait "$pid"
	rm -rf "$dir" "/var/run/dpdk/ew-bench-$id"
	return "$rc"
}

bench_classify() {
	echo "== classification: random rule sets (tcp/udp, a /16-/28 destination, ports, ingress, DSCP) in 100 classes, bursts of 32; rte_acl picks its code path at start-up"
	build/tests/bench/bench_classify "$@" | tee "$out/classify.csv"
	return "${PIPESTATUS[0]}"
}

bench_sla() {
	local runs=${1:-10} log
	log=$(mktemp)
	echo "== SLA: +150 ms on the active overlay's underlay (WAN emulator) to the class's switch, $runs runs"
	EW_SLA_CYCLES=$runs bash tests/e2e/sla_latency.sh >"$log" 2>&1
	grep -E '^(INFO: cycle [0-9]+: \+150|INFO: impairment|FAIL)' "$log"
	grep -o 'after [0-9]* ms (silver' "$log" | awk '{ print NR "," $2 }' |
		{ echo "run,switch_ms"; cat; } >"$out/sla.csv"
	! grep -q '^FAIL' "$log"
	local rc=$?
	rm -f "$log"
	return $rc
}

bench_all() {
	local t0=$SECONDS rc=0
	bench_rate "${BENCH_SECS:-5}" || rc=1
	bench_loop || rc=1
	bench_multicore "${BENCH_SECS:-5}" || rc=1
	bench_scale 10000 || rc=1
	plots || rc=1
	# the figures the document shows are kept with it
	mkdir -p "$top/docs/perf"
	for f in rate loop multicore scale scale_linux scale_rate; do
		cp "$out/$f.csv" "$top/docs/perf/" 2>/dev/null
	done
	cp "$out"/*.png "$top/docs/perf/" 2>/dev/null
	$py "$tools/perf_report.py" "$out" "$HUGE" >"$top/docs/PERFORMANCE.md" || rc=1
	echo "== all done in $((SECONDS - t0)) s; docs/PERFORMANCE.md rewritten from $out"
	return $rc
}

# PNGs from whichever CSVs exist in $out.
plots() {
	command -v gnuplot >/dev/null || { log "bench.sh: no gnuplot"; return 1; }
	local common='set datafile separator ","; set terminal pngcairo size 900,500 noenhanced; set grid ytics; set key left top'
	if [ -s "$out/rate.csv" ]; then
		gnuplot -e "$common" - <<EOF2 || return 1
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "Mpps (one core)"
set yrange [0:*]
set key right top
set title "Packet rate, one worker core, 10,000 flows"
set output "$out/rate.png"
set xtics rotate by -15 scale 0
plot "< awk -F, 'NR > 1 && \$2 == 64 { print \$1 \",\" \$3 }' $out/rate.csv" using 2:xtic(1) title "64 B", \
     "< awk -F, 'NR > 1 && \$2 == \"imix\" { print \$1 \",\" \$3 }' $out/rate.csv" using 2 title "IMIX"
EOF2
	fi
	if [ -s "$out/scale.csv" ] && [ -s "$out/scale_linux.csv" ]; then
		gnuplot -e "$common" - <<EOF2 || return 1
set style data linespoints
set logscale x
set logscale y
set xlabel "overlays (1 tunnel and 10 routes each)"
set ylabel "seconds to create them all"
set title "Creating overlays: edgeway's API against the Linux data plane"
set output "$out/scale_time.png"
plot "< awk -F, '\$1 == \"per-request\"' $out/scale.csv" using 2:5 title "edgeway, one request per overlay" lw 2, \
     "< awk -F, '\$1 == \"batch\"' $out/scale.csv" using 2:5 title "edgeway, batches of 1,000" lw 2, \
     "< tail -n +2 $out/scale_linux.csv" using 1:3 title "Linux (ip -batch, nft -f)" lw 2
unset logscale y
set ylabel "KiB per overlay"
set yrange [0:*]
set title "Memory per overlay"
set output "$out/scale_memory.png"
plot "< awk -F, '\$1 == \"batch\"' $out/scale.csv" using 2:10 title "edgeway: process RSS growth" lw 2, \
     "< awk -F, '\$1 == \"batch\"' $out/scale.csv" using 2:11 title "edgeway: DPDK heap growth" lw 2, \
     "< tail -n +2 $out/scale_linux.csv" using 1:5 title "Linux: kernel slab + percpu growth" lw 2
EOF2
	fi
	if [ -s "$out/scale_rate.csv" ]; then
		gnuplot -e "$common" - <<EOF2 || return 1
set style data linespoints
set logscale x
set xlabel "overlays (10 routes each)"
set ylabel "Mpps (one core)"
set yrange [0:*]
set title "LAN->WAN VXLAN, 64 B: packet rate as the tables grow"
set output "$out/scale_rate.png"
plot "< awk -F, 'NR > 1 && \$3 == 1000' $out/scale_rate.csv" using 1:4 title "edgeway, 1,000 ACL rules" lw 2, \
     "< awk -F, 'NR > 1 && \$3 == 10000' $out/scale_rate.csv" using 1:4 title "edgeway, 10,000 ACL rules" lw 2 pt 7 ps 1.5
EOF2
	fi
}

case ${1:-} in
rate) shift; bench_rate "$@" ;;
loop) shift; bench_loop "$@" ;;
scale) shift; bench_scale "$@" ;;
multicore) shift; bench_multicore "$@" ;;
all) shift; bench_all "$@" ;;
smoke) shift; bench_smoke "$@" ;;
api) shift; bench_api "$@" ;;
classify) shift; bench_classify "$@" ;;
sla) shift; bench_sla "$@" ;;
*) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
