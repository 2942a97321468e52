#!/bin/sh
# peer-sock-names waiting for one real client: a Python one.
. "$(dirname "$0")/common.sh"
start_server peer-sock-names 127.0.0.1:0
python3 -c "import socket; socket.create_connection(('127.0.0.1', $SERVER_PORT)).recv(1)"
wait_server
server_log
