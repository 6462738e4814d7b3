#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Underlay path MTU below 1500 (issue 12 item 1): the underlay router's far
# link (towards B) at MTU 1400. The same steps against the Linux kernel at
# site A (reference), then against edgeway A: a 1450-byte DF ping, a
# DF-clear one, a short iperf3 TCP run. Edgeway must learn the tunnel's
# path MTU from the router's ICMP frag needed (quoting our tunnel's outer
# header), tell the LAN host (frag needed, mtu 1350 = 1400 - 50), fragment
# DF-clear packets to it, carry TCP, ignore and count a spoofed frag needed
# that quotes no tunnel of ours, and show the path MTU.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

topo_peer
topo_peer_kernel_vxlan
lab_exec r ip link set rb mtu 1400
lab_exec sb ip link set wan0 mtu 1400
lab_exec hb iperf3 -s -D -I "$LAB_DIR/iperf.pid" >/dev/null 2>&1
sleep 0.5
[ -s "$LAB_DIR/iperf.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/iperf.pid")")

# run_steps WHO: the steps both site A's run; sets mbps, df_out, nodf_ok.
# TCP first, so that it finds the path alone; then pings with host A's
# route cache flushed.
run_steps() {
	local who=$1
	lab_exec ha ip route flush cache 2>/dev/null
	wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
	lab_exec ha timeout 20 iperf3 -c 10.2.0.10 -t 3 -J >"$LAB_DIR/iperf-$who.json" 2>&1
	mbps=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$LAB_DIR/iperf-$who.json" 2>/dev/null || echo 0)
	echo "$who: iperf3 TCP A->B: $mbps Mbit/s"
	lab_exec ha ip route flush cache 2>/dev/null
	df_out=$(lab_exec ha ping -c 4 -i 0.3 -W 1 -M do -s 1422 10.2.0.10 2>&1)
	echo "$who: DF ping 1450: $(grep -E 'transmitted|mtu' <<<"$df_out" | sort -u | tr '\n' ' ')"
	nodf_ok=0
	lab_exec ha ping -c 2 -i 0.3 -W 2 -M dont -s 1422 10.2.0.10 >/dev/null 2>&1 && nodf_ok=1
	echo "$who: DF-clear ping 1450 crosses: $nodf_ok"
	ba_ok=0
	lab_exec hb ping -c 2 -i 0.3 -W 2 -s 1422 10.1.0.10 >/dev/null 2>&1 && ba_ok=1
	echo "$who: ping 1450 B->A crosses: $ba_ok"
}

# --- reference: the Linux kernel at site A
topo_site_a_kernel
run_steps kernel
k_mbps=$mbps
check "kernel: DF-clear 1450-byte ping crosses" [ "$nodf_ok" = 1 ]
topo_site_a_clear

# --- edgeway A
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
sed -i "s|^control: { socket: \(.*\) }|control: { socket: \1, metrics: \"127.0.0.1:9580\" }|" "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
run_steps edgeway
check "edgeway: 1450-byte DF ping gets frag needed (mtu 1350)" \
	grep -qE 'mtu ?= ?1350' <<<"$df_out"
check "edgeway: the first DF ping is answered (icmp_seq=1, the path is known)" \
	grep -qE 'icmp_seq=1 Frag needed.*mtu ?= ?1350' <<<"$df_out"
rt=$(lab_exec ha ip route get 10.2.0.10 2>&1)
echo "INFO: ha: $(tr '\n' ' ' <<<"$rt")"
check "edgeway: host A caches path MTU 1350 towards B" grep -q 'mtu 1350' <<<"$rt"
check "edgeway: DF-clear 1450-byte ping crosses" [ "$nodf_ok" = 1 ]
echo "kernel $k_mbps Mbit/s, edgeway $mbps Mbit/s"
check "edgeway: iperf3 TCP, finding the path MTU itself, makes > 0 Mbit/s" [ "${mbps:-0}" -gt 0 ]
out=$(ew_dump a)
tl=$(awk '$1 == "gold" && $2 == "to-b"' <<<"$out")
echo "INFO: show tunnels: $tl"
check "show tunnels: path MTU 1400 (last column)" [ "$(awk "{ print \$NF }" <<<"$tl")" = 1400 ]
ctl() { "$LAB_TOP/build/control/edgewayctl" -s "$LAB_DIR/a.sock" "$@"; }
ct=$(ctl show tunnels 2>&1)
echo "INFO: console: $(tail -1 <<<"$ct")"
check "console show tunnels: PATH_MTU 1400, MTU 1350" \
	awk 'NR == 1 && $(NF-1) == "PATH_MTU" && $NF == "MTU" { h=1 } $2 == "to-b" && $(NF-1) == 1400 && $NF == 1350 { r=1 } END { exit !(h && r) }' <<<"$ct"
cj=$(ctl --json show tunnels 2>&1)
check "show tunnels --json: path_mtu 1400, mtu 1350" \
	/usr/bin/python3 -c 'import json,sys; t=json.loads(sys.stdin.read())["tunnels"][0]; sys.exit(not (t["path_mtu"] == 1400 and t["mtu"] == 1350))' <<<"$cj"
mt=$(lab_exec ea curl -sf http://127.0.0.1:9580/metrics 2>/dev/null | grep '^edgeway_tunnel_path_mtu_bytes')
echo "INFO: metrics: $mt"
check "metrics: edgeway_tunnel_path_mtu_bytes 1400" \
	grep -q '^edgeway_tunnel_path_mtu_bytes{overlay="gold",tunnel="to-b"} 1400$' <<<"$mt"

# a spoofed frag needed from the underlay router: quotes a header that is
# not our tunnel (another remote; then our remote with another VNI)
spoof0=$(ew_drop_count a icmp_frag_spoof)
cat >"$LAB_DIR/spoof.py" <<EOF
from scapy.all import Ether, IP, UDP, ICMP, Raw, sendp, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
import sys
wanmac = sys.argv[1]
def fn(dst, vni):
    q = IP(src="198.51.100.1", dst=dst, flags="DF", len=1500) / UDP(sport=50000, dport=4789, len=1480, chksum=0) / VXLAN(vni=vni) / Raw(b"\0" * 32)
    return Ether(dst=wanmac) / IP(src="198.51.100.254", dst="198.51.100.1") / ICMP(type=3, code=4, nexthopmtu=600) / bytes(q)[:80]
sendp([fn("203.0.113.99", 100), fn("203.0.113.2", 101)], iface="ra")
EOF
wanmac=$(awk '$1 == "inet" && $2 == "wan" { print tolower($4) }' <<<"$out")
lab_exec r "$SCAPY_PY" "$LAB_DIR/spoof.py" "$wanmac"
sleep 0.5
spoof1=$(ew_drop_count a icmp_frag_spoof)
echo "icmp_frag_spoof: $spoof0 -> $spoof1"
check "spoofed frag needed counted as icmp_frag_spoof" [ "$((spoof1 - spoof0))" -ge 2 ]
tl=$(ew_dump a | awk '$1 == "gold" && $2 == "to-b"')
check "spoofed frag needed changes nothing (path MTU still 1400)" [ "$(awk "{ print \$NF }" <<<"$tl")" = 1400 ]
check "a 1350-byte DF ping still crosses" \
	quiet lab_exec ha ping -c 2 -i 0.3 -W 2 -M do -s 1322 10.2.0.10

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]

# --- df: clear (for underlays that drop ICMP): the underlay fragments our
# outer packets, and B's kernel fragments its own (wan0 MTU 1400): edgeway
# reassembles those of its tunnel
# on a pcap port: the kernel defragments what an af_packet port gets
# (PACKET_FANOUT_FLAG_DEFRAG), so only there do fragments reach edgeway
sed -i 's/probe: icmp }/probe: icmp, df: clear }/; s/net_af_packet1,iface=wan0/net_pcap1,iface=wan0/' "$LAB_DIR/a.yaml"
check "config: tunnel to-b has df: clear" grep -q 'df: clear' "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
lab_exec ha ip route flush cache
c_ok=0
lab_exec ha ping -c 3 -i 0.3 -W 2 -M do -s 1422 10.2.0.10 >/dev/null 2>&1 && c_ok=1
echo "df clear: DF ping 1450 A->B crosses: $c_ok"
check "df: clear: a 1450-byte DF ping crosses (the underlay fragments it)" [ "$c_ok" = 1 ]
# sb forgets what it learnt of the path, so that its kernel fragments the
# outer packets (VXLAN df unset) rather than the inner ones
lab_exec sb ip route flush cache
cap_start r ra "$LAB_DIR/frag.pcap" dst host 198.51.100.1 and '(ip[6:2] & 0x3fff) != 0'
out=$(lab_exec hb ping -c 3 -i 0.3 -W 2 -s 1422 10.1.0.10 2>&1)
cap_stop
nfrag=$(tcpdump -nn -r "$LAB_DIR/frag.pcap" 2>/dev/null | wc -l)
echo "df clear: ping 1450 B->A: $(grep transmitted <<<"$out") ($nfrag outer fragments towards A)"
frags_crossed() { [ "$nfrag" -gt 0 ] && grep -q ' 3 received' <<<"$out"; }
check "df: clear: B's outer fragments are reassembled: every 1450-byte ping B->A crosses" \
	frags_crossed
lab_exec ha timeout 20 iperf3 -c 10.2.0.10 -t 3 -J >"$LAB_DIR/iperf-clear.json" 2>&1
mbps=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$LAB_DIR/iperf-clear.json" 2>/dev/null || echo 0)
echo "df clear: iperf3 TCP A->B: $mbps Mbit/s"
check "df: clear: iperf3 TCP makes > 0 Mbit/s" [ "${mbps:-0}" -gt 0 ]
check "df: clear: the API says df clear" \
	/usr/bin/python3 -c 'import json,sys; sys.exit(json.loads(sys.stdin.read())["tunnels"][0]["df"] != "clear")' <<<"$(ctl --json show tunnels 2>&1)"
check "df: clear: save writes df: clear" grep -q 'df: clear' <<<"$(ctl save 2>&1)"
ctl update tunnel gold to-b wan inet remote 203.0.113.2 peer 169.254.100.2 probe icmp df set >/dev/null 2>&1
check "console: update tunnel ... df set takes" \
	/usr/bin/python3 -c 'import json,sys; sys.exit(json.loads(sys.stdin.read())["tunnels"][0]["df"] != "set")' <<<"$(ctl --json show tunnels 2>&1)"
out=$(ew_dump a)
echo "INFO: drops: $(grep -E '^(outer_fragment|outer_reasm_refused|outer_reasm_expired) ' <<<"$out" | tr -s ' ' | tr '\n' ';')"
check "df: clear: no outer fragment dropped" \
	[ "$(grep -cE '^(outer_fragment|outer_reasm_refused|outer_reasm_expired) ' <<<"$out")" = 0 ]
ew_stop a
check "edgewayd exits 0 on SIGTERM (df: clear)" [ $? -eq 0 ]
lab_done
