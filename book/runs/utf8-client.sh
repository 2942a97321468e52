#!/bin/sh
# utf8-client against utf8-server, with the given arguments after the address.
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
cargo run -q -p utf8-client -- "$SERVER_ADDR" "$@"
