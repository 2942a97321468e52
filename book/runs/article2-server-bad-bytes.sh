#!/bin/sh
# The article's UTF-8 server given two bytes that are not UTF-8.
. "$(dirname "$0")/common.sh"
start_program python3 python/article2_server.py 0
python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $SERVER_PORT)); s.sendall(b'\xff\xfe'); s.recv(1024)"
wait_server
# Python names the script by its full path; the book shows it from the repository.
server_log | sed "s|$(pwd)/||"
