#!/usr/bin/env python3
"""Article two's server, call for call: a UTF-8 greeting in, a UTF-8 greeting out.

Run:  python3 python/article2_server.py [PORT]      (PORT defaults to 8088)

Two additions to the article's program, so tests can run it on a free port: the
optional PORT argument, and a first line `listening on 127.0.0.1:PORT`. Every other
line, and both messages, are the article's.
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8088

sk = socket.socket()
sk.bind(('127.0.0.1', port))
sk.listen(5)
print('listening on %s:%d' % sk.getsockname(), flush=True)
print('正在等待Linux公社客戶端連線……')     # the article's line: waiting for a client
conn, addr = sk.accept()
print('Linux公社客戶端已連線到伺服器……')   # the article's line: a client connected
mes_from_client = conn.recv(1024).decode('utf-8')
print(mes_from_client)
# The data sent must be bytes: encode the text first. (The article names this
# variable mes_to_server too.)
mes_to_server = '你好,Linux公社www.linuxidc.com客戶端,已收到您的資訊!'.encode('utf-8')
conn.send(mes_to_server)
conn.close()
sk.close()
