#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What an orchestrator does for a microservice: give its traffic a class,
then move the class to another overlay (e.g. when its SLA is violated).

    steer_example.py SOCKET CLASS DST_PORTS OVERLAY[,OVERLAY..] NEW_OVERLAY[,..]
"""
import sys

from edgeway_client import Client, EdgewayError


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    sock, name, ports, first, then = argv[1:]
    try:
        with Client(sock) as c:
            g = c.add_class(name, first.split(","), proto="tcp", dst_port=ports)
            print("class %s added over %s (generation %d)" % (name, first, g))
            g = c.set_class_overlays(name, then.split(","))
            print("class %s re-steered to %s (generation %d)" % (name, then, g))
            for cl in c.show("classes").classes:
                print("  %-12s overlays=%s" % (cl.name, ",".join(cl.overlays)))
    except EdgewayError as e:
        print("refused: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
