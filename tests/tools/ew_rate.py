#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet rate of a running edgewayd, from its interface counters.

    ew_rate.py SOCKET OUT_IFACE SECONDS

Samples every interface over SECONDS and prints one CSV line:
  mpps,rx_mpps,drops,accounted
mpps: packets sent on OUT_IFACE per second (millions); rx_mpps: received on
all interfaces; drops: packets edgeway dropped in the interval (all
reasons); accounted: 1 if rx = tx + drops held over the interval (to 0.1%:
packets in flight at either sample are the difference).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "control", "api", "python"))
from edgeway_client import Client  # noqa: E402


def sample(c):
    ifs = c.show("interfaces").interfaces
    return time.monotonic(), {i.name: i for i in ifs}


def main(sock, out_if, secs):
    with Client(sock, timeout=60) as c:
        t0, a = sample(c)
        time.sleep(float(secs))
        t1, b = sample(c)
    dt = t1 - t0
    tx = b[out_if].tx_packets - a[out_if].tx_packets
    rx = sum(b[k].rx_packets - a[k].rx_packets for k in b)
    txall = sum(b[k].tx_packets - a[k].tx_packets for k in b)
    drops = sum(b[k].drops - a[k].drops for k in b)
    ok = rx > 0 and abs(rx - txall - drops) <= max(rx // 1000, 64)
    print("%.3f,%.3f,%d,%d" % (tx / dt / 1e6, rx / dt / 1e6, drops, int(ok)))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
