#!/bin/sh
# 342 copies of 好 (1026 bytes) to utf8-server, whose one recv(1024) cuts the last one.
# The long line of 好 is shortened with … here, as in the book.
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
cargo run -q -p utf8-client -- "$SERVER_ADDR" "$(python3 -c "print('好' * 342)")" 2>&1 \
    | sed 's/\(好好好好好好\)好*/\1 …/' || true
