//! Python's `send` and `sendall`: one call that sends what fits, and a loop that
//! sends everything.
//!
//! Run it:  cargo run -p send-sendall [ADDR [BYTES]]
//!
//! With no arguments it shows, on loopback and by itself, in about a second:
//!   1. `send` (Rust's `write`) on a non-blocking socket taking fewer bytes than
//!      asked, because the peer does not read, and then none at all (WouldBlock);
//!   2. `sendall` (Rust's `write_all`) sending a big message to a peer that reads
//!      slowly, and how many `write` calls that took: on a blocking socket, and on
//!      one with a write timeout;
//!   3. a peer that hangs up in the middle: the send fails with a clear error
//!      (ECONNRESET, then EPIPE), and the program lives on.
//!
//! With ADDR it connects to that server and sends it BYTES bytes (1 MiB when not
//! given) with `sendall`, then says how many `write` calls that took.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result};

mod counted; // a socket that counts the write calls made on it
mod hang_up; // part 3: the peer hangs up, and the send fails
mod send; // part 1: send() takes what fits
mod sendall; // part 2: sendall() is write_all()
mod support; // the message, a connected pair on loopback, an error's OS code

use counted::Counted;
use support::message;

const DEFAULT_BYTES: usize = 1 << 20;
/// The most BYTES may be: the message is built in memory first, so a number from
/// the command line must not be able to ask for more than a laptop has.
const MAX_BYTES: usize = 1 << 30;
const USAGE: &str =
    "usage: send-sendall [ADDR [BYTES]], for example: send-sendall 127.0.0.1:9999 1048576";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: program-support prints the usage.
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => {
            send::send_takes_what_fits()?;
            sendall::sendall_loops()?;
            hang_up::peer_hangs_up()
        }
        [addr] => send_to(parse_addr(addr)?, DEFAULT_BYTES),
        [addr, bytes] => send_to(parse_addr(addr)?, parse_bytes(bytes)?),
        _ => program_support::usage_error("too many arguments"),
    }
}

/// With ADDR: `sendall` BYTES bytes to that server.
fn send_to(addr: SocketAddr, bytes: usize) -> Result<()> {
    let sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    let data = message(bytes);
    let mut counted = Counted {
        socket: &sk,
        calls: 0,
    };
    counted.write_all(&data).with_context(|| {
        format!(
            "sendall of {bytes} bytes to {addr} failed, after {} write calls",
            counted.calls
        )
    })?;
    println!(
        "sendall: sent {bytes} bytes to {addr} in {} write calls",
        counted.calls
    );
    Ok(())
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

fn parse_bytes(text: &str) -> Result<usize> {
    Ok(program_support::parse_number("BYTES", text, 1..=MAX_BYTES))
}
