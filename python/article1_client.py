#!/usr/bin/env python3
"""Article one's client, call for call: send one line, print the reply.

Run:  python3 python/article1_client.py [PORT]      (PORT defaults to 9999)
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

sk = socket.socket()
sk.connect(('127.0.0.1', port))
send_data = input('>>').strip()
sk.send(bytes(send_data, encoding='utf-8'))
recv_data = sk.recv(1024)                 # one recv, no waiting for the server to close
print(str(recv_data, encoding='utf-8'))
sk.close()
