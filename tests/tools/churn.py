#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Make N changes through the API, cycling through: add a route, delete
it, re-steer class CLASS between two overlay orders, add then delete an
unused overlay. Prints how long it took.

    churn.py SOCKET N CLASS OVERLAY_A OVERLAY_B ROUTE_OVERLAY ROUTE_VIA [PAUSE_MS]

PAUSE_MS (default 0) spreads the changes out over time.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "control", "api", "python"))
from edgeway_client import Client  # noqa: E402


def main(sock, n, cls, a, b, rov, via, pause_ms="0"):
    n = int(n)
    pause = float(pause_ms) / 1000.0
    t0 = time.monotonic()
    with Client(sock) as c:
        for i in range(n):
            k = i % 6
            p = "10.%d.%d.0/24" % (100 + (i // 256) % 100, i % 256)
            if k == 0:
                c.add_route(rov, p, via)
            elif k == 1:
                c.del_route(rov, "10.%d.%d.0/24" % (100 + ((i - 1) // 256) % 100, (i - 1) % 256))
            elif k == 2:
                c.set_class_overlays(cls, [b, a])
            elif k == 3:
                c.set_class_overlays(cls, [a, b])
            elif k == 4:
                c.add_overlay("churn", 4000, "vxlan", "169.254.250.1/24")
            else:
                c.del_overlay("churn")
            if pause:
                time.sleep(pause)
        gen = c.show("stats").stats.generation
    dt = time.monotonic() - t0
    print("changes: %d in %.3f s (%.2f ms each), generation %d" % (n, dt, dt * 1000 / n, gen))


if __name__ == "__main__":
    if len(sys.argv) not in (8, 9):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
