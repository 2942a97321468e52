# unix-ipc's server in one terminal; in another, the socket file as stat and ss see
# it while the server runs, one client, and the directory once the server is gone.
# The temporary directory is named like tempfile's (/tmp/.tmpXXXXXX), so that the
# check masks it. Needs `ss` (iproute2): Linux only.
. "$(dirname "$0")/common.sh"
dir=$(mktemp -d /tmp/.tmpXXXXXX)
trap 'cleanup; rm -rf "$dir"' EXIT
sock="$dir/upper.sock"

echo "\$ cargo run -q -p unix-ipc -- server $sock        # terminal 1"
start_server unix-ipc server "$sock"
server_log
echo "\$ stat -c '%A %F %n' $sock        # terminal 2"
stat -c '%A %F %n' "$sock"
echo "\$ ss -xlH src $sock | awk '{print \$1, \$2, \$3, \$4, \$5}'"
ss -xlH src "$sock" | awk '{print $1, $2, $3, $4, $5}'
echo "\$ echo 'hello, neighbour' | cargo run -q -p unix-ipc -- client $sock"
echo 'hello, neighbour' | cargo run -q -p unix-ipc -- client "$sock"
wait "$SERVER_PID"
show ls -A "$dir"
echo "# nothing: the server removed its socket file. Terminal 1 shows:"
server_log
