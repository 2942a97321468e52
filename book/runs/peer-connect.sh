#!/bin/sh
# peer connect against basic-server: the reply on stdout, then peer's own notes
# (stderr), kept apart so that their order does not depend on timing.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package peer
start_server basic-server 127.0.0.1:0
printf 'hello, socket' | target/debug/peer connect "$SERVER_ADDR" 2>"$RUNS_TMP/notes"
echo
cat "$RUNS_TMP/notes"
