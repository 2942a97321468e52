#!/bin/sh
# SO_SNDTIMEO bounds a blocking connect (Linux). Needs root (or `unshare -rn`): in a
# private network namespace, 10.9.9.9 is routed into lo where nobody owns it, so the
# SYNs are never answered. Run: sh book/experiments/connect-timeout.sh
set -eu
unshare -n sh -c '
ip link set lo up
ip route add 10.9.9.9/32 dev lo
python3 - <<PY
import socket, struct, time
sk = socket.socket()
sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 0, 300000))
start = time.monotonic()
try:
    sk.connect(("10.9.9.9", 9))
    print("connected?")
except OSError as e:
    print("blocking connect, SO_SNDTIMEO 0.3 s, SYNs unanswered: %s after %.1f s"
          % (e, time.monotonic() - start))
PY
'
