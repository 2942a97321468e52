#!/bin/sh
# timeouts as a client of basic-server, which never speaks first.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
cargo run -q -p timeouts -- "$SERVER_ADDR" 500 || true
