#!/bin/sh
# A socket, a file and a socket opened one after the other in Python: numbers 3, 4, 5.
. "$(dirname "$0")/common.sh"
python3 -c "
import socket
sk = socket.socket()
print(sk.fileno())
f = open('/etc/hostname')
print(f.fileno())
conn = socket.socket()
print(conn.fileno())"
