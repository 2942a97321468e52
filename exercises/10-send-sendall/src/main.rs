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
const DEFAULT_BYTES: &str = "1048576";
const USAGE: &str = "usage: [ADDR [BYTES]]";

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
    let mut args = std::env::args().skip(1);
    let addr_text = args.next().unwrap_or(DEFAULT_ADDR.into());
    let addr = addr_text
        .parse()
        .with_context(|| format!("{USAGE}: {addr_text:?} is not an address like {DEFAULT_ADDR}"))?;
    let bytes_text = args.next().unwrap_or(DEFAULT_BYTES.into());
    let bytes = bytes_text
        .parse()
        .with_context(|| format!("{USAGE}: BYTES {bytes_text:?} is not a whole number"))?;
    if let Some(extra) = args.next() {
        bail!("{USAGE}: one argument too many: {extra:?}");
    }
    Ok((addr, bytes))
}
