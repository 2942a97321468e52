#!/bin/sh
# The reference answers to exercises 01 and 02 together: the client's side.
. "$(dirname "$0")/common.sh"
start_server solution-basic-server 127.0.0.1:0
printf 'hello\nsecond line\nbye\n' | cargo run -q -p solution-basic-client -- "$SERVER_ADDR"
