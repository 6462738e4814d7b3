#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile clients of edgewayd's control socket, metrics server and DPDK
telemetry socket, for tests/e2e/hostile_clients.sh and the soak test.

    hostile.py early SOCK N          N clients: a hello request, then close at once
    hostile.py oversized SOCK N      N clients: a 4 GiB length prefix, then close
    hostile.py hello SOCK SECS       one normal request; "served" or "not served"
    hostile.py http-early HOST PORT N   N clients: a scrape, then close at once
    hostile.py tel-early PATH N      N telemetry clients: connect (and ask), close
    hostile.py stream HOST PORT PID MAX   stream a request line of up to MAX bytes
    hostile.py codes HOST PORT       status of GET /metrics, GET /other, POST, DELETE
    hostile.py idle HOST PORT PID N  hold N idle connections; how many accepted
    hostile.py timeout HOST PORT     seconds until an idle connection is closed
    hostile.py tel-poll PATH SECS [CMD|all [PAUSE_MS]]   poll /edgeway/ commands
    hostile.py ctl-churn SOCK SECS [N]   rounds of N clients closing mid-request
    hostile.py http-garbage HOST PORT SECS   garbage at the metrics port, for SECS
    hostile.py no-read SOCK PID N    N 'show tunnels' pipelined, answers never read;
                                     RSS growth, and whether another client is served
    hostile.py no-read-hold SOCK SECS   the same, then wait up to SECS for the
                                     daemon to close it; "closed after X s"
"""
import json
import os
import random
import socket
import struct
import sys
import time

HELLO = struct.pack(">I", 2) + bytes([0x52, 0x00])


def unix_conn(path, timeout=5):
    # a full listen backlog answers EAGAIN: wait and retry, as clients do
    for _ in range(1000):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except (BlockingIOError, InterruptedError):
            s.close()
            time.sleep(0.01)
    raise SystemExit("daemon stopped accepting")


def recv_frame(s):
    h = b""
    while len(h) < 4:
        c = s.recv(4 - len(h))
        if not c:
            return None
        h += c
    n = struct.unpack(">I", h)[0]
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            return None
        b += c
    return b


def vmrss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def early(path, n):
    for _ in range(int(n)):
        s = unix_conn(path)
        s.sendall(HELLO)
        s.close()
    print("early-close clients done:", n)


def oversized(path, n):
    for _ in range(int(n)):
        s = unix_conn(path)
        s.sendall(struct.pack(">I", 0xffffffff) + b"xx")
        s.close()
    print("oversized-frame clients done:", n)


def hello(path, secs):
    try:
        s = unix_conn(path, float(secs))
        s.sendall(HELLO)
        a = recv_frame(s)
        print("served" if a is not None and b"edgewayd" in a else "not served")
    except OSError as e:
        print("not served:", e)


def http_early(host, port, n):
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    for i in range(int(n)):
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(req)
        s.close()
    print("early-close scrapers done:", n)


def tel_early(path, n):
    for i in range(int(n)):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.connect(path)
            if i % 2:
                s.send(b"/edgeway/tunnels")
        except OSError:
            pass
        s.close()
    print("early-close telemetry clients done:", n)


def stream(host, port, pid, cap):
    """A request line that never ends, 4 KiB at a time, up to CAP bytes:
    how much the server took before cutting it off, and the daemon's
    memory growth (KiB) while it held the connection."""
    cap = int(cap)
    rss0 = vmrss(pid)
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"GET /")
    sent, peak, cut = 5, rss0, False
    chunk = b"a" * 4096
    try:
        while sent < cap:
            s.sendall(chunk)
            sent += len(chunk)
            if sent % (256 * 1024) < 4096:
                peak = max(peak, vmrss(pid))
    except OSError:
        cut = True
    if not cut:
        # everything went out: see whether the server is still holding it
        time.sleep(0.5)
        peak = max(peak, vmrss(pid))
        s.settimeout(2)
        try:
            s.recv(4096)	# an answer (413) or the end: it was cut off
            cut = True
        except socket.timeout:
            cut = False
        except OSError:
            cut = True
    peak = max(peak, vmrss(pid))
    s.close()
    print("stream: sent %d bytes, cut off %s, RSS grew %d KiB" % (sent, cut, peak - rss0))


def status(host, port, method, path):
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n" % (method, path)).encode())
    b = b""
    while b"\r\n" not in b:
        c = s.recv(4096)
        if not c:
            break
        b += c
    s.close()
    try:
        return int(b.split(b" ")[1])
    except (IndexError, ValueError):
        return 0


def codes(host, port):
    for m, p in (("GET", "/metrics"), ("GET", "/other"), ("POST", "/metrics"),
                 ("DELETE", "/metrics"), ("PUT", "/other")):
        print("%s %s: %d" % (m, p, status(host, port, m, p)))


def tcp_accepted(pid, port):
    """How many of PID's descriptors are TCP connections to its local PORT
    (what the daemon accepted there; other sockets it opens meanwhile,
    such as a control client's, do not count)."""
    inodes = set()
    for fd in os.listdir("/proc/%s/fd" % pid):
        try:
            t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if t.startswith("socket:["):
            inodes.add(t[8:-1])
    n = 0
    with open("/proc/%s/net/tcp" % pid) as f:
        next(f)
        for line in f:
            c = line.split()
            lport = int(c[1].split(":")[1], 16)
            # 0A: the listener itself
            if lport == int(port) and c[3] != "0A" and c[9] in inodes:
                n += 1
    return n


def idle(host, port, pid, n):
    f0 = tcp_accepted(pid, port)
    held = [socket.create_connection((host, int(port)), timeout=5) for _ in range(int(n))]
    time.sleep(1)
    f1 = tcp_accepted(pid, port)
    for s in held:
        s.close()
    print("idle: %d connections held, %d accepted by the daemon" % (len(held), f1 - f0))


def timeout(host, port):
    t0 = time.monotonic()
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall(b"GET /met")	# and then nothing: a request that never ends
    try:
        while s.recv(4096):
            pass
        print("idle connection closed after %.1f s" % (time.monotonic() - t0))
    except socket.timeout:
        print("idle connection still open after 30 s")
    except OSError:
        print("idle connection closed after %.1f s" % (time.monotonic() - t0))


def tel_poll(path, secs, only="all", pause_ms="0"):
    """One telemetry client polling every /edgeway/ command (or only ONLY)
    until SECS have passed, PAUSE_MS between polls: how many answers, and
    how many were bad."""
    end = time.monotonic() + float(secs)
    pause = float(pause_ms) / 1000.0
    cmds = ["/edgeway/tunnels", "/edgeway/classes", "/edgeway/overlays",
            "/edgeway/interfaces", "/edgeway/stats"]
    if only != "all":
        cmds = [only]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    info = json.loads(s.recv(16384).decode())
    maxlen = info.get("max_output_len", 16384)
    ok = bad = i = 0
    while time.monotonic() < end:
        c = cmds[i % len(cmds)]
        i += 1
        s.send(c.encode())
        try:
            d = json.loads(s.recv(maxlen).decode())
            if isinstance(d.get(c), dict):
                ok += 1
            else:
                bad += 1
        except (ValueError, OSError):
            bad += 1
            break
        if pause:
            time.sleep(pause)
    s.close()
    print("telemetry: %d answers, %d bad" % (ok, bad))


def ctl_churn(path, secs, n="50"):
    """Rounds of N clients that connect and leave mid-request (half a
    frame, a whole request not waited for, nothing at all), until SECS
    have passed."""
    end = time.monotonic() + float(secs)
    rounds = 0
    while time.monotonic() < end:
        held = []
        for k in range(int(n)):
            s = unix_conn(path)
            if k % 3 == 0:
                s.sendall(struct.pack(">I", 100) + b"half")
            elif k % 3 == 1:
                s.sendall(HELLO)
            held.append(s)
        for s in held:
            s.close()
        rounds += 1
        time.sleep(0.2)
    print("control clients closed mid-request: %d rounds of %s" % (rounds, n))


def http_garbage(host, port, secs):
    """Garbage at the metrics port: random bytes, endless request lines,
    huge headers, until SECS have passed; one connection at a time."""
    end = time.monotonic() + float(secs)
    rnd = random.Random(11)
    n = 0
    while time.monotonic() < end:
        s = None
        try:
            s = socket.create_connection((host, int(port)), timeout=2)
            k = n % 3
            for _ in range(64):
                if k == 0:
                    s.sendall(bytes(rnd.getrandbits(8) for _ in range(1024)))
                elif k == 1:
                    s.sendall(b"GET /" + b"x" * 4096)
                else:
                    s.sendall(b"GET /metrics HTTP/1.1\r\n" + b"X-A: " + b"y" * 4000 + b"\r\n")
                time.sleep(0.002)
        except OSError:
            pass
        finally:
            if s is not None:
                s.close()
        n += 1
    print("garbage connections at the metrics port:", n)


def no_read(path, pid, n):
    req = struct.pack(">I", 4) + bytes([0x5a, 0x02, 0x08, 0x02])  # show tunnels
    before = vmrss(pid)
    s = unix_conn(path)
    s.settimeout(3)
    sent = 0
    try:
        for _ in range(int(n)):
            s.sendall(req)
            sent += 1
    except socket.timeout:
        pass
    peak = 0
    for _ in range(20):
        time.sleep(0.2)
        peak = max(peak, vmrss(pid) - before)
    print("no-read client: %d of %s requests sent" % (sent, n))
    print("while it reads nothing:", end=" ")
    hello(path, 5)
    print("RSS grew %d KiB" % peak)
    s.close()


def no_read_hold(path, secs):
    req = struct.pack(">I", 4) + bytes([0x5a, 0x02, 0x08, 0x02])  # show tunnels
    s = unix_conn(path)
    s.settimeout(2)
    try:
        for _ in range(2000):
            s.sendall(req)
    except socket.timeout:
        pass
    # never read an answer: only look whether the daemon closed its side
    # (a closed peer shows as EPIPE or a reset on send)
    t0 = time.monotonic()
    while time.monotonic() - t0 < float(secs):
        time.sleep(0.5)
        try:
            s.setblocking(False)
            s.send(req)
        except BlockingIOError:
            continue
        except OSError:
            print("closed after %.1f s" % (time.monotonic() - t0))
            return
    print("not closed after %s s" % secs)


def main():
    cmds = {"early": early, "oversized": oversized, "hello": hello,
            "http-early": http_early, "tel-early": tel_early, "stream": stream,
            "codes": codes, "idle": idle, "timeout": timeout,
            "tel-poll": tel_poll, "ctl-churn": ctl_churn,
            "http-garbage": http_garbage, "no-read": no_read,
            "no-read-hold": no_read_hold}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
