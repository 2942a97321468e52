#!/bin/sh
# The finished port checker of exercise 07 (the reference answer), with basic-server on
# 9999 and nothing on 8088.
. "$(dirname "$0")/common.sh"
start_server basic-server 127.0.0.1:9999
cargo run -q -p solution-connect-ex -- 9999 8088 || echo "status $?"
