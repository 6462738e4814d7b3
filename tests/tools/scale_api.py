#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Create N overlays through the API, each with one tunnel and R routes, as
one request per overlay (an Overlay message carrying its tunnel and routes:
one validated change and one new table generation each). Then measure the
daemon's memory.

    scale_api.py SOCKET PID N [ROUTES_PER_OVERLAY [BATCH]]

BATCH > 1: BATCH overlays per request (a Batch of adds: one generation).

Prints one CSV line:
  overlays,routes,batch,seconds,ms_per_overlay,ms_per_overlay_last10pct,
  rss_kib,heap_kib,rss_kib_per_overlay,heap_kib_per_overlay
(heap: DPDK malloc heap in use, from the EAL telemetry socket of PID; the
per-overlay figures are the growth from before the first request).
"""
import glob
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "control", "api", "python"))
from edgeway_client import Client, pb  # noqa: E402


def overlay_req(i, routes):
    r = pb.Request()
    o = r.add.overlay
    o.name = "s%d" % i
    o.id = 20000 + i
    o.encap = "vxlan"
    o.address = "169.%d.%d.%d/30" % (200 + i // 16384, (i // 64) % 256, (i % 64) * 4 + 1)
    t = o.tunnels.add()
    t.name = "t"
    t.wan = "inet"
    t.remote = "100.%d.%d.%d" % (64 + i // 65536, (i // 256) % 256, i % 256 or 1)
    t.peer = "169.%d.%d.%d" % (200 + i // 16384, (i // 64) % 256, (i % 64) * 4 + 2)
    t.probe = "none"
    t.peer_mac = "02:00:00:02:%02x:%02x" % (i // 256 % 256, i % 256)
    for k in range(routes):
        rt = o.routes.add()
        n = i * routes + k
        rt.prefix = "%d.%d.%d.0/24" % (20 + n // 65536, (n // 256) % 256, n % 256)
        rt.via = "t"
    return r


def rss_kib(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def heap_kib(pid):
    """DPDK heap in use: sum of Alloc_size over the EAL's heaps."""
    socks = [s for s in glob.glob("/var/run/dpdk/*/dpdk_telemetry.v2")]
    for path in socks:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.connect(path)
            hello = json.loads(s.recv(16384))
            if hello.get("pid") != int(pid):
                s.close()
                continue
            s.send(b"/eal/heap_list")
            ids = json.loads(s.recv(16384))["/eal/heap_list"]
            total = 0
            for h in ids:
                s.send(b"/eal/heap_info,%d" % h)
                info = json.loads(s.recv(16384))["/eal/heap_info"]
                total += int(info.get("Alloc_size", 0))
            s.close()
            return total // 1024
        except (OSError, ValueError, KeyError):
            continue
    return -1


def main(sock, pid, n, routes=10, batch=1):
    n, routes, batch = int(n), int(routes), int(batch)
    reqs = [overlay_req(i, routes) for i in range(n)]
    times = []
    rss0, heap0 = rss_kib(pid), heap_kib(pid)
    with Client(sock, timeout=300) as c:
        t0 = time.monotonic()
        for i in range(0, n, batch):
            t1 = time.monotonic()
            if batch == 1:
                c.call(reqs[i])
            else:
                c.batch(reqs[i:i + batch])
            times.append((time.monotonic() - t1) / len(reqs[i:i + batch]))
        total = time.monotonic() - t0
        got = len(c.show("overlays").overlays)
        assert got >= n, "only %d overlays" % got
    tail = times[-max(len(times) // 10, 1):]
    rss1, heap1 = rss_kib(pid), heap_kib(pid)
    print("%d,%d,%d,%.5f,%.4f,%.4f,%d,%d,%.2f,%.2f" % (
        n, n * routes, batch, total, total * 1000 / n,
        sum(tail) * 1000 / len(tail), rss1, heap1,
        (rss1 - rss0) / n, (heap1 - heap0) / n))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5, 6):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
