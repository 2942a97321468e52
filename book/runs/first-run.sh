#!/bin/sh
# The server's report after one client: first-server-and-client.md, "What you will see".
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "hello, socket" | cargo run -q -p basic-client -- "$SERVER_ADDR" >/dev/null
wait_server
server_log
