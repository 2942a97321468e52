#!/bin/sh
# The tracer running another lesson: raw-syn's hand-built SYN, the kernel's SYN/ACK
# and RST, as the packet socket sees them.
. "$(dirname "$0")/common.sh"
cargo build --quiet --package packet-trace
target/debug/packet-trace -- target/debug/raw-syn
