# book/src/udp-datagrams.md: the UDP echo server, a client typing three lines (the
# third one empty), a datagram that is not UTF-8 from Python, and what the server
# printed meanwhile.
. "$(dirname "$0")/common.sh"

start_server udp-datagrams server 127.0.0.1:0
echo "\$ printf 'hello\\\\n你好, udp\\\\n\\\\n' | cargo run -q -p udp-datagrams -- client $SERVER_ADDR"
printf 'hello\n你好, udp\n\n' | target/debug/udp-datagrams client "$SERVER_ADDR"

send_bytes="import socket, sys
host, port = sys.argv[1].rsplit(':', 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(b'caf\\xe9 \\xff', (host, int(port)))
print(s.recvfrom(1024)[0])"
echo "\$ python3 -c \"$send_bytes\" $SERVER_ADDR"
python3 -c "$send_bytes" "$SERVER_ADDR"

echo "\$ # meanwhile, in the server's terminal:"
server_log
