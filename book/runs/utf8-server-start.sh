#!/bin/sh
# utf8-server's first lines, before any client.
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
server_log
