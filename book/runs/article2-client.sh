#!/bin/sh
# The article's UTF-8 client against utf8-server.
. "$(dirname "$0")/common.sh"
start_server utf8-server 127.0.0.1:0
python3 python/article2_client.py "$SERVER_PORT"
