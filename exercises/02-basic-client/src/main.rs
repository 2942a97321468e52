//! Exercise 02: the upper-casing client, one connection per line.
//!
//! The article's client (book: "The first server and client") sends one line and
//! exits. Yours keeps prompting, and sends each line over a connection of its own,
//! the way the server of exercise 01 expects:
//!
//! 1. Print the prompt `>> ` and read a line from stdin. At the end of input
//!    (Ctrl-D), stop and exit with status 0. Skip lines that are blank.
//! 2. For every other line: connect to ADDR (the first argument; 127.0.0.1:9999
//!    when there is none), send the line without its surrounding whitespace, receive
//!    once (at most 1024 bytes), print the reply as text on its own line, and close.
//!    Do not wait for the server to close the connection: one recv, like the article.
//! 3. If the server cannot be reached, hangs up without replying, or replies with
//!    bytes that are not UTF-8 (show them: utf8_text::decode does), report it on
//!    stderr with the server's address and exit with a non-zero status (return an
//!    `Err` from main); never panic.
//!
//! Grade it:  cd exercises/02-basic-client && cargo test
//! Try it:    cargo run -p exercise-basic-client, with exercise 01's server running
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

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // TODO 1: loop { print `>> ` and flush stdout; read_line from stdin; stop when it
    //         returns 0 (end of input); skip blank lines; print exchange()'s reply }.
    todo!("prompt, read lines until the end of input, print each reply (TODO 1)")
}

/// One connection: connect, send `message`, one recv(1024), close. Returns the reply.
fn exchange(addr: SocketAddr, message: &str) -> Result<String> {
    // TODO 2: TcpStream::connect(addr); write_all the message's bytes; read once into
    //         a 1024-byte buffer. Zero bytes means the server hung up without a reply:
    //         that is an error. utf8_text::decode turns the bytes into text, or into
    //         an error that shows them. Give every error a context naming `addr`.
    todo!("connect, send, receive once, return the reply (TODO 2)")
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: exercise-basic-client [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
