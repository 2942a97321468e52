# Breaking unix-ipc's server on purpose: kill -9 it, so its socket file stays
# behind; try a client (refused) and restart the server (it replaces the stale
# file); then point the server at a live server's socket, and at a regular file.
# The temporary directory is named like tempfile's, so that the check masks it.
. "$(dirname "$0")/common.sh"
dir=$(mktemp -d /tmp/.tmpXXXXXX)
trap 'cleanup; rm -rf "$dir"' EXIT
sock="$dir/upper.sock"
# Where start_server keeps the server's output. Created here first: start_server
# may grep it before the background server's shell has created it.
server_log="$RUNS_TMP/unix-ipc.$$.log"
: >"$server_log"

echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 1"
start_server unix-ipc server "$sock"
cat "$server_log"
echo "\$ kill -9 \$SERVER_PID        # terminal 2: no chance to clean up"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
echo "\$ stat -c '%A %F %n' $sock"
stat -c '%A %F %n' "$sock"
echo "\$ echo hi | cargo run -q -p unix-ipc -- client $sock"
echo hi | cargo run -q -p unix-ipc -- client "$sock" || true

echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 1, again"
: >"$server_log"   # or start_server could find the first server's line in it
start_server unix-ipc server "$sock"
cat "$server_log"
echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 2: a second server"
cargo run -q -p unix-ipc -- server "$sock" || true
echo "\$ echo 'still mine' | cargo run -q -p unix-ipc -- client $sock"
echo 'still mine' | cargo run -q -p unix-ipc -- client "$sock"
wait "$SERVER_PID"
echo "# terminal 1 goes on:"
sed 1,2d "$server_log"

echo "\$ echo 'my notes' > $dir/notes.txt"
echo 'my notes' >"$dir/notes.txt"
show cargo run -q -p unix-ipc -- server "$dir/notes.txt" || true
show cat "$dir/notes.txt"
