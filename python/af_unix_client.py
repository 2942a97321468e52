#!/usr/bin/env python3
"""Article one's client over AF_UNIX: the same calls, a path instead of (host, port).

Run:  python3 python/af_unix_client.py PATH
with `cargo run -p unix-ipc -- server PATH` listening there.
"""
import socket
import sys

path = sys.argv[1]

sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sk.connect(path)                          # a file system path, not ('127.0.0.1', 9999)
send_data = input('>>').strip()
sk.send(bytes(send_data, encoding='utf-8'))
recv_data = sk.recv(1024)
print(str(recv_data, encoding='utf-8'))
sk.close()
