#!/bin/sh
# listen-backlog as a server that never accepts: two of the article's clients connect
# (each then waits at its `>>` prompt), and the server sees its accept queue grow.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package basic-client
start_server listen-backlog 127.0.0.1:0 1
log=$(ls -t "$RUNS_TMP"/*.log | head -n 1)

# Waits (at most 10 s) until the server has printed a line that is exactly $1.
wait_for_line() {
    tries=0
    until grep -qx "$1" "$log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ]; then
            echo "listen-backlog-watch: no line '$1'; the server printed:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.05
    done
}

mkfifo "$RUNS_TMP/one" "$RUNS_TMP/two"
target/debug/basic-client "$SERVER_ADDR" <"$RUNS_TMP/one" >/dev/null 2>&1 &
exec 3>"$RUNS_TMP/one"
wait_for_line "accept queue: 1"
target/debug/basic-client "$SERVER_ADDR" <"$RUNS_TMP/two" >/dev/null 2>&1 &
exec 4>"$RUNS_TMP/two"
wait_for_line "accept queue: 2"
cat "$log"
