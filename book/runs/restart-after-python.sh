#!/bin/sh
# Right after the article's Python server (no SO_REUSEADDR) has served a client, on
# the same port: basic-server (which sets the option) is refused too.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package basic-server
start_program python3 python/article1_server.py 0
# A client that reads until the server hangs up, so the server closes first and its
# side of the connection is the one left in TIME_WAIT, on the server's port.
python3 -c "
import socket
c = socket.create_connection(('127.0.0.1', $SERVER_PORT))
c.sendall(b'hello')
while c.recv(1024):
    pass"
wait_server
echo "\$ cargo run -q -p basic-server"
# (timeout: should the port be free after all, the server would wait for a client)
timeout 5 target/debug/basic-server "127.0.0.1:$SERVER_PORT" 2>&1 || true
