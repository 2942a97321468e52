#!/bin/sh
# blocking-toggle waiting for a real client: peer connects when told, types a line when
# told, and a second line a second later (the blocking recv waits for it).
. "$(dirname "$0")/common.sh"
cargo build --quiet --package peer
start_server blocking-toggle 127.0.0.1:0
log=$SERVER_LOG

# Waits (at most 10 s) until the server has printed a line containing $1.
wait_for() {
    tries=0
    until grep -q "$1" "$log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ]; then
            echo "blocking-toggle-real: no line '$1'; the server printed:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.05
    done
}

mkfifo "$RUNS_TMP/typed"
wait_for "now connect a client"
sleep 0.5
target/debug/peer connect "$SERVER_ADDR" <"$RUNS_TMP/typed" >/dev/null 2>&1 &
exec 3>"$RUNS_TMP/typed"
wait_for "type a line in your client"
sleep 0.5
echo "hi from peer" >&3
wait_for "this recv() waits for it"
sleep 1
echo "and again" >&3
exec 3>&-
wait_server
server_log
