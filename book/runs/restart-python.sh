#!/bin/sh
# Right after a client, on the same port: the article's server (no SO_REUSEADDR) is
# refused, basic-server (SO_REUSEADDR) listens.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
# A client that reads until the server hangs up, so the server closes first and its
# side of the connection is the one left in TIME_WAIT, on the server's port.
python3 -c "
import socket
c = socket.create_connection(('127.0.0.1', $SERVER_PORT))
c.sendall(b'hello')
while c.recv(1024):
    pass"
wait_server
# Python names the script by its full path; the book shows it from the repository.
timeout 5 python3 python/article1_server.py "$SERVER_PORT" 2>&1 | sed "s|$(pwd)/||"
echo "\$ cargo run -q -p basic-server"
start_server basic-server "$SERVER_ADDR"
server_log
