//! Python's `listen(backlog)`, and the queue behind it.
//!
//! Run it:  cargo run -p listen-backlog [ADDR [BACKLOG]]
//!
//! With no arguments it shows, on loopback and by itself, in about half a second:
//!   1. that connect() returns before the server ever calls accept(): the kernel
//!      did the handshake and parked the connection in the listener's accept queue;
//!   2. that a listener made with listen(2) takes 3 such connections on Linux
//!      (backlog + 1), and that the kernel ignores the next client's SYN;
//!   3. accept() taking the connections off the queue, oldest first, until it is
//!      empty and a new client gets in again.
//!
//! On Linux it reads the queue's length where the system reports it, the
//! listener's row in /proc/net/tcp; elsewhere it says that it cannot.
//!
//! With ADDR it is a server that listens with BACKLOG (5, the articles' value, when
//! not given) and never calls accept(): connect to it (`cargo run -q -p peer -- connect`,
//! or `cargo run -p basic-client`) from other terminals and watch it report its
//! queue. Ctrl-C stops it.
//!
//! The parts: listen.rs makes the listener (socket, bind, listen), demo.rs fills
//! and drains its queue, watch.rs is the server mode, and queue.rs reads the
//! queue's length.

mod demo;
mod listen;
mod queue;
mod watch;

use std::net::SocketAddr;

use anyhow::Result;

/// The articles' `sk.listen(5)`.
const DEFAULT_BACKLOG: i32 = 5;
const USAGE: &str =
    "usage: listen-backlog [ADDR [BACKLOG]], for example: listen-backlog 127.0.0.1:9999 2";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => demo::demo(),
        [addr] => watch::watch(parse_addr(addr)?, DEFAULT_BACKLOG),
        [addr, backlog] => watch::watch(parse_addr(addr)?, parse_backlog(backlog)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

fn parse_backlog(text: &str) -> Result<i32> {
    // The kernel caps it at net.core.somaxconn anyway; 65535 is Linux's own top.
    Ok(program_support::parse_number("BACKLOG", text, 0..=65535))
}
