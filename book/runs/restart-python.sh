#!/bin/sh
# Right after a client, on the same port: the article's server (no SO_REUSEADDR) is
# refused, basic-server (SO_REUSEADDR) listens.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "hello" | cargo run -q -p basic-client -- "$SERVER_ADDR" >/dev/null
wait_server
# Python names the script by its full path; the book shows it from the repository.
python3 python/article1_server.py "$SERVER_PORT" 2>&1 | sed "s|$(pwd)/||"
echo "\$ cargo run -q -p basic-server"
start_server basic-server "$SERVER_ADDR"
server_log
