#!/bin/sh
# The tracer with a peer of its own: basic-server from the first chapter, and a
# client of the tracer's that sends it "hello\n".
. "$(dirname "$0")/common.sh"
cargo build --quiet --package packet-trace --package basic-server
target/debug/packet-trace --connect -- target/debug/basic-server
