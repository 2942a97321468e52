#!/bin/sh
# `load --addr`: the tokio mode in a process of its own, measured from another.
. "$(dirname "$0")/common.sh"
cargo build --quiet --release --package concurrent-server
start_program target/release/concurrent-server 127.0.0.1:0 --mode tokio --quiet
target/release/concurrent-server load --addr "$SERVER_ADDR" --server-pid "$SERVER_PID" \
    --name tokio --clients 1000 --rounds 100
