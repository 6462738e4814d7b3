#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The packet-rate benchmark's edgeway config, to stdout.

    bench_layout.py ENCAP DIR SOCKET PREFIX PCAP [WORKERS [OVERLAYS ROUTES RULES EAL...]]
    bench_layout.py ovs-flows [OVERLAYS ROUTES RULES]
    bench_layout.py ovs-ports [OVERLAYS]

The second form writes the same policy as OpenFlow rules for Open vSwitch
(ovs-ofctl add-flows): table 0 classifies (one rule per class rule, setting
reg0 to the class's overlay), table 1 routes within that overlay (one rule
per route: rewrite MACs, decrement TTL, out of the overlay's VXLAN port
100 + overlay). The third writes ovs-vsctl arguments for those VXLAN
ports, with the same remotes and VNIs as the edgeway config.

ENCAP vxlan|gre. DIR lan: the LAN port reads PCAP (mkpcap.py lan) and the
WAN port is a net_null sink; wan: the other way round (mkpcap.py wan).
Defaults: 64 overlays with one tunnel each, 10,000 routes (route i =
172.16.0.0/24 + i on overlay i % 64), 100 classes of 10 UDP rules (1,000
rules; class c matches destination ports 10000 + 10c .. + 9 and prefers
overlay c % 64, then the next; with R rules a class, class c matches ports
10000 + R c .. + R - 1), static neighbours for every next hop (the
pcap and null ports cannot answer ARP), probes off. EAL arguments come
after (default: hugepages, --in-memory).
"""
import sys


def main(argv):
    encap, direction, sock, prefix, pcap = argv[:5]
    workers = int(argv[5]) if len(argv) > 5 else 1
    n_ov = int(argv[6]) if len(argv) > 6 else 64
    n_rt = int(argv[7]) if len(argv) > 7 else 10000
    n_rules = int(argv[8]) if len(argv) > 8 else 1000
    eal = argv[9:] or ["--in-memory", "--no-pci"]
    n_cls = 100 if n_rules >= 100 else max(n_rules, 1)
    per_cls = max(n_rules // n_cls, 1)
    # more than one queue pair per port needs a source with as many
    src = "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap
    if workers > 1:
        src = "net_pcap0," + ",".join(["rx_pcap=%s" % pcap] * workers) + \
              ",infinite_rx=1"
    sink = "net_null0,no-rx=1"
    lan_dev, wan_dev = (src, sink) if direction == "lan" else (sink, src)
    out = []
    w = out.append
    w("node: { name: bench }")
    w("dataplane:")
    w("  workers: %d" % workers)
    w("  mbufs: 65535")
    w("  idle: poll")
    w("  eal: [%s, --file-prefix, %s]" % (", ".join('"%s"' % a for a in eal), prefix))
    w("control: { socket: %s }" % sock)
    w("interfaces:")
    w("  - name: lan0")
    w("    role: lan")
    w('    device: "%s"' % lan_dev)
    w("    address: 10.1.0.1/16")
    w("    routes: [ { prefix: 10.128.0.0/9, via: 10.1.0.2 } ]")
    w('    neighbors: [ { address: 10.1.0.2, mac: "02:00:00:00:00:02" } ]')
    w("  - name: inet")
    w("    role: wan")
    w('    device: "%s"' % wan_dev)
    w("    address: 198.51.100.1/24")
    w("    gateway: 198.51.100.254")
    w("    mtu: 1600")
    w('    neighbors: [ { address: 198.51.100.254, mac: "02:00:00:00:00:fe" } ]')
    w("overlays:")
    for o in range(n_ov):
        w("  - name: ov%d" % o)
        w("    id: %d" % (1000 + o))
        w("    encap: %s" % encap)
        w("    address: 169.254.%d.%d/30" % (o // 64, (o % 64) * 4 + 1))
        mac = ', peer_mac: "02:00:00:01:%02x:%02x"' % (o // 256, o % 256) \
            if encap == "vxlan" else ""
        w("    tunnels: [ { name: t, wan: inet, remote: %s, peer: 169.254.%d.%d, probe: none%s } ]"
          % (remote(o), o // 64, (o % 64) * 4 + 2, mac))
        rts = [route_prefix(i) for i in range(o, n_rt, n_ov)]
        if rts:
            w("    routes:")
            for p in rts:
                w("      - { prefix: %s, via: t }" % p)
    w("classes:")
    for c in range(n_cls):
        w("  - name: c%d" % c)
        w("    overlays: [ov%d, ov%d]" % (c % n_ov, (c + 1) % n_ov))
        w("    match:")
        for r in range(per_cls):
            w('      - { proto: udp, dst: 172.0.0.0/7, dst_port: "%d" }'
              % (10000 + per_cls * c + r))
    w("  - { name: default, overlays: [ov0] }")
    print("\n".join(out))


def route_prefix(i):
    """Route I: the I-th /24 from 172.16.0.0 (up to 173.151.159.0/24 for
    100,000 routes; the class rules match 172.0.0.0/7)."""
    a = 0xac100000 + i * 256
    return "%d.%d.%d.0/24" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255)


def remote(o):
    """Tunnel remote of overlay O: 203.0.113.(o+1) for the first 254, then
    on from 100.64.0.0 (any unicast address off our WAN subnet will do)."""
    if o < 254:
        return "203.0.113.%d" % (o + 1)
    return "100.%d.%d.%d" % (64 + o // 65536, (o // 256) % 256, o % 256)


def ovs_flows(argv):
    n_ov = int(argv[0]) if argv else 64
    n_rt = int(argv[1]) if len(argv) > 1 else 10000
    n_rules = int(argv[2]) if len(argv) > 2 else 1000
    n_cls = 100 if n_rules >= 100 else max(n_rules, 1)
    per_cls = max(n_rules // n_cls, 1)
    out = []
    w = out.append
    prio = 60000
    for c in range(n_cls):
        for r in range(per_cls):
            w("table=0,priority=%d,udp,nw_dst=172.0.0.0/7,tp_dst=%d,"
              "actions=load:%d->NXM_NX_REG0[],resubmit(,1)"
              % (prio, 10000 + per_cls * c + r, c % n_ov))
            prio -= 1
    w("table=0,priority=1,ip,actions=load:0->NXM_NX_REG0[],resubmit(,1)")
    for i in range(n_rt):
        o = i % n_ov
        w("table=1,priority=24,ip,reg0=%d,nw_dst=%s,"
          "actions=mod_dl_src:02:00:00:00:00:01,"
          "mod_dl_dst:02:00:00:01:%02x:%02x,dec_ttl,output:%d"
          % (o, route_prefix(i), o // 256, o % 256, 100 + o))
    w("table=1,priority=0,actions=drop")
    print("\n".join(out))


def ovs_ports(argv):
    n_ov = int(argv[0]) if argv else 64
    for o in range(n_ov):
        print("-- add-port br-int vx%d -- set interface vx%d type=vxlan "
              "options:remote_ip=%s options:key=%d options:local_ip=198.51.100.1 "
              "ofport_request=%d" % (o, o, remote(o), 1000 + o, 100 + o))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "ovs-flows":
        ovs_flows(sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) >= 2 and sys.argv[1] == "ovs-ports":
        ovs_ports(sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
