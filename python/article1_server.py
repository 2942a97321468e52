#!/usr/bin/env python3
"""Article one's server, call for call: take one client, upper-case one message.

Run:  python3 python/article1_server.py [PORT]      (PORT defaults to 9999)

Two additions to the article's program, so tests can run it on a free port: the
optional PORT argument, and a first line `listening on 127.0.0.1:PORT` (printed once
the socket listens, so the article's `sk.bind......` comes after it). Every other
line is the article's.
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

sk = socket.socket()                      # AF_INET, SOCK_STREAM, proto 0
sk.bind(('127.0.0.1', port))
sk.listen(5)
print('listening on %s:%d' % sk.getsockname(), flush=True)
print('sk.bind......')                    # the article prints these two lines
print('sk.listen......')                  # after bind and after listen

conn, addr = sk.accept()
print('conn:', conn)
print('addr:', addr)
read_data = conn.recv(1024)               # one recv: whatever has arrived
print('read_data', read_data)
conn.send(read_data.upper())
conn.close()
sk.close()
