#!/bin/sh
# Talking to a server without nc: a one-line Python client against basic-server.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
python3 -c "import socket, sys; sk = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); sk.sendall(b'hello, socket'); print(sk.recv(1024))" "$SERVER_PORT"
