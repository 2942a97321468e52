#!/bin/sh
# The Python client's own view of the same connection.
. "$(dirname "$0")/common.sh"
start_server peer-sock-names 127.0.0.1:0
python3 -c "import socket; c = socket.create_connection(('127.0.0.1', $SERVER_PORT)); print('client getsockname():', c.getsockname()); print('client getpeername():', c.getpeername())"
