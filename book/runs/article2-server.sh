#!/bin/sh
# The article's UTF-8 server and utf8-client: the server's side, or with `client`, the
# client's.
. "$(dirname "$0")/common.sh"
start_program python3 python/article2_server.py 0
if [ "${1:-}" = client ]; then
    cargo run -q -p utf8-client -- "$SERVER_ADDR"
else
    cargo run -q -p utf8-client -- "$SERVER_ADDR" >/dev/null
    wait_server
    server_log
fi
