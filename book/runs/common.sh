# Shared by the scripts in book/runs/: each script produces one "what you will see"
# block of the book (see book/runs/README.md). Source it, do not run it.
#
#   start_server NAME [ARGS...]   build and start crate NAME's binary in the background;
#                                 wait (at most 10 s) for its `listening on ADDR` line;
#                                 set SERVER_PID, SERVER_ADDR and SERVER_PORT; the server
#                                 is stopped when the script exits
#   start_program COMMAND...      the same for any command (the Python servers)
#   server_log                    print what the last server started has printed so far
#   wait_server                   wait (at most 10 s) for the last server to exit
#   show COMMAND...               print `$ COMMAND` and run it, as a reader would type it
#
# A script prints exactly one block of the book: its output, without the `$ ` lines at
# the top of the block (those stay as the chapter writes them).

set -eu
cd "$(dirname "$0")/../.."
export RUST_BACKTRACE=0

RUNS_TMP=$(mktemp -d)
SERVER_PIDS=""
cleanup() {
    for pid in $SERVER_PIDS; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$RUNS_TMP"
}
trap cleanup EXIT

start_server() {
    name=$1
    shift
    cargo build --quiet --package "$name"
    start_program "target/debug/$name" "$@"
}

start_program() {
    name=$(basename "$1")
    SERVER_LOG="$RUNS_TMP/server.$(date +%s%N).log"
    log=$SERVER_LOG
    "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
    tries=0
    until grep -qs '^listening on ' "$log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "start_server $name: no 'listening on' line; it printed:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.05
    done
    SERVER_ADDR=$(sed -n 's/^listening on //p' "$log" | head -n 1)
    SERVER_PORT=${SERVER_ADDR##*:}
}

server_log() {
    cat "$SERVER_LOG"
}

wait_server() {
    tries=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 200 ]; then
            echo "wait_server: the server is still running after 10 s" >&2
            exit 1
        fi
        sleep 0.05
    done
}

show() {
    echo "\$ $*"
    "$@"
}
