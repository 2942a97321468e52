# socket-as-file as a client of the article's server (basic-server), talking
# through a File made from its socket.
. "$(dirname "$0")/common.sh"

start_server basic-server 127.0.0.1:0
cargo build --quiet --package socket-as-file
echo "\$ echo 'hello through a file' | cargo run -q -p socket-as-file -- $SERVER_ADDR"
echo 'hello through a file' | target/debug/socket-as-file "$SERVER_ADDR"
