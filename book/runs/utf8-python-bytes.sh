#!/bin/sh
# A Python client sends utf8-server the bytes given (Python notation) and prints the reply.
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $SERVER_PORT)); s.sendall($1); print(s.recv(1024))"
