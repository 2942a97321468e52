#!/bin/sh
# The backlog of each listening socket, as `ss -ltn` shows it (the Send-Q column of a
# LISTEN row): basic-server calls listen(5) through socket2, utf8-server lets std's
# TcpListener::bind choose. Both listen on ports of their own (port 0).
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
basic_port=${SERVER_ADDR##*:}
start_server utf8-server 127.0.0.1:0
utf8_port=${SERVER_ADDR##*:}
echo '$ ss -ltn'
# Only the two servers' rows, the smaller backlog first; trailing blanks trimmed.
ss -ltn "( sport = :$basic_port or sport = :$utf8_port )" | {
    IFS= read -r header
    echo "$header"
    sort -n -k3
} | sed 's/ *$//'
