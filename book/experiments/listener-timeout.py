#!/usr/bin/env python3
"""SO_RCVTIMEO on a listening socket bounds a blocking accept (Linux).

Python's settimeout would make the socket non-blocking instead; setting the option
itself keeps the blocking accept and shows what the kernel does with it.
Run: python3 book/experiments/listener-timeout.py
"""
import socket
import struct
import time

listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(5)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 0, 300000))
start = time.monotonic()
try:
    listener.accept()
except OSError as e:
    print('blocking accept with SO_RCVTIMEO 0.3 s, no client: %s after %.1f s'
          % (e, time.monotonic() - start))
