#!/bin/sh
# basic-client against the article's server.
. "$(dirname "$0")/common.sh"
start_program python3 python/article1_server.py 0
echo "hello from rust" | cargo run -q -p basic-client -- "$SERVER_ADDR"
