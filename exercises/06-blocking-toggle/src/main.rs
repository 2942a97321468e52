//! Exercise 06: one thread, many clients, non-blocking sockets.
//!
//! The servers so far serve one client at a time: while recv() waits for one
//! client, nobody else is served. Yours serves every connected client at once, from
//! a single thread, because none of its sockets ever waits (book: "Blocking and
//! non-blocking sockets"). What it does for each client:
//!
//! * Every byte the client sends comes back upper-cased (ASCII letters only, like
//!   Python's bytes.upper()), in order, over the same connection, for as long as
//!   the client stays connected. No framing: reply to whatever each recv() returns.
//! * When the client closes its sending side (recv() returns 0), send it whatever
//!   replies are still pending, then close the connection.
//! * A client that fails (reset, say) is dropped; the others go on.
//!
//! How:
//!
//! 1. Bind ADDR (the first argument; 127.0.0.1:9999 when there is none), make the
//!    listener non-blocking (Python: `sk.setblocking(False)`), and print
//!    `listening on ADDR` with the address really bound.
//! 2. Loop forever, in rounds. Each round: accept every client that is waiting
//!    (until accept() says WouldBlock), making each new socket non-blocking too;
//!    then give every client one turn (`Client::take_turn`) and drop those that are
//!    finished or failed. If nothing at all happened in a round, sleep about a
//!    millisecond before the next, so the loop does not keep a CPU busy asking.
//! 3. A turn: if the client has not finished sending and has fewer than
//!    MAX_PENDING bytes of replies waiting, read once; then, if replies are
//!    pending, write once. Either call may say WouldBlock: that is "nothing now",
//!    not an error. A write may also take only part of what you offer: keep the rest.
//!
//! No thread per client and no async runtime: one thread, non-blocking calls.
//!
//! Grade it:  cd exercises/06-blocking-toggle && cargo test
//! Try it:    cargo run -p exercise-blocking-toggle, then
//!            `cargo run -q -p peer -- connect` (or `nc 127.0.0.1 9999`) in two or
//!            three other terminals at once
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

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

/// At most this much is read from one client in one turn. (Given.)
const READ_SIZE: usize = 4096;

/// Stop reading from a client while this much of its replies is unsent: a client
/// that sends without reading must not make the server hoard replies. (Given.)
const MAX_PENDING: usize = 64 * 1024;

/// The pause after a round in which nothing was ready. (Given.)
const IDLE_PAUSE: Duration = Duration::from_millis(1);

/// One connected client and what the server still owes it. (Given.)
struct Client {
    conn: TcpStream,
    peer: SocketAddr,
    /// Upper-cased bytes waiting to be sent.
    pending: Vec<u8>,
    /// The client has closed its sending side (recv returned 0).
    done_sending: bool,
}

/// What one turn for a client came to. (Given.)
#[derive(PartialEq)]
enum Turn {
    /// Nothing was ready.
    Idle,
    /// Bytes moved.
    Busy,
    /// The client is done and has every reply: close the connection.
    Finished,
}

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // TODO 1: TcpListener::bind(addr); set_nonblocking(true) (Python's
    //         setblocking(False)); print `listening on ADDR` from local_addr().
    let listener: TcpListener =
        todo!("bind, make the listener non-blocking, print `listening on ADDR` (TODO 1)");

    let mut clients: Vec<Client> = Vec::new();
    // TODO 2: loop { accept every waiting client (accept() until WouldBlock; each
    //         new socket: set_nonblocking(true)); give every client a turn with
    //         take_turn(), keeping it only while the turn is Ok(Idle) or Ok(Busy)
    //         (Vec::retain_mut does this neatly); if nothing happened, sleep
    //         IDLE_PAUSE }. Print a line when a client comes and when it goes.
    todo!("serve everyone in rounds, one thread, nothing waits (TODO 2)")
}

impl Client {
    /// One turn: read once if there is room, send once if anything is pending.
    fn take_turn(&mut self) -> io::Result<Turn> {
        // TODO 3: read at most READ_SIZE bytes (unless done_sending, or pending is
        //         MAX_PENDING or more): 0 means the client is done sending; n > 0
        //         goes into `pending` upper-cased. Then write `pending` once and
        //         drain the bytes the write took. WouldBlock (and Interrupted) mean
        //         "not now"; any other error ends this client (return it). Return
        //         Finished once done_sending and nothing is pending, else Busy if
        //         a call moved bytes, else Idle.
        todo!("read once, write once, never wait (TODO 3)")
    }
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: exercise-blocking-toggle [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
