#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# STAMP (RFC 8762) between two edgeways, the default probe: captured on
# the underlay, the packets decode with tshark's TWAMP-Test dissector
# (STAMP's unauthenticated format is TWAMP-Light compatible), sequence
# numbers and timestamps make sense, and the tunnels report their RTT.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

TOPO_WANEM=1 topo_two_sites
topo_site_config a "$LAB_DIR/a.yaml"
topo_site_config b "$LAB_DIR/b.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ew_start b eb "$LAB_DIR/b.yaml" || exit 1
CTL="$LAB_TOP/build/control/edgewayctl -s $LAB_DIR/a.sock"
PY=/usr/bin/python3
check "far site reachable" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
wanem_set "ab 20 0 0" "ba 20 0 0"
sleep 3
cap_start r al "$LAB_DIR/stamp.pcap" ip proto 47
sleep 2
cap_stop
rtt=$($CTL --json show tunnels | $PY -c 'import json,sys; print(" ".join("%s=%.1f" % (t["overlay"], t["rtt_ms"]) for t in json.load(sys.stdin)["tunnels"]))')
echo "INFO: tunnel RTTs over STAMP: $rtt (lte has +20 ms each way)"
check "silver's STAMP RTT shows the emulator's 40 ms (40-60 ms)" \
	$PY -c "import sys; r = float('$rtt'.split('silver=')[1]); sys.exit(0 if 40 <= r <= 60 else 1)"
check "the default probe (auto) found STAMP: probe auto, probe_active stamp on both" \
	[ "$($CTL --json show tunnels | $PY -c 'import json,sys; print(" ".join(t["probe"] + "/" + t["probe_active"] for t in json.load(sys.stdin)["tunnels"]))')" = "auto/stamp auto/stamp" ]
f='-e ip.src -e udp.srcport -e udp.dstport -e twamp.test.seq_number -e twamp.test.timestamp -e twamp.test.receive_timestamp -e twamp.test.sender_seq_number -e twamp.test.sender_timestamp -e twamp.test.sender_ttl'
tshark -r "$LAB_DIR/stamp.pcap" -d udp.port==862,twamp.test -d udp.port==49862,twamp.test \
	-Y 'twamp.test' -T fields -E occurrence=l -t e -e frame.time_epoch $f \
	>"$LAB_DIR/stamp.txt" 2>/dev/null
head -4 "$LAB_DIR/stamp.txt" | sed 's/^/INFO: /'
out=$($PY - "$LAB_DIR/stamp.txt" <<'PY'
import sys, datetime
def ts(s):
    # "Nov 22, 2026 01:29:00.123456789 UTC" -> epoch seconds
    s = s.replace(" UTC", "")
    d, frac = s.rsplit(".", 1)
    t = datetime.datetime.strptime(d, "%b %d, %Y %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + float("0." + frac)
send = {}; refl = []; bad = []
for line in open(sys.argv[1]):
    c = line.rstrip("\n").split("\t")
    if len(c) < 10 or not c[4]:
        continue
    wire, src, sport, dport, seq = float(c[0]), c[1], c[2], c[3], int(c[4])
    if src != "169.254.200.1" and src != "169.254.200.2":
        continue
    t = ts(c[5])
    if dport == "862":                       # session-sender
        send.setdefault(src, []).append(seq)
        if abs(t - wire) > 2: bad.append("sender T1 far from capture time")
    elif sport == "862":                     # session-reflector
        t2, sseq, t1, ttl = ts(c[6]), int(c[7]), ts(c[8]), int(c[9])
        refl.append(seq)
        if sseq != seq: bad.append("stateless reflector: seq %d != sender seq %d" % (seq, sseq))
        if not (t1 <= t2 <= t): bad.append("timestamps out of order: T1 %f T2 %f T3 %f" % (t1, t2, t))
        if ttl != 64: bad.append("sender TTL %d" % ttl)
ok = bool(send) and len(refl) >= 10 and not bad
for s, seqs in send.items():
    if any(b - a != 1 for a, b in zip(seqs, seqs[1:])): bad.append("sender %s: sequence gaps" % s); ok = False
print("senders:", {k: len(v) for k, v in send.items()}, "reflected:", len(refl), "problems:", bad[:3])
sys.exit(0 if ok else 1)
PY
)
rc=$?
echo "INFO: $out"
check "STAMP decodes as TWAMP-Test: consecutive sender sequences, reflector copies them, T1 <= T2 <= T3, sender TTL 64" [ "$rc" -eq 0 ]
ew_stop a; check "A exits 0" [ $? -eq 0 ]
ew_stop b; check "B exits 0" [ $? -eq 0 ]
lab_done
