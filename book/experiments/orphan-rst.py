#!/usr/bin/env python3
"""The side that closed first: its socket lives on, orphaned, and answers data with RST.

Run: python3 book/experiments/orphan-rst.py     (Linux: it reads `ss`)
"""
import socket
import subprocess
import time

listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(1)
client = socket.create_connection(listener.getsockname())
conn, _ = listener.accept()
conn.close()                 # the server's program closes its socket: a FIN goes out
time.sleep(0.1)
# The server's end of this one connection: from the listener's port to the client's.
FILTER = '( sport = :%d and dport = :%d )' % (listener.getsockname()[1],
                                             client.getsockname()[1])


def server_end(options):
    rows = subprocess.run(['ss', options, FILTER], capture_output=True,
                          text=True).stdout.splitlines()
    return rows[0].split() if rows else []


state = server_end('-Htanp')
print("server's end after close(): %s, process: %s"
      % (state[0], state[5] if len(state) > 5 else 'none (orphaned)'))
print('client recv: %r (the FIN: the server will send no more)' % client.recv(1024))
client.send(b'late data')    # reaches the orphan, which answers RST
time.sleep(0.1)
state = server_end('-Htan')
print("server's end after the client's send: %s" % (state[0] if state else 'gone (reset)'))
try:
    client.send(b'more')
    print('second send: no error?')
except OSError as e:
    print('client send after the RST: %s' % e)
