//! Exercise 10: an uploader that sends every byte.
//!
//! Python's `send` (Rust's `write`) may send only part of what it is given, and
//! says how much; `sendall` (Rust's `write_all`) calls it again until all is sent
//! (book: "send and sendall"). This client sends a big message, so it matters:
//!
//! 1. Arguments `[ADDR [BYTES]]` (the parsing is given): the server, 127.0.0.1:9999
//!    by default, and how many bytes to send, 1048576 (1 MiB) by default.
//! 2. The message is `message(BYTES)` (given): byte i is `i % 251`, so the server
//!    can tell whether every byte arrived, and in order.
//! 3. Connect to ADDR and send the whole message, then print
//!    `sent BYTES bytes to ADDR` and exit with status 0.
//! 4. Any error (refused, the server hung up before it had everything): an error
//!    naming the address on stderr, status 1 (return an `Err`).
//!
//! Grade it:  cd exercises/10-send-sendall && cargo test
//! Try it:    cargo run -p exercise-send-sendall -- 127.0.0.1:9999 100000000
//!            with `cargo run -q -p peer -- sink` as the server (or
//!            `nc -l 127.0.0.1 9999 > /dev/null`); press Ctrl-Z
//!            in the client's terminal during the upload, then type `fg`.
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

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_BYTES: usize = 1 << 20;
/// The most BYTES may be (1 GiB): the message is built in memory first.
const MAX_BYTES: usize = 1 << 30;
const USAGE: &str =
    "usage: exercise-send-sendall [ADDR [BYTES]]   (127.0.0.1:9999 and 1048576 when not given)";

fn main() -> Result<()> {
    let (addr, bytes) = arguments()?;
    let data = message(bytes);

    // TODO 1: connect to `addr` (TcpStream::connect), with a context naming it.
    let mut sk: TcpStream = todo!("connect to ADDR (TODO 1)");

    // TODO 2: send all of `data`: Python's sk.sendall(data). One sk.write(&data)
    //         is Python's sk.send(data): it may send fewer bytes, and the test
    //         makes sure it does. Give the error a context naming `addr`.
    todo!("send every byte of the message (TODO 2)");

    // TODO 3: print `sent BYTES bytes to ADDR`.
    todo!("say what was sent (TODO 3)")
}

/// `len` bytes that say where they belong: byte i is `i % 251`. (Given.)
fn message(len: usize) -> Vec<u8> {
    let pattern: Vec<u8> = (0..251).collect();
    let mut data = pattern.repeat(len / 251 + 1);
    data.truncate(len);
    data
}

/// The arguments `[ADDR [BYTES]]`, with their defaults. (Given.)
fn arguments() -> Result<(SocketAddr, usize)> {
    // program-support: `--help`, a bad or an extra argument prints the usage and
    // exits 2, and BYTES is range-checked, so no number can ask for more memory
    // than a laptop has.
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let bytes = args.number_or("BYTES", 0..=MAX_BYTES, DEFAULT_BYTES);
    args.finish();
    Ok((addr, bytes))
}
