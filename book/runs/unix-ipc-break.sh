# Breaking unix-ipc's server on purpose: kill -9 it, so its socket file stays
# behind; try a client (refused) and restart the server (it replaces the stale
# file); then point the server at a live server's socket, and at a regular file.
# The temporary directory is named like tempfile's, so that the check masks it.
. "$(dirname "$0")/common.sh"
dir=$(mktemp -d /tmp/.tmpXXXXXX)
trap 'cleanup; rm -rf "$dir"' EXIT
sock="$dir/upper.sock"

echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 1"
start_server unix-ipc server "$sock"
server_log
echo "\$ kill -9 \$SERVER_PID        # terminal 2: no chance to clean up"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
echo "\$ stat -c '%A %F %n' $sock"
stat -c '%A %F %n' "$sock"
echo "\$ echo hi | cargo run -q -p unix-ipc -- client $sock"
echo hi | cargo run -q -p unix-ipc -- client "$sock" || true

echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 1, again"
start_server unix-ipc server "$sock"
server_log
echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 2: a second server"
cargo run -q -p unix-ipc -- server "$sock" || true
echo "\$ echo 'still mine' | cargo run -q -p unix-ipc -- client $sock"
echo 'still mine' | cargo run -q -p unix-ipc -- client "$sock"
wait "$SERVER_PID"
echo "# terminal 1 goes on:"
server_log | sed 1,2d

echo "\$ echo 'my notes' > $dir/notes.txt"
echo 'my notes' >"$dir/notes.txt"
show cargo run -q -p unix-ipc -- server "$dir/notes.txt" || true
show cat "$dir/notes.txt"
