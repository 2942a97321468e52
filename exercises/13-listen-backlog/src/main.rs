//! Exercise 13: a doorman, a server that lets clients in only when told.
//!
//! Clients can connect to a listening socket although the server never calls
//! accept(): the kernel completes their handshakes and queues them, up to the
//! backlog (book: "The three-way handshake and listen's backlog"). This server makes
//! that visible:
//!
//! 1. Arguments `[ADDR [BACKLOG]]` (the parsing is given): where to listen,
//!    127.0.0.1:9999 by default, and the backlog, 5 by default (the articles').
//! 2. Listen on ADDR with exactly that backlog, Python's `sk.listen(BACKLOG)`, and
//!    print `listening on ADDR` (the address really bound).
//! 3. Then obey stdin, one command a line (the loop is given):
//!    - `queue`: print `accept queue: N`, the number of connections waiting for
//!      accept(). On Linux, read it from /proc/net/tcp; elsewhere print
//!      `accept queue: unknown`;
//!    - `accept`: accept the oldest waiting connection (wait for one if there is
//!      none), print `accepted PEER` with the client's address, and close it;
//!    - at the end of input, exit with status 0.
//!
//! Grade it:  cd exercises/13-listen-backlog && cargo test
//! Try it:    cargo run -p exercise-listen-backlog -- 127.0.0.1:9999 2
//!            then connect from other terminals (`cargo run -q -p peer -- connect`,
//!            or `nc 127.0.0.1 9999`) and type
//!            `queue` and `accept` into this one.
//! Stuck?     read hint.md next to this file.

// A stub compiles but does nothing yet: these allows keep the compiler quiet about
// that. Delete them once your code is written.
#![allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unreachable_code,
    dead_code,
    clippy::diverging_sub_expression
)]

use std::io::BufRead;
use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result, bail};
use socket2::{Domain, Socket, Type};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// The articles' `sk.listen(5)`.
const DEFAULT_BACKLOG: i32 = 5;
const USAGE: &str =
    "usage: exercise-listen-backlog [ADDR [BACKLOG]]   (127.0.0.1:9999 and 5 when not given)";

fn main() -> Result<()> {
    let (addr, backlog) = arguments()?;

    // TODO 1: a listening socket with exactly `backlog`. std's TcpListener::bind
    //         always asks the kernel for 128, so make the three calls yourself with
    //         socket2: Socket::new(Domain::for_address(addr), Type::STREAM, None),
    //         .bind(&addr.into()), .listen(backlog), then `.into()` a TcpListener.
    //         Give each error a context naming the call and `addr`.
    let listener: TcpListener = todo!("listen on ADDR with listen(BACKLOG), via socket2 (TODO 1)");
    let addr = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {addr}");

    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading a command from stdin failed")?;
        match line.trim() {
            "queue" => match accept_queue(addr)? {
                Some(length) => println!("accept queue: {length}"),
                None => println!("accept queue: unknown"),
            },
            "accept" => {
                // TODO 3: listener.accept() (with a context naming `addr`), print
                //         `accepted PEER`, then drop the connection to close it.
                todo!("accept the oldest waiting connection (TODO 3)")
            }
            "" => {}
            other => eprintln!("unknown command {other:?}: say `queue` or `accept`"),
        }
    }
    Ok(())
}

/// The accept queue's length of the listener on `addr`, on Linux.
#[cfg(target_os = "linux")]
fn accept_queue(addr: SocketAddr) -> Result<Option<u32>> {
    // TODO 2: read /proc/net/tcp (/proc/net/tcp6 if addr is IPv6) and find the
    //         listener's row. Skip the header line; split each row on whitespace:
    //             sl  local_address  rem_address  st  tx_queue:rx_queue  ...
    //              0: 0100007F:D1D5  00000000:0000 0A 00000000:00000003 ...
    //         local_address ends in `:PORT`, the port in hexadecimal
    //         (u16::from_str_radix(text, 16)); `st` 0A means LISTEN. The accepted
    //         connections share the port, so check both. For that row, rx_queue
    //         (after the colon, hexadecimal too) is the answer: Ok(Some(length)).
    //         No such row: bail! with the table and the port.
    todo!("the rx_queue of the listener's LISTEN row in /proc/net/tcp (TODO 2)")
}

/// Only Linux shows the queue in /proc/net/tcp. (Given.)
#[cfg(not(target_os = "linux"))]
fn accept_queue(_addr: SocketAddr) -> Result<Option<u32>> {
    Ok(None)
}

/// The arguments `[ADDR [BACKLOG]]`, with their defaults. (Given.)
fn arguments() -> Result<(SocketAddr, i32)> {
    // program-support: `--help`, a bad or an extra argument prints the usage and
    // exits 2. The kernel caps BACKLOG at net.core.somaxconn; 65535 is Linux's top.
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let backlog = args.number_or("BACKLOG", 0..=65535, DEFAULT_BACKLOG);
    args.finish();
    Ok((addr, backlog))
}
