#!/bin/sh
# utf8-server's report of one client; the client's bytes are the script's first
# argument, in Python's notation (b'...'), or utf8-client when there is none.
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
if [ $# -eq 0 ]; then
    cargo run -q -p utf8-client -- "$SERVER_ADDR" >/dev/null
else
    python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $SERVER_PORT)); s.sendall($1); s.recv(1024)"
fi
wait_server
server_log
