#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The control API through edgewayctl: round trips for every object, apply
# equals a fresh start, a refused change changes nothing, SIGHUP, the
# socket's mode, a second daemon on the same socket, and hostile clients.
set -u
. "$(dirname "$0")/../lib/lab.sh"
. "$(dirname "$0")/../lib/topo.sh"
lab_init

CTLBIN=$LAB_TOP/build/control/edgewayctl
topo_peer
topo_peer_kernel_vxlan
topo_peer_config vxlan 100 "$LAB_DIR/a.yaml"
ew_start a ea "$LAB_DIR/a.yaml" || exit 1
ctl() { "$CTLBIN" -s "$LAB_DIR/a.sock" "$@"; }
# jq-like: JSON on stdin, a Python expression on d
js() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

check "overlay up (ping A->B)" wait_for 10 quiet lab_exec ha ping -c 1 -W 1 10.2.0.10
check "socket is mode 0660" [ "$(stat -c %a "$LAB_DIR/a.sock")" = 660 ]
# who may connect: root and the socket's group; nobody else
chmod 755 "$LAB_DIR"	# so another user reaches the socket itself
conn='import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(bytes([0, 0, 0, 2, 0x52, 0]))
print("answered" if len(s.recv(4)) == 4 else "no answer")'
out=$(runuser -u nobody -- /usr/bin/python3 -c "$conn" "$LAB_DIR/a.sock" 2>&1); rc=$?
check "a user neither root nor in the socket's group cannot connect" exited_saying nonzero "Permission denied"
out=$(runuser -u nobody -g "$(stat -c %G "$LAB_DIR/a.sock")" -- /usr/bin/python3 -c "$conn" "$LAB_DIR/a.sock" 2>&1)
check "a member of the socket's group can, and is answered" grep -q "^answered$" <<<"$out"
chmod 700 "$LAB_DIR"
check "hello names the node" [ "$(ctl --json hello | js 'd["node"]')" = site-a ]
check "unique prefixes work (sh tun)" quiet ctl sh tun
out=$(ctl s 2>&1); rc=$?
check "an ambiguous prefix is refused with the candidates (exit 2)" \
	exited_saying 2 "ambiguous: show save set"

# round trips: add, see, delete, see gone
start=$(ctl save)
check "add overlay" quiet ctl add overlay silver id 200 encap gre address 169.254.200.1/24
check "show overlays lists it with the GRE MTU (1472)" \
	[ "$(ctl --json show overlays | js '[o["mtu"] for o in d["overlays"] if o["name"]=="silver"][0]')" = 1472 ]
check "add tunnel" quiet ctl add tunnel silver t2 wan inet remote 203.0.113.2 peer 169.254.200.2
check "show tunnels lists it" \
	[ "$(ctl --json show tunnels silver | js 'd["tunnels"][0]["remote"]')" = 203.0.113.2 ]
check "add route" quiet ctl add route silver 10.3.0.0/16 via t2
check "show routes lists it" \
	[ "$(ctl --json show routes silver | js 'd["routes"][0]["via"]')" = t2 ]
check "add class" quiet ctl add class video overlays silver,gold proto udp dst-port 5000-5100
check "the class goes before the catch-all" \
	[ "$(ctl --json show classes | js '",".join(c["name"] for c in d["classes"])')" = video,default ]
check "set class overlays" quiet ctl set class video overlays gold
check "show classes has the new overlays and counters" \
	[ "$(ctl --json show classes | js '[ (c["overlays"], "packets" in c) for c in d["classes"] if c["name"]=="video"][0]')" = "(['gold'], True)" ]

# update: one object replaced in one step
check "update route (re-point it at the peer address)" quiet ctl update route silver 10.3.0.0/16 via 169.254.200.2
check "show routes has the new via" \
	[ "$(ctl --json show routes silver | js 'd["routes"][0]["via"]')" = 169.254.200.2 ]
out=$(ctl update tunnel silver t2 wan inet remote 203.0.113.2 peer 169.254.200.3 2>&1); rc=$?
check "update tunnel that would leave a route dangling: refused as a whole" \
	exited_saying 2 "route 10.3.0.0/16 via '169.254.200.2': no tunnel"
check "update overlay (new id, tunnels and routes kept)" quiet ctl update overlay silver id 201 encap gre address 169.254.200.1/24
check "show overlays: id 201, still 1 tunnel and 1 route" \
	[ "$(ctl --json show overlays | js '[(o["id"], len(o["tunnels"]), len(o["routes"])) for o in d["overlays"] if o["name"]=="silver"][0]')" = "(201, 1, 1)" ]
check "update class (new rule, same priority)" quiet ctl update class video overlays gold proto udp dst-port 6000
check "the class kept its place and has the new rule" \
	[ "$(ctl --json show classes | js '(d["classes"][0]["name"], d["classes"][0]["match"][0]["dst_port"])')" = "('video', '6000')" ]

# static peer MAC and probe kind through the console, and back in save
check "add tunnel with probe and a static peer MAC" \
	quiet ctl add tunnel gold t3 wan inet remote 203.0.113.3 peer 169.254.100.9 probe none peer-mac 02:00:00:00:aa:01
check "save has them" grep -q "name: t3, wan: inet, remote: 203.0.113.3, peer: 169.254.100.9, probe: none, peer_mac: \"02:00:00:00:aa:01\"" <<<"$(ctl save)"
check "show tunnels has the peer MAC" \
	[ "$(ctl --json show tunnels gold | js '[t["peer_mac"] for t in d["tunnels"] if t["name"]=="t3"][0]')" = 02:00:00:00:aa:01 ]
out=$(ctl add tunnel gold t4 wan inet remote 203.0.113.4 peer 169.254.100.10 peer-mac ff:ff:ff:ff:ff:ff 2>&1); rc=$?
check "a broadcast peer MAC is refused" exited_saying 2 "peer_mac: 'ff:ff:ff:ff:ff:ff' is not a unicast MAC"
out=$(ctl add tunnel silver t4 wan inet remote 203.0.113.4 peer 169.254.200.10 peer-mac 02:00:00:00:aa:02 2>&1); rc=$?
check "a peer MAC on a GRE tunnel is refused" exited_saying 2 "peer_mac is for VXLAN tunnels"
check "del tunnel t3" quiet ctl del tunnel gold t3

# a batch: all of it in one generation, or none of it
cat >"$LAB_DIR/batch.py" <<'EOF2'
import sys
sys.path.insert(0, sys.argv[2])
from edgeway_client import Client, EdgewayError, pb
def route(op, prefix):
    r = pb.Request()
    o = getattr(r, op).route
    o.overlay, o.prefix, o.via = "silver", prefix, "t2"
    return r
with Client(sys.argv[1]) as c:
    g0 = c.show("stats").stats.generation
    c.batch([route("add", "10.%d.0.0/16" % (40 + i)) for i in range(20)])
    g1 = c.show("stats").stats.generation
    n1 = len(c.show("routes", "silver").routes)
    try:
        c.batch([route("add", "10.70.0.0/16"), route("del", "10.99.0.0/16")])
        print("bad batch accepted")
    except EdgewayError as e:
        print("refused:", e)
    n2 = len(c.show("routes", "silver").routes)
    c.batch([route("del", "10.%d.0.0/16" % (40 + i)) for i in range(20)])
    print("generations %d routes %d after-refusal %d left %d"
          % (g1 - g0, n1, n2, len(c.show("routes", "silver").routes)))
EOF2
out=$(/usr/bin/python3 "$LAB_DIR/batch.py" "$LAB_DIR/a.sock" "$LAB_TOP/control/api/python" 2>&1)
echo "$out" | sed 's/^/INFO: /'
check "a batch of 20 route adds is one generation" grep -q "generations 1 routes 21 " <<<"$out"
check "a batch with one bad change is refused whole, naming the change" \
	says "refused:.*batch change 1: " "after-refusal 21 "
check "a batch of deletes" grep -q "left 1$" <<<"$out"

# SLA bounds from the API: the loader's ranges, 0 = not constrained
cat >"$LAB_DIR/sla.py" <<'EOF2'
import sys
sys.path.insert(0, sys.argv[2])
from edgeway_client import Client, EdgewayError, pb
def cls(name, **sla):
    r = pb.Request()
    c = getattr(r.add, "class")
    c.name = name
    c.overlays.append("gold")
    m = c.match.add(); m.proto, m.dst_port = "udp", "7000"
    for k, v in sla.items():
        setattr(c.sla, k, v)
    return r
with Client(sys.argv[1]) as c:
    try:
        c.call(cls("huge", latency_ms=6.8e280))
        print("huge accepted")
    except EdgewayError as e:
        print("huge refused:", e)
    c.call(cls("fine", latency_ms=50))
    y = c.save()
    print("saved:", [l.strip() for l in y.splitlines() if "sla:" in l])
    c.call(pb.Request(**{"del": pb.Object(**{"class": pb.Class(name="fine")})}))
EOF2
out=$(/usr/bin/python3 "$LAB_DIR/sla.py" "$LAB_DIR/a.sock" "$LAB_TOP/control/api/python" 2>&1)
echo "$out" | sed 's/^/INFO: /'
check "an SLA bound out of the loader's range is refused" says "huge refused:.*latency_ms: 6.8e+280 out of range"
check "an API SLA with only latency saves only latency (0 = not constrained)" says "saved: \['sla: { latency_ms: 50 }'\]"

# only what changed is rebuilt: routes and re-steering reuse the classifier
b0=$(ctl --json show stats | js 'd["classifier_builds"]')
ctl add route silver 10.5.0.0/16 via t2 >/dev/null
ctl del route silver 10.5.0.0/16 >/dev/null
ctl set class video overlays silver,gold >/dev/null
ctl set class video overlays gold >/dev/null
b1=$(ctl --json show stats | js 'd["classifier_builds"]')
check "route adds/deletes and re-steering did not rebuild the classifier ($b0 -> $b1)" [ "$b1" -eq "$b0" ]
ctl add class ssh overlays gold proto tcp dst-port 22 >/dev/null
b2=$(ctl --json show stats | js 'd["classifier_builds"]')
check "adding a class did rebuild it ($b1 -> $b2)" [ "$b2" -eq $((b1 + 1)) ]
ctl del class ssh >/dev/null

# refusals name the problem and change nothing
before=$(ctl save)
out=$(ctl del tunnel silver t2 2>&1); rc=$?
check "del of a tunnel a route uses: refused, says which route" \
	exited_saying 2 "tunnel 't2' is used by route 10.3.0.0/16"
out=$(ctl add route nope 10.9.0.0/16 via t2 2>&1); rc=$?
check "route in a missing overlay: refused" exited_saying 2 "no overlay 'nope'"
out=$(ctl add route silver 10.9.0.1/16 via t2 2>&1); rc=$?
check "route with host bits: refused" exited_saying 2 "host bits"
out=$(ctl add overlay dup id 100 encap vxlan address 169.254.50.1/24 2>&1); rc=$?
check "duplicate overlay id: refused" exited_saying 2 "id 100 already used by overlay 'gold'"
check "refused changes left the running config as it was" [ "$(ctl save)" = "$before" ]

check "del route" quiet ctl del route silver 10.3.0.0/16
check "del class" quiet ctl del class video
check "del tunnel" quiet ctl del tunnel silver t2
check "del overlay" quiet ctl del overlay silver
check "after the deletes the config is as it started" [ "$(ctl save)" = "$start" ]

# apply = a fresh start from that file (compare save outputs)
sed -e 's/      - { prefix: 10.2.0.0\/16, via: to-b }/      - { prefix: 10.2.0.0\/16, via: to-b }\n      - { prefix: 10.4.0.0\/16, via: 169.254.100.2 }/' \
	"$LAB_DIR/a.yaml" >"$LAB_DIR/b.yaml"
cat >>"$LAB_DIR/b.yaml" <<EOF
classes:
  - { name: web, match: [{ proto: tcp, dst_port: 80-443 }], overlays: [gold] }
EOF
check "apply a changed file" quiet ctl apply "$LAB_DIR/b.yaml"
ctl save >"$LAB_DIR/applied.yaml"
bad=$LAB_DIR/bad.yaml
sed 's/overlays: \[gold\]/overlays: [gold, bronze]/' "$LAB_DIR/b.yaml" >"$bad"
out=$(ctl apply "$bad" 2>&1); rc=$?
check "apply of a bad file: refused with FILE:LINE:COL" \
	exited_saying 2 "bad.yaml:[0-9]*:[0-9]*: error: class 'web': overlay 'bronze' is not configured"
sed 's/workers: 1/workers: 2/' "$LAB_DIR/b.yaml" >"$LAB_DIR/w2.yaml"
out=$(ctl apply "$LAB_DIR/w2.yaml" 2>&1); rc=$?
check "apply that needs a restart: refused" exited_saying 2 "without a restart"
check "refused applies changed nothing" [ "$(ctl save)" = "$(cat "$LAB_DIR/applied.yaml")" ]
check "traffic still flows after the changes" quiet lab_exec ha ping -c 2 -i 0.2 -W 1 10.2.0.10

# SIGHUP re-applies the file; a broken file leaves things alone
gen0=$(ctl --json show stats | js 'd["generation"]')
cp "$LAB_DIR/b.yaml" "$LAB_DIR/a.yaml"
kill -HUP "$EW_PID_a"
check "SIGHUP applies the changed file (route 10.4.0.0/16 appears)" \
	wait_for 5 eval "ctl show routes | grep -q 10.4.0.0/16"
gen1=$(ctl --json show stats | js 'd["generation"]')
check "SIGHUP published a new generation ($gen0 -> $gen1)" [ "$gen1" -gt "$gen0" ]
echo "garbage: [" >>"$LAB_DIR/a.yaml"
kill -HUP "$EW_PID_a"
check "SIGHUP with a broken file: logged and refused" \
	wait_for 5 grep -q "SIGHUP: .* refused, running config unchanged" "$LAB_DIR/a.log"
check "... and nothing changed" [ "$(ctl --json show stats | js 'd["generation"]')" = "$gen1" ]

# a second daemon on the same socket refuses to start
sed -e "s/ew-a-$LAB_ID/ew-a2-$LAB_ID/" -e 's/net_af_packet0,iface=lan0/net_null0,no-rx=1/' \
	-e 's/net_af_packet1,iface=wan0/net_null1,no-rx=1/' "$LAB_DIR/b.yaml" >"$LAB_DIR/a2.yaml"
out=$(timeout 30 "$EDGEWAYD" -c "$LAB_DIR/a2.yaml" 2>&1); rc=$?
rm -rf "/var/run/dpdk/ew-a2-$LAB_ID"
check "second daemon on the same socket: exit 1, says why" \
	exited_saying 1 "another edgewayd is already listening"

# hostile clients: the daemon answers, survives, and serves the next one
cat >"$LAB_DIR/hostile.py" <<'EOF'
import os, random, socket, struct, sys
path = sys.argv[1]
import time
def conn():
    # a full listen backlog answers EAGAIN: wait and retry, as clients do
    for i in range(500):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            time.sleep(0.01)
    raise SystemExit("daemon stopped accepting")
def answer(s):
    h = b""
    while len(h) < 4:
        c = s.recv(4 - len(h))
        if not c:
            return None
        h += c
    n = struct.unpack(">I", h)[0]
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            break
        b += c
    return b
ok = 0
# random bytes as a frame: an error answer, and the connection stays usable
random.seed(7)
s = conn()
for i in range(200):
    body = bytes(random.getrandbits(8) for _ in range(random.randint(0, 300)))
    s.sendall(struct.pack(">I", len(body)) + body)
    a = answer(s)
    if a is not None:
        ok += 1
print("random frames answered:", ok, "of 200")
# unknown fields (field 99, varint) decode and are ignored: a hello
s.sendall(struct.pack(">I", 5) + bytes([0x98, 0x06, 0x01, 0x52, 0x00]))
a = answer(s)
print("unknown field + hello answered:", a is not None and b"edgewayd" in a)
s.close()
# a huge length prefix: refused, then closed
s = conn()
s.sendall(struct.pack(">I", 0xffffffff) + b"xx")
a = answer(s)
print("huge frame refused:", a is not None and b"over the" in a)
print("closed after:", s.recv(1) == b"")
# truncated frames and clients that leave mid-frame
for i in range(50):
    s = conn()
    s.sendall(struct.pack(">I", 1000) + b"half")
    s.close()
# 1000 clients connecting and dropping
for i in range(1000):
    s = conn()
    s.close()
print("churn done: 1000 clients")
# 300 clients held open: past the 256 limit newcomers wait, then get served
held = [conn() for i in range(300)]
hello = struct.pack(">I", 2) + bytes([0x52, 0x00])
held[-1].sendall(hello)
held[-1].settimeout(0.5)
try:
    waited = held[-1].recv(4) == b""
except socket.timeout:
    waited = True
held[-1].settimeout(5)
for s in held[:60]:
    s.close()
a = answer(held[-1])
print("client 300 waited, then was served:", waited and a is not None and b"edgewayd" in a)
for s in held[60:]:
    s.close()
EOF
out=$(/usr/bin/python3 "$LAB_DIR/hostile.py" "$LAB_DIR/a.sock" 2>&1)
echo "$out" | sed 's/^/INFO: /'
check "every random frame got an answer" grep -q "random frames answered: 200 of 200" <<<"$out"
check "unknown fields are ignored" grep -q "unknown field + hello answered: True" <<<"$out"
check "an oversized frame is refused and the connection closed" \
	says "huge frame refused: True" "closed after: True"
check "1000 clients connected and dropped" grep -q "churn done: 1000 clients" <<<"$out"
check "past 256 clients a newcomer waits, and is served when others leave" \
	grep -q "client 300 waited, then was served: True" <<<"$out"
check "after truncated frames and 1000 dropped clients, the next request is answered" \
	[ "$(ctl --json hello | js 'd["node"]')" = site-a ]
check "traffic still flows" quiet lab_exec ha ping -c 2 -i 0.2 -W 1 10.2.0.10
check "edgewayd still running" kill -0 "$EW_PID_a"

ew_stop a
check "edgewayd exits 0 on SIGTERM" [ $? -eq 0 ]
check "the socket is removed on exit" [ ! -e "$LAB_DIR/a.sock" ]

# a fresh start from the file that was applied gives the same running config
ew_start fresh ea "$LAB_DIR/b.yaml" || exit 1
check "apply of a file == a fresh start from it (save outputs equal)" \
	[ "$(ctl save)" = "$(cat "$LAB_DIR/applied.yaml")" ]
ew_stop fresh
lab_done
