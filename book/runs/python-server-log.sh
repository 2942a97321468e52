#!/bin/sh
# The article's server's report of basic-client (after its first line).
. "$(dirname "$0")/common.sh"
start_program python3 python/article1_server.py 0
echo "hello from rust" | cargo run -q -p basic-client -- "$SERVER_ADDR" >/dev/null
wait_server
server_log | tail -n +2
