#!/bin/sh
# The article's client given an empty line: it sends nothing and waits for ever.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
echo "" | timeout 2 python3 python/article1_client.py "$SERVER_PORT" || echo "exit status $?"
