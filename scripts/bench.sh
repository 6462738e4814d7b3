#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks. Results go to stdout and bench-results/ as CSV.
#   scripts/bench.sh api [ROUTES CLASSES]   time API changes (default 1000 100)
#   scripts/bench.sh classify [RULES...]     cycles per packet of the ACL
#                                            classifier (default 100 1000 10000)
#   scripts/bench.sh sla [RUNS]              impairment (+150 ms on an underlay)
#                                            to class switch, median of RUNS (10)
# (packet-rate and scale benchmarks: issue 6)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || { echo "bench.sh: run as root" >&2; exit 1; }
scripts/setup.sh
scripts/build.sh >/dev/null || { scripts/build.sh; exit 1; }
out=${BENCH_OUT:-$top/bench-results}
mkdir -p "$out"

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
	build/control/edgewayd -c "$dir/a.yaml" >"$dir/log" 2>&1 &
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

case ${1:-} in
api) shift; bench_api "$@" ;;
classify) shift; bench_classify "$@" ;;
sla) shift; bench_sla "$@" ;;
*) echo "usage: scripts/bench.sh api [ROUTES CLASSES] | classify [RULES...] | sla [RUNS]" >&2; exit 2 ;;
esac
