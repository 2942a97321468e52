//! Exercise 15: a reader of length-prefixed messages, which comes out right however
//! the bytes arrive.
//!
//! TCP delivers bytes, not messages: one send may arrive in several recvs and
//! several sends in one, cut anywhere, even in the middle of a character. Each
//! message here travels as a frame: its length in 4 bytes, big-endian, then that many
//! bytes of UTF-8 text. Write the server that reads them:
//!
//! 1. Bind ADDR (the first argument; 127.0.0.1:8088 when there is none) and print
//!    `listening on ADDR`, with the address really bound.
//! 2. Accept one client.
//! 3. Read frames until the client closes the connection. As soon as a frame is
//!    complete, print its message as `received N bytes, C characters: TEXT`
//!    (N the message's length in bytes, C in characters). When the client closes
//!    the connection between two frames, exit with status 0.
//! 4. Refuse what is wrong with an error (return Err from main, so the program exits
//!    with status 1 and prints it), never a panic:
//!    - a length over MAX_FRAME: say `a frame of LENGTH bytes is larger than the limit
//!      of 65536 bytes`, at once, without waiting for bytes that may never come;
//!    - a client that closes the connection in the middle of a frame (in its length
//!      prefix or its message): say `... in the middle of a frame ...`;
//!    - a message that is not UTF-8: say so (utf8_text::decode does).
//!
//! Grade it:  cd exercises/15-framing && cargo test
//! Try it:    cargo run -p exercise-framing, then, in another terminal,
//!            cargo run -p framing -- client   and type a few lines
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

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:8088";
/// The longest message the server accepts, in bytes.
const MAX_FRAME: usize = 65_536;

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // TODO 1: TcpListener::bind(addr), print `listening on ADDR` (local_addr()),
    //         then accept() one client.
    let (mut conn, peer): (TcpStream, SocketAddr) =
        todo!("bind, print `listening on ADDR`, accept one client (TODO 1)");

    // TODO 2: loop: match read_frame(&mut conn)? { Some(message) => decode it with
    //         utf8_text::decode and print `received N bytes, C characters: TEXT`;
    //         None => return Ok(()) }. Do not wait for more frames before printing.
    todo!("print each message as soon as its frame is complete (TODO 2)")
}

/// Reads one frame from `conn` and returns its message, or `None` when the client
/// closed the connection between two frames.
fn read_frame(conn: &mut TcpStream) -> Result<Option<Vec<u8>>> {
    // TODO 3: one read() returns whatever has arrived: maybe a single byte, maybe
    //         three frames and half of a fourth. So:
    //         - read the 4-byte prefix in a loop until all 4 are there; 0 bytes and
    //           then the end of the stream is Ok(None), 1 to 3 bytes is an error;
    //         - u32::from_be_bytes(prefix); over MAX_FRAME is an error, before you
    //           allocate or read anything more;
    //         - read exactly that many bytes; the end of the stream before that is
    //           an error that says `in the middle of a frame`.
    todo!("read a 4-byte length, check it, then read exactly that many bytes (TODO 3)")
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: exercise-framing [ADDR]   (ADDR: 127.0.0.1:8088 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
