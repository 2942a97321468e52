#!/bin/sh
# basic-client with its line from a pipe, against basic-server on a port of its own.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "hello, socket" | cargo run -q -p basic-client -- "$SERVER_ADDR"
