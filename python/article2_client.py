#!/usr/bin/env python3
"""Article two's client, call for call: send a UTF-8 greeting, print the reply.

The greeting is the article's, ASCII comma and exclamation mark included.

Run:  python3 python/article2_client.py [PORT]      (PORT defaults to 8088)
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8088

sk = socket.socket()
sk.connect(('127.0.0.1', port))
# The data sent must be bytes: encode the text first.
mes_to_server = '你好,Linux公社www.linuxidc.com伺服器!'.encode('utf-8')
sk.send(mes_to_server)
mes_from_server = sk.recv(1024).decode('utf-8')
print(mes_from_server)
sk.close()
