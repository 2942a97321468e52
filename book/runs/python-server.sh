#!/bin/sh
# The article's server on a port of its choosing: its first line.
. "$(dirname "$0")/common.sh"
start_program python3 python/article1_server.py 0
server_log
