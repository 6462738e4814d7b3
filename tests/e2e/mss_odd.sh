#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 12 item 5: a SYN whose MSS option starts at an odd offset (WScale,
# NOP, NOP, Timestamp, MSS) crosses site A, first the Linux kernel (VXLAN,
# no clamp), then edgeway (clamps to 1410): captured at host B, the TCP
# checksum must verify, and edgeway's MSS must be clamped.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan

cat >"$LAB_DIR/syn.py" <<'EOF'
import sys
from scapy.all import IP, TCP, send, conf
conf.verb = 0
opts = [("WScale", 7), ("NOP", None), ("NOP", None),
        ("Timestamp", (0x11223344, 0)), ("MSS", 1460)]
p = IP(src="10.1.0.10", dst="10.2.0.10") / TCP(sport=int(sys.argv[1]), dport=5999,
        flags="S", seq=1000, options=opts)
raw = bytes(p)
assert raw[20 + 20 + 15] == 2, "MSS option not at offset 35"
from scapy.all import L3RawSocket
conf.L3socket = L3RawSocket
for _ in range(3):
    send(IP(raw))
EOF
cat >"$LAB_DIR/verify.py" <<'EOF'
import sys
from scapy.all import rdpcap, IP, TCP
n = good = 0
mss = None
for p in rdpcap(sys.argv[1]):
    if TCP not in p or p[TCP].dport != 5999 or not (p[TCP].flags & 0x02):
        continue
    n += 1
    want = p[TCP].chksum
    q = p[IP].copy()
    del q[TCP].chksum
    if IP(bytes(q))[TCP].chksum == want:
        good += 1
    mss = dict((k, v) for k, v in p[TCP].options if k == "MSS").get("MSS")
print(n, good, mss)
EOF

# run_syn SPORT PCAP: three SYNs from host A, captured at host B
run_syn() {
	cap_start hb h0 "$2" tcp port 5999
	lab_exec ha "$SCAPY_PY" "$LAB_DIR/syn.py" "$1"
	sleep 0.5
	cap_stop
	"$SCAPY_PY" "$LAB_DIR/verify.py" "$2" 2>/dev/null
}

# --- reference: the Linux kernel as site A ---
topo_site_a_kernel
check "kernel A: overlay up" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
read -r kn kgood kmss <<<"$(run_syn 40001 "$LAB_DIR/k.pcap")"
echo "kernel A: SYNs at host B $kn, checksum valid $kgood, MSS $kmss"
check "kernel A: SYNs arrive with a valid TCP checksum" [ "${kn:-0}" -ge 1 -a "${kgood:-0}" = "${kn:-0}" ]
topo_site_a_clear

# --- edgeway as site A ---
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
check "edgeway A: overlay up" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
read -r en egood emss <<<"$(run_syn 40002 "$LAB_DIR/e.pcap")"
echo "edgeway A: SYNs at host B $en, checksum valid $egood, MSS $emss"
check "edgeway A: SYNs arrive with a valid TCP checksum (odd-offset MSS)" \
	[ "${en:-0}" -ge 1 -a "${egood:-0}" = "${en:-0}" ]
check "edgeway A: MSS clamped to 1410" [ "${emss:-0}" = 1410 ]

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
lab_done
