#!/bin/sh
# Python refuses to send a str: a socket carries bytes.
. "$(dirname "$0")/common.sh"
python3 -c "
import socket
a, b = socket.socketpair()
a.send('你好')" || true
