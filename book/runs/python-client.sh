#!/bin/sh
# The article's client against basic-server.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "hello from python" | python3 python/article1_client.py "$SERVER_PORT"
