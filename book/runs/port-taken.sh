#!/bin/sh
# A second basic-server on the port the first one listens on.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
cargo run -q -p basic-server -- "$SERVER_ADDR" || true
