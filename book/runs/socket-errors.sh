#!/bin/sh
# Four socket errors, made on purpose on loopback with Python's socket module: what
# a read and a write do after the peer has closed, getpeername on a socket that never
# connected, and bind to a port that is taken.
. "$(dirname "$0")/common.sh"
python3 - <<'PY'
import socket, time

listener = socket.create_server(('127.0.0.1', 0))
client = socket.create_connection(listener.getsockname())
conn, _ = listener.accept()
client.close()
print('recv after the peer closed:', conn.recv(1024))
print('send after the peer closed:', conn.send(b'x'))
time.sleep(0.2)  # the peer's kernel answers that byte with a reset (RST)
attempts = [
    ('send again', lambda: conn.send(b'x')),
    ('getpeername, never connected', lambda: socket.socket().getpeername()),
    ('bind to a port in use', lambda: socket.socket().bind(listener.getsockname())),
]
for what, call in attempts:
    try:
        call()
    except OSError as e:
        print(f'{what}: {type(e).__name__}, errno {e.errno} ({e.strerror})')
PY
