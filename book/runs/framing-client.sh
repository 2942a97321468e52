# book/src/framing.md: exercise 15's reference answer, and framing's client sending
# it two lines as two frames; then what the server printed.
. "$(dirname "$0")/common.sh"

start_server solution-framing 127.0.0.1:0
echo "\$ printf 'hello\\\\n你好，世界\\\\n' | cargo run -q -p framing -- client $SERVER_ADDR"
printf 'hello\n你好，世界\n' | target/debug/framing client "$SERVER_ADDR"
# The server exits when the client has closed the connection.
wait "$SERVER_PID"
echo "\$ # meanwhile, in the server's terminal:"
server_log
