#!/bin/sh
# Right after the article's Python server (no SO_REUSEADDR) has served a client, on
# the same port: basic-server (which sets the option) is refused too.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package basic-server
start_program python3 python/article1_server.py 0
echo "hello" | python3 python/article1_client.py "$SERVER_PORT" >/dev/null
wait_server
echo "\$ cargo run -q -p basic-server"
target/debug/basic-server "127.0.0.1:$SERVER_PORT" 2>&1 || true
