#!/bin/sh
# A server crate (the first argument) started on a port the kernel chooses: what it
# prints before any client comes.
. "$(dirname "$0")/common.sh"
start_server "$1" 127.0.0.1:0
server_log
