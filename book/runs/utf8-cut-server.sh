#!/bin/sh
# utf8-server's report of the 342 copies of 好 (after its first two lines).
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
cargo run -q -p utf8-client -- "$SERVER_ADDR" "$(python3 -c "print('好' * 342)")" >/dev/null 2>&1 || true
wait_server
server_log | tail -n +3
