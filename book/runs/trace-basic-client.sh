#!/bin/sh
# The tracer with a peer of its own: basic-client from the first chapter, given the
# address of the tracer's upper-casing server and "hello" on its stdin.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package packet-trace --package basic-client
target/debug/packet-trace --serve -- target/debug/basic-client
