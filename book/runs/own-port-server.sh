#!/bin/sh
# basic-server on a port the kernel chooses: its first line.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:0
server_log
