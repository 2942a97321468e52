#!/bin/sh
# basic-server's report of the article's client (after its first line).
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "hello from python" | python3 python/article1_client.py "$SERVER_PORT" >/dev/null
wait_server
server_log | tail -n +2
