#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# edgewayd as an operator meets it: --check exit codes and messages, a
# missing interface, a second daemon on the same DPDK file prefix, SIGINT;
# and edgewayctl's help and usage, generated from its grammar table.
set -u
. "$(dirname "$0")/../lib/lab.sh"
lab_init

d=$LAB_DIR
cat >"$d/good.yaml" <<EOF2
node: { name: cli-$LAB_ID }
dataplane: { eal: [--no-huge, -m, "256", --no-pci, --file-prefix, ew-cli-$LAB_ID] }
interfaces:
  - { name: lan0, role: lan, device: "net_null0,no-rx=1", address: 10.1.0.1/24 }
  - { name: inet, role: wan, device: "net_null1,no-rx=1", address: 198.51.100.1/24 }
EOF2
out=$("$EDGEWAYD" -c "$d/good.yaml" --check 2>&1); rc=$?
check "--check on a valid file: exit 0" [ "$rc" -eq 0 ]
check "--check says ok" grep -q ": ok (2 interfaces" <<<"$out"

sed -e 's/address: 10.1.0.1\/24/address: 10.1.0.1\/33/' -e 's/role: wan/role: wam/' "$d/good.yaml" >"$d/bad.yaml"
out=$("$EDGEWAYD" -c "$d/bad.yaml" --check 2>&1); rc=$?
check "--check on a bad file: exit 2" [ "$rc" -eq 2 ]
check "every error reported as FILE:LINE:COL: error:" \
	[ "$(grep -cE "^$d/bad.yaml:[0-9]+:[0-9]+: error: " <<<"$out")" -eq 2 ]
out=$("$EDGEWAYD" -c "$d/nope.yaml" --check 2>&1); rc=$?
check "missing file: exit 2 with the reason" exited_saying 2 "cannot open: No such file"
"$EDGEWAYD" >/dev/null 2>&1; rc=$?
check "no arguments: usage, exit 2" [ "$rc" -eq 2 ]

sed 's/net_null0,no-rx=1/net_af_packet0,iface=nosuch0/' "$d/good.yaml" >"$d/noif.yaml"
out=$(timeout 30 "$EDGEWAYD" -c "$d/noif.yaml" 2>&1); rc=$?
check "missing interface: exit 1" [ "$rc" -eq 1 ]
check "missing interface: says which and where" \
	grep -q "noif.yaml:4:5: error: interface 'lan0': .*no interface 'nosuch0'" <<<"$out"

"$EDGEWAYD" -c "$d/good.yaml" >"$d/first.log" 2>&1 &
first=$!
LAB_PIDS+=("$first")
wait_for 10 grep -q running "$d/first.log"
out=$(timeout 30 "$EDGEWAYD" -c "$d/good.yaml" 2>&1); rc=$?
check "second daemon on the same file prefix: exit 1" [ "$rc" -eq 1 ]
check "second daemon: names the likely cause" grep -q "same --file-prefix" <<<"$out"
kill -INT "$first"
wait "$first"; rc=$?
check "SIGINT: clean exit 0" [ "$rc" -eq 0 ]
check "counters printed on the way out" grep -q "^interface  role" "$d/first.log"

# the console's texts come from one table: help and the usage errors agree
CTLBIN=$LAB_TOP/build/control/edgewayctl
nosock=$d/none.sock
help=$("$CTLBIN" -s "$nosock" help 2>&1)
for c in "add class" "update class"; do
	check "help: $c lists every option, balance too" \
		grep -q "^  $c NAME overlays .*\[outer-dscp N\] \[balance none|flow\]" <<<"$help"
done
out=$("$CTLBIN" -s "$nosock" add class 2>&1); rc=$?
check "add class usage error: the same options as help (exit 2)" \
	exited_saying 2 "\[outer-dscp N\] \[balance none|flow\]"
out=$("$CTLBIN" -s "$nosock" update class x 2>&1); rc=$?
check "update class without overlays names update, not add" \
	exited_saying 2 "update class: 'overlays A\[,B..\]' is required"
out=$("$CTLBIN" -s "$nosock" set class x 2>&1); rc=$?
check "set class usage (exit 2)" exited_saying 2 "usage: set class NAME overlays A\[,B..\]"
lab_done
