#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpus for fuzz_api: one valid request of every kind (frame bodies,
without the 4-byte length), written to DIR.

    mkcorpus_api.py DIR   (needs build/control/edgeway_pb2.py)
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "control", "api", "python"))
from edgeway_client import pb  # noqa: E402


def req():
    r = pb.Request()
    r.version = 1
    return r


def main(out):
    seeds = {}
    r = req(); r.hello.SetInParent(); seeds["hello"] = r
    for w in ("interfaces", "overlays", "tunnels", "classes", "routes", "stats"):
        r = req(); r.show.what = pb.Show.What.Value(w.upper()); r.show.overlay = "gold"
        seeds["show_" + w] = r
    r = req(); r.save.SetInParent(); seeds["save"] = r
    r = req()
    r.apply.yaml = open(os.path.join(here, "corpus", "config", sorted(
        os.listdir(os.path.join(here, "corpus", "config")))[0]), "rb").read().decode("utf-8", "replace")
    r.apply.name = "seed.yaml"
    seeds["apply"] = r
    r = req(); o = r.add.overlay
    o.name, o.id, o.encap, o.address = "bronze", 300, "vxlan", "169.254.30.1/24"
    t = o.tunnels.add()
    t.name, t.wan, t.remote, t.peer, t.probe, t.peer_mac = "x", "inet", "203.0.113.9", "169.254.30.2", "none", "02:00:00:00:00:09"
    rt = o.routes.add(); rt.prefix, rt.via = "10.9.0.0/16", "x"
    seeds["add_overlay"] = r
    r = req(); t = r.add.tunnel
    t.overlay, t.name, t.wan, t.remote, t.peer = "gold", "t2", "inet", "203.0.113.7", "169.254.100.7"
    seeds["add_tunnel"] = r
    r = req(); rt = r.add.route; rt.overlay, rt.prefix, rt.via = "gold", "10.3.0.0/16", "to-b"
    seeds["add_route"] = r
    r = req(); c = getattr(r.add, "class"); c.name = "web"; c.overlays.extend(["gold", "silver"])
    m = c.match.add(); m.proto, m.dst_port, m.dst = "tcp", "80-443", "10.2.0.0/16"
    c.sla.latency_ms, c.balance, c.dscp = 30, "flow", 46
    seeds["add_class"] = r
    r = req(); getattr(r, "del").route.overlay = "gold"; getattr(r, "del").route.prefix = "10.2.0.0/16"
    seeds["del_route"] = r
    r = req(); getattr(getattr(r, "del"), "class").name = "video"
    seeds["del_class"] = r
    r = req(); r.update.route.overlay, r.update.route.prefix, r.update.route.via = "gold", "10.2.0.0/16", "169.254.100.2"
    seeds["update_route"] = r
    r = req(); r.set_class_overlays.name = "video"; r.set_class_overlays.overlays.extend(["gold"])
    seeds["set_class"] = r
    r = req()
    for i in range(3):
        ch = r.batch.changes.add()
        ch.add.route.overlay, ch.add.route.prefix, ch.add.route.via = "gold", "10.%d.0.0/16" % (50 + i), "to-b"
    ch = r.batch.changes.add(); ch.set_class_overlays.name = "default"; ch.set_class_overlays.overlays.append("silver")
    seeds["batch"] = r
    os.makedirs(out, exist_ok=True)
    for k, v in seeds.items():
        with open(os.path.join(out, k), "wb") as f:
            f.write(v.SerializeToString())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
