#!/bin/sh
# sendall of 16 MiB to the first article's server, which reads 1024 bytes, replies
# and closes the connection with the rest unread.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package send-sendall
start_server basic-server 127.0.0.1:0
target/debug/send-sendall "$SERVER_ADDR" 16777216 || true
