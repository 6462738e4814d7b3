#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Top self-cost functions of a callgrind profile, per packet.

    cg_top.py CALLGRIND_OUT PACKETS [N]

Costs are grouped by what they are: a DPDK library (rte_acl), an inlined
header (lpm.h: the LPM lookups, encap.h, pkt.h), or a function. Prints
"name per_packet; ..." for the N (default 4) largest.
"""
import collections
import re
import subprocess
import sys


def main(path, packets, n=4):
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", path],
                         capture_output=True, text=True).stdout
    cost = collections.Counter()
    in_flat = False
    for line in out.splitlines():
        if line.startswith("Ir") and "file:function" in line:
            in_flat = True
            continue
        if not in_flat or line.startswith("---"):
            continue
        if not line.strip():
            break
        m = re.match(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*?)(?:\s+\[(.*)\])?$", line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        loc, obj = m.group(2), m.group(3) or ""
        src, _, fn = loc.rpartition(":")
        lib = re.match(r"lib(rte_[a-z_]+)\.so", obj.rsplit("/", 1)[-1])
        if lib:
            key = lib.group(1)
        elif src.endswith(".h"):
            key = src.rsplit("/", 1)[-1]
        else:
            key = fn
        cost[key] += ir
    print("; ".join("%s %.0f" % (k, v / float(packets))
                    for k, v in cost.most_common(int(n))))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
