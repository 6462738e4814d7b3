#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Time API changes: N_ROUTES route adds and N_CLASSES class adds, one
request each over one connection; then the same end state with one apply.

    api_bench.py SOCKET N_ROUTES N_CLASSES
Prints CSV lines: what,count,seconds,ms_each
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "control", "api", "python"))
from edgeway_client import Client  # noqa: E402


def route(i):
    return "10.%d.%d.0/24" % (100 + i // 256, i % 256)


def main(sock, nr, nc):
    nr, nc = int(nr), int(nc)
    with Client(sock) as c:
        base = c.save()
        t0 = time.monotonic()
        for i in range(nr):
            c.add_route("gold", route(i), "to-b")
        t1 = time.monotonic()
        for i in range(nc):
            c.add_class("c%d" % i, ["gold"], proto="udp", dst_port=str(10000 + i))
        t2 = time.monotonic()
        full = c.save()
        n_gen = c.show("stats").stats.generation
        # back to the start, then everything in one apply
        c.apply(base, "base")
        t3 = time.monotonic()
        c.apply(full, "full")
        t4 = time.monotonic()
        assert c.save() == full, "apply did not reproduce the state"
    print("what,count,seconds,ms_each")
    print("route_add,%d,%.3f,%.3f" % (nr, t1 - t0, (t1 - t0) * 1000 / max(nr, 1)))
    print("class_add,%d,%.3f,%.3f" % (nc, t2 - t1, (t2 - t1) * 1000 / max(nc, 1)))
    print("apply_all,%d,%.3f,%.3f" % (nr + nc, t4 - t3, (t4 - t3) * 1000))
    print("# generations published: %d" % n_gen, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
