#!/bin/sh
# basic-server's report when its client sends nothing and hangs up.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "" | cargo run -q -p basic-client -- "$SERVER_ADDR" >/dev/null 2>&1 || true
wait_server
server_log
