#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""docs/PERFORMANCE.md from the CSVs that `scripts/bench.sh all` wrote.

    perf_report.py RESULTS_DIR HUGEPAGES(yes|no) > docs/PERFORMANCE.md
"""
import csv
import datetime
import os
import platform
import subprocess
import sys


def rows(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return []
    with open(p) as f:
        return list(csv.DictReader(f))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def table(header, body):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in body]
    return "\n".join(out)


def f(x, fmt="%.2f"):
    try:
        return fmt % float(x)
    except (TypeError, ValueError):
        return str(x)


def main(d, huge):
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    dpdk = sh("pkg-config --modversion libdpdk")
    ovs = sh("ovs-vsctl --version | head -1")
    w = print
    w("# Performance")
    w()
    w("Written by `scripts/bench.sh all` on %s; every figure below comes from"
      % datetime.date.today().isoformat())
    w("that one run, on this machine:")
    w()
    w("- CPU: %s, %s cores; kernel %s; DPDK %s; %s" % (
        cpu, os.cpu_count(), platform.release(), dpdk, ovs or "no OVS"))
    w("- hugepages: %s%s" % (huge, "" if huge == "yes" else
      " (--no-huge: every contender runs slower than this machine can)"))
    w("- The machine is shared and has 2 cores: absolute numbers drift between")
    w("  runs, so compare the contenders **within** a run (the ratios). The")
    w("  control thread and the worker share nothing on the packet path, but")
    w("  they do share the CPU with everything else.")
    w()
    w("Reproduce: `scripts/bench.sh all` (about 5 minutes here; the CSVs and")
    w("plots go to `bench-results/` and are copied to `docs/perf/`), or one")
    w("part: `scripts/bench.sh rate|loop|scale|multicore`.")
    w()

    r = rows(d, "rate.csv")
    if r:
        w("## Packet rate, one worker core")
        w()
        w("Every contender reads the same pcap (`net_pcap`, `infinite_rx=1`,")
        w("10,000 UDP flows) and sends to `net_null,no-rx=1`, for the same time.")
        w("edgeway's tables: 64 overlays with one tunnel each, 10,000 routes, 1,000")
        w("ACL rules in 100 classes, static neighbours, probes off. WAN->LAN decap")
        w("reads the same flows VXLAN-encapsulated. OVS-DPDK 3.1 runs the same")
        w("policy as OpenFlow rules: 1,000 classification rules (table 0) and")
        w("10,000 per-overlay routes (table 1: MAC rewrite, TTL decrement, out")
        w("of one of 64 VXLAN ports). IMIX is 7:4:1 of 64, 570 and 1518-byte")
        w("frames.")
        w()
        w(table(["contender", "traffic", "Mpps", "ratio to testpmd io",
                 "ns/packet", "drops", "rx = tx + drops"],
                [[x["contender"], x["traffic"], f(x["mpps"]),
                  f(x["ratio_to_testpmd"]), f(x["ns_per_packet"], "%.1f"),
                  x["drops"] or "", {"1": "yes", "0": "NO"}.get(x["accounted"], "")]
                 for x in r]))
        w()
        by = {(x["contender"], x["traffic"]): float(x["mpps"] or 0) for x in r}
        for t in ("64", "imix"):
            e = by.get(("edgeway-lan-wan-vxlan", t), 0)
            o = by.get(("ovs-dpdk-vxlan", t), 0)
            tp = by.get(("testpmd-io", t), 0)
            if e and o and tp:
                w("- %s: edgeway LAN->WAN VXLAN is **%.2f x testpmd io** (goal 0.5)"
                  " and **%.1f x OVS-DPDK** (goal 5)." % (t, e / tp, e / o))
        w()
        w("![packet rate](perf/rate.png)")
        w()

    lp = rows(d, "loop.csv")
    if lp:
        w("## Cost per packet of the worker loop")
        w()
        w("`tests/bench/bench_loop` runs the worker's per-packet code")
        w("(`ew_worker_rx`: parse, classify, route, encapsulate or decapsulate)")
        w("on the same tables and frames, without ports. Instructions come from")
        w("`valgrind --tool=callgrind --toggle-collect=ew_worker_rx` (stable across")
        w("runs; under valgrind rte_acl runs its scalar path); cycles from the TSC")
        w("around each call, natively. `perf stat` reports \"not supported\" on")
        w("this machine (no PMU in the VM), so there are no hardware counters.")
        w()
        w(table(["path", "instructions/packet", "TSC cycles/packet",
                 "top self cost (instructions/packet)"],
                [[x["path"], x["instructions_per_packet"],
                  f(x["cycles_per_packet"], "%.0f"), x["top_functions"]]
                 for x in lp]))
        w()

    m = rows(d, "multicore.csv")
    if m:
        w("## One worker against two")
        w()
        w("LAN->WAN VXLAN, 64 B, the pcap source with one queue per worker. This")
        w("machine has %s cores: with two workers the control thread shares a core"
          % os.cpu_count())
        w("with one of them, so this shows that the workers do not contend")
        w("with each other, not what two dedicated cores would do.")
        w()
        w(table(["workers", "Mpps", "rx Mpps", "drops", "rx = tx + drops"],
                [[x["workers"], f(x["mpps"]), f(x["rx_mpps"]), x["drops"],
                  {"1": "yes", "0": "NO"}.get(x["accounted"], "")] for x in m]))
        w()

    s = rows(d, "scale.csv")
    lx = {x["overlays"]: x for x in rows(d, "scale_linux.csv")}
    if s:
        w("## Scale: overlays created through the API")
        w()
        w("Each overlay has one VXLAN tunnel (static peer MAC, probes off) and 10")
        w("routes. *per-request*: one API request per overlay (the Overlay message")
        w("carries its tunnel and routes), each validated and published as its")
        w("own table generation. *batch*: a `Batch` request of 1,000 overlays,")
        w("one generation per batch. Memory is the growth of the daemon's RSS and")
        w("of its DPDK heap, divided by the overlays. The Linux data plane of the")
        w("seed paper (per overlay a VXLAN device, an address, a routing table with")
        w("the routes, an ip rule on an fwmark, an nftables mark rule; one")
        w("`ip -batch` and one `nft -f`) is built at the same sizes in a scratch")
        w("namespace; its memory is the growth of Slab + Percpu. At 10 and 100")
        w("overlays the RSS figure is mostly allocator noise divided by few")
        w("overlays; read it at 1,000 and 10,000.")
        w()
        body = []
        for x in s:
            l = lx.get(x["overlays"], {})
            body.append([x["mode"], x["overlays"], x["routes"], f(x["seconds"], "%.3f"),
                         f(x["ms_per_overlay"], "%.3f"),
                         f(x["ms_per_overlay_last10pct"], "%.3f"),
                         f(x["rss_kib_per_overlay"]), f(x["heap_kib_per_overlay"]),
                         f(l.get("seconds"), "%.3f") if l else "",
                         f(l.get("kernel_kib_per_overlay"), "%.1f") if l else ""])
        w(table(["edgeway API", "overlays", "routes", "seconds", "ms/overlay",
                 "ms/overlay (last 10%)", "RSS KiB/overlay", "heap KiB/overlay",
                 "Linux seconds", "Linux kernel KiB/overlay"], body))
        w()
        w("![creation time](perf/scale_time.png) ![memory](perf/scale_memory.png)")
        w()
    sr = rows(d, "scale_rate.csv")
    if sr:
        w("## Packet rate as the tables grow")
        w()
        w("LAN->WAN VXLAN, 64 B, 10 routes per overlay, 1,000 ACL rules in 100")
        w("classes, and at the largest size also 10,000 rules; the traffic")
        w("uses the 100 classes' first overlays.")
        w()
        w(table(["overlays", "routes", "ACL rules", "Mpps", "drops", "rx = tx + drops"],
                [[x["overlays"], x["routes"], x.get("rules", "1000"), f(x["mpps"]),
                  x["drops"], {"1": "yes", "0": "NO"}.get(x["accounted"], "")]
                 for x in sr]))
        w()
        w("![rate vs size](perf/scale_rate.png)")
        w()
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "..", "docs", "PERFORMANCE.notes.md")
    if os.path.exists(notes):
        with open(notes) as fp:
            w(fp.read().rstrip())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
