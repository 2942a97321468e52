#!/bin/sh
# The article's UTF-8 server given the same 1026 bytes: the last line of its traceback.
. "$(dirname "$0")/common.sh"
start_program python3 python/article2_server.py 0
python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $SERVER_PORT)); s.sendall('好'.encode() * 342); s.recv(1024)" 2>/dev/null || true
wait_server
server_log | tail -n 1
