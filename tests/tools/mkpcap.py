#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the benchmark's traffic as a pcap (no scapy: plain struct, fast).

    mkpcap.py lan|wan SIZES FLOWS OUT.pcap [OVERLAYS ROUTES [RULES]]

lan: UDP from LAN hosts (10.1.x.y) to FLOWS distinct destinations in the
     routed space of the bench layout (route i = the i-th /24 from
     172.16.0.0, on
     overlay i % OVERLAYS, default 64 and 10,000 routes; flow f is in
     class f % 100, whose first overlay is class % OVERLAYS and whose rules
     match UDP
     destination port 10000 + R * class + rule, R = RULES / 100 rules a
     class, default 1,000 rules), sent to DST_MAC.
wan: the same inner flows, VXLAN-encapsulated as the far ends would send
     them: from tunnel remote 203.0.113.(o+1) (VNI 1000 + o) to our WAN
     address 198.51.100.1, inner destination a LAN host behind 10.1.0.2.
SIZES: "64" or "imix" (7:4:1 of 64, 570 and 1518-byte frames, FCS
included, as on the wire; the pcap holds frames without the FCS).
The bench layout itself (config) comes from bench_layout.py, which shares
these numbers.
"""
import struct
import sys

EW_MAC = bytes.fromhex("027063617000")   # net_pcap's first port
SRC_MAC = bytes.fromhex("020000000001")
N_OVERLAYS = 64
N_ROUTES = 10000
N_CLASSES = 100
RULES_PER_CLASS = 10


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(a):
    return struct.pack("!I", a)


def ipv4(src, dst, proto, payload, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                    ttl, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, payload):
    # checksum 0: allowed for UDP over IPv4, and what VXLAN senders use
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(dst, src, payload):
    return dst + src + b"\x08\x00" + payload


def flow(f):
    """Inner 5-tuple of flow F: (src, dst, sport, dport, overlay)."""
    c = f % N_CLASSES
    r = (f // N_CLASSES) % RULES_PER_CLASS
    o = c % N_OVERLAYS
    k = (f // N_CLASSES) % max(N_ROUTES // N_OVERLAYS, 1)
    route = k * N_OVERLAYS + o                       # on overlay o
    dst = 0xac100000 + route * 256 + 1 + f % 250     # in route's /24
    src = 0x0a010000 + 2 + f % 60000                 # 10.1.0.0/16 hosts
    return src, dst, 1024 + f % 50000, 10000 + RULES_PER_CLASS * c + r, o


def frame_sizes(kind, n):
    if kind == "64":
        return [64] * n
    pat = [64] * 7 + [570] * 4 + [1518]
    return [pat[i % len(pat)] for i in range(n)]


def lan_frame(f, size):
    src, dst, sport, dport, _ = flow(f)
    pay = b"\0" * (size - 4 - 14 - 20 - 8)
    return eth(EW_MAC, SRC_MAC, ipv4(src, dst, 17, udp(sport, dport, pay)))


def wan_frame(f, size):
    src, dst, sport, dport, o = flow(f)
    # inner: from the far site's host (its dst) back to our LAN host
    pay = b"\0" * (size - 4 - 14 - 20 - 8)
    inner = eth(EW_MAC, SRC_MAC, ipv4(dst, 0x0a800000 + f % 60000 + 1, 17,
                                      udp(dport, sport, pay)))
    vx = struct.pack("!BBHI", 0x08, 0, 0, (1000 + o) << 8) + inner
    return eth(EW_MAC, SRC_MAC,
               ipv4(0xcb007100 + o + 1, 0xc6336401, 17,
                    udp(49152 + f % 16384, 4789, vx)))


def main(mode, sizes, flows, out, n_ov=None, n_rt=None, n_rules=None):
    global N_OVERLAYS, N_ROUTES, RULES_PER_CLASS
    if n_ov is not None:
        N_OVERLAYS, N_ROUTES = int(n_ov), int(n_rt)
    if n_rules is not None:
        RULES_PER_CLASS = max(int(n_rules) // N_CLASSES, 1)
    flows = int(flows)
    mk = lan_frame if mode == "lan" else wan_frame
    with open(out, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for f, size in enumerate(frame_sizes(sizes, flows)):
            b = mk(f, size)
            fp.write(struct.pack("<IIII", f // 1000000, f % 1000000,
                                 len(b), len(b)))
            fp.write(b)


if __name__ == "__main__":
    if len(sys.argv) not in (5, 7, 8) or sys.argv[1] not in ("lan", "wan") or \
            sys.argv[2] not in ("64", "imix"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
