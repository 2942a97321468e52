#!/bin/sh
# connect-ex against basic-server's address, the same port on ::1, and a closed port.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
cargo run -q -p connect-ex -- "$SERVER_ADDR" "[::1]:$SERVER_PORT" 127.0.0.1:1 || true
