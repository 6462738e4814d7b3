# SPDX-License-Identifier: BSD-3-Clause
"""A small client of the edgeway control API, for orchestrators.

It speaks the same protobuf schema as edgewayctl (control/api/edgeway.proto):
frames of a 4-byte big-endian length and an edgeway.Request, answered by an
edgeway.Response. edgeway_pb2 is generated from that schema by the build
(build/control/edgeway_pb2.py, with Debian's protoc and
python3-protobuf).

    from edgeway_client import Client
    c = Client("/run/edgeway/edgeway.sock")
    c.add_class("video", ["silver", "gold"], proto="udp", dst_port="5000-5100")
    c.set_class_overlays("video", ["gold"])
"""

import os
import socket
import struct
import sys

_here = os.path.dirname(os.path.abspath(__file__))
for _d in (os.environ.get("EDGEWAY_PB2_DIR"), _here,
           os.path.join(_here, "..", "..", "..", "build", "control")):
    if _d and os.path.exists(os.path.join(_d, "edgeway_pb2.py")):
        sys.path.insert(0, _d)
        break
import edgeway_pb2 as pb  # noqa: E402

MAX_FRAME = 16 << 20


class EdgewayError(Exception):
    """The daemon refused a request (code REFUSED or FAILED)."""

    def __init__(self, code, errors):
        super().__init__("; ".join(errors) or pb.Code.Name(code))
        self.code = code
        self.errors = list(errors)


class Client:
    def __init__(self, path="/run/edgeway/edgeway.sock", timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("edgewayd closed the connection")
            buf += chunk
        return buf

    def call(self, req):
        """Send a Request, return the Response; raise EdgewayError if refused."""
        req.version = pb.VERSION_1
        body = req.SerializeToString()
        self.sock.sendall(struct.pack(">I", len(body)) + body)
        (n,) = struct.unpack(">I", self._recv(4))
        if n > MAX_FRAME:
            raise ConnectionError("answer of %d bytes is over the limit" % n)
        resp = pb.Response()
        resp.ParseFromString(self._recv(n))
        if resp.code != pb.OK:
            raise EdgewayError(resp.code, resp.errors)
        return resp

    # -- reads --
    def hello(self):
        r = pb.Request()
        r.hello.SetInParent()
        return self.call(r).hello

    def show(self, what, overlay=""):
        """what: 'interfaces', 'overlays', 'tunnels', 'classes', 'routes', 'stats'."""
        r = pb.Request()
        r.show.what = pb.Show.What.Value(what.upper())
        r.show.overlay = overlay
        return self.call(r).show

    def lookup(self, address, klass=""):
        """Which route wins for a LAN packet to ADDRESS (RouteLookup):
        the LAN table's or that of the overlay class KLASS chooses."""
        r = pb.Request()
        r.show.what = pb.Show.ROUTE_LOOKUP
        r.show.address = address
        setattr(r.show, "class", klass)
        return self.call(r).show.lookup

    def save(self):
        r = pb.Request()
        r.save.SetInParent()
        return self.call(r).yaml

    # -- changes: each one is a new table generation, or nothing --
    def apply(self, yaml_text, name="apply"):
        r = pb.Request()
        r.apply.yaml = yaml_text
        r.apply.name = name
        return self.call(r).generation

    def add_route(self, overlay, prefix, via):
        r = pb.Request()
        r.add.route.overlay, r.add.route.prefix, r.add.route.via = overlay, prefix, via
        return self.call(r).generation

    def del_route(self, overlay, prefix):
        r = pb.Request()
        getattr(r, "del").route.overlay = overlay
        getattr(r, "del").route.prefix = prefix
        return self.call(r).generation

    def update_route(self, overlay, prefix, via):
        r = pb.Request()
        r.update.route.overlay, r.update.route.prefix, r.update.route.via = overlay, prefix, via
        return self.call(r).generation

    def add_overlay(self, name, id, encap, address, mtu=0):
        r = pb.Request()
        o = r.add.overlay
        o.name, o.id, o.encap, o.address, o.mtu = name, id, encap, address, mtu
        return self.call(r).generation

    def del_overlay(self, name):
        r = pb.Request()
        getattr(r, "del").overlay.name = name
        return self.call(r).generation

    def add_tunnel(self, overlay, name, wan, remote, peer, probe="",
                   peer_mac=""):
        """probe: auto (default), stamp, icmp or none; peer_mac: a static inner
        MAC for a VXLAN peer (default: ARP inside the tunnel)."""
        r = pb.Request()
        t = r.add.tunnel
        t.overlay, t.name, t.wan, t.remote, t.peer = overlay, name, wan, remote, peer
        t.probe, t.peer_mac = probe, peer_mac
        return self.call(r).generation

    def del_tunnel(self, overlay, name):
        r = pb.Request()
        getattr(r, "del").tunnel.overlay = overlay
        getattr(r, "del").tunnel.name = name
        return self.call(r).generation

    def add_class(self, name, overlays, **match):
        """match: proto, src, dst, src_port, dst_port, dscp (strings),
        ingress (list). No match fields: a catch-all class."""
        r = pb.Request()
        c = getattr(r.add, "class")
        c.name = name
        c.overlays.extend(overlays)
        if match:
            m = c.match.add()
            for k, v in match.items():
                if k == "ingress":
                    m.ingress.extend(v)
                else:
                    setattr(m, k, str(v))
        return self.call(r).generation

    def del_class(self, name):
        r = pb.Request()
        getattr(getattr(r, "del"), "class").name = name
        return self.call(r).generation

    def batch(self, requests):
        """Several change requests (as built for call(): add, del, update,
        set_class_overlays) applied as one: one validation, one generation,
        or nothing if any fails."""
        r = pb.Request()
        for q in requests:
            c = r.batch.changes.add()
            op = q.WhichOneof("op")
            getattr(c, op).CopyFrom(getattr(q, op))
        return self.call(r).generation

    def set_class_overlays(self, name, overlays):
        r = pb.Request()
        r.set_class_overlays.name = name
        r.set_class_overlays.overlays.extend(overlays)
        return self.call(r).generation
