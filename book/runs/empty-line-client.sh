#!/bin/sh
# basic-client given an empty line.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "" | cargo run -q -p basic-client -- "$SERVER_ADDR" || true
