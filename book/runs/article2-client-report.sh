#!/bin/sh
# utf8-server's report of the article's client (after its first two lines).
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
python3 python/article2_client.py "$SERVER_PORT" >/dev/null
wait_server
server_log | tail -n +3
