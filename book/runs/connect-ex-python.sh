#!/bin/sh
# Python's connect_ex on a port where nothing listens (port 1 on loopback).
. "$(dirname "$0")/common.sh"
python3 -c "
import socket, errno, os
sk = socket.socket()
code = sk.connect_ex(('127.0.0.1', 1))
print(code, errno.errorcode[code], os.strerror(code))"
