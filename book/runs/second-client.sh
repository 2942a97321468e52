#!/bin/sh
# A second client while the first is typing: the server answers the first and exits,
# and the kernel resets the second, still in the accept queue.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package basic-client
start_server basic-server 127.0.0.1:0
mkfifo "$RUNS_TMP/first"
target/debug/basic-client "$SERVER_ADDR" <"$RUNS_TMP/first" >/dev/null &
exec 3>"$RUNS_TMP/first"
sleep 0.5 # the first client connects and waits at its prompt
echo "second client" | target/debug/basic-client "$SERVER_ADDR" >"$RUNS_TMP/second" 2>&1 &
second=$!
sleep 0.5 # the second connects, sends, and waits in recv
echo "first client" >&3
wait "$second" || true
cat "$RUNS_TMP/second"
