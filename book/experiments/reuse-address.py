#!/usr/bin/env python3
"""SO_REUSEADDR and TIME_WAIT on Linux: the four combinations.

A server serves one client and closes the connection first, so the server's end
waits in TIME_WAIT. A second server then binds the same port at once. Each of the two
sets SO_REUSEADDR or not. Run: python3 book/experiments/reuse-address.py
"""
import socket


def listener(reuse):
    sk = socket.socket()
    if reuse:
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sk


def serve_one_client(reuse):
    """A port whose server end of a connection is now in TIME_WAIT."""
    sk = listener(reuse)
    sk.bind(('127.0.0.1', 0))
    sk.listen(5)
    client = socket.create_connection(sk.getsockname())
    conn, _ = sk.accept()
    conn.close()                 # the server closes first: TIME_WAIT on its side
    client.recv(1)               # the client reads the end of the stream ...
    client.close()               # ... and closes too
    port = sk.getsockname()[1]
    sk.close()
    return port


for first in (False, True):
    for second in (False, True):
        port = serve_one_client(first)
        again = listener(second)
        try:
            again.bind(('127.0.0.1', port))
            result = 'bind succeeds'
        except OSError as e:
            result = 'bind fails: %s' % e
        again.close()
        print('old server %-13s new server %-13s %s' % (
            'with option,' if first else 'without,',
            'with option:' if second else 'without:', result))

# And a port with a server still listening on it: the option does not share it.
first = listener(True)
first.bind(('127.0.0.1', 0))
first.listen(5)
second = listener(True)
try:
    second.bind(first.getsockname())
    print('a second listener, both with the option: bind succeeds')
except OSError as e:
    print('a second listener, both with the option: bind fails: %s' % e)
