#!/usr/bin/env python3
"""Article two's server, call for call: a UTF-8 greeting in, a UTF-8 greeting out.

Run:  python3 python/article2_server.py [PORT]      (PORT defaults to 8088)

Two additions to the article's program, so tests can run it on a free port: the
optional PORT argument, and a first line `listening on 127.0.0.1:PORT`.
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8088

sk = socket.socket()
sk.bind(('127.0.0.1', port))
sk.listen(5)
print('listening on %s:%d' % sk.getsockname(), flush=True)
print('等待客戶端連線……')                  # waiting for a client
conn, addr = sk.accept()
print('客戶端已連線', addr)                 # a client connected
mes_from_client = conn.recv(1024).decode('utf-8')
print(mes_from_client)
# The data sent must be bytes: encode the text first.
mes_to_client = '你好，客戶端！這是 Python 伺服器，訊息收到了。'.encode('utf-8')
conn.send(mes_to_client)
conn.close()
sk.close()
