//! Exercise 09: a client that waits for a reply, but not forever.
//!
//! The article's client waits in recv() for as long as the server takes, and a
//! server that never answers keeps it waiting for ever. Yours gives up after MILLIS
//! milliseconds (book: "Timeouts: settimeout"):
//!
//! 1. Arguments `[ADDR [MILLIS [MESSAGE]]]` (the parsing is given): the server,
//!    127.0.0.1:9999 by default; how long to wait, 2000 ms by default; what to
//!    send, `hello` by default. MILLIS 0 is an error: a zero timeout means "do not
//!    wait at all" to Python and nothing at all to Rust.
//! 2. Connect to ADDR, waiting no longer than MILLIS, and send MESSAGE.
//! 3. Wait at most MILLIS for the reply, with one recv of up to 1024 bytes:
//!    - a reply came: print it as text on stdout; exit status 0;
//!    - no reply within MILLIS: print `no reply from ADDR within MILLIS ms` on
//!      stderr and exit with status 2, so a script can tell "too slow" apart;
//!    - anything else (refused, the server hung up without a reply, MILLIS 0):
//!      an error naming the address on stderr, status 1 (return an `Err`).
//!
//! Grade it:  cd exercises/09-timeouts && cargo test
//! Try it:    cargo run -p exercise-timeouts -- 127.0.0.1:9999 500 hi
//!            with basic-server running (it replies), or with
//!            `cargo run -q -p peer -- listen` (silent; or `nc -l 127.0.0.1 9999`)
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

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_MILLIS: u64 = 2000;
/// An hour: a longer timeout is a typo.
const MAX_MILLIS: u64 = 3_600_000;
const DEFAULT_MESSAGE: &str = "hello";
const USAGE: &str = "usage: exercise-timeouts [ADDR [MILLIS [MESSAGE]]]   (127.0.0.1:9999, 2000 and hello when not given)";
/// The exit status for "no reply in time", apart from 1, which means an error.
const NO_REPLY: u8 = 2;

fn main() -> Result<ExitCode> {
    let (addr, millis, message) = arguments()?;

    // TODO 1: refuse millis == 0 with an error (bail!), then make the timeout a
    //         Duration (Duration::from_millis).
    let timeout: Duration = todo!("MILLIS as a Duration, refusing 0 (TODO 1)");

    // TODO 2: connect with TcpStream::connect_timeout(&addr, timeout), then send
    //         the message with write_all. Give each error a context naming `addr`.
    let mut sk: TcpStream = todo!("connect within the timeout and send the message (TODO 2)");

    // TODO 3: sk.set_read_timeout(Some(timeout)), then one read into [0u8; 1024]:
    //   - n > 0 bytes: print them as text; return Ok(ExitCode::SUCCESS);
    //   - 0 bytes: the server hung up without replying: bail! with the address;
    //   - an error of kind WouldBlock or TimedOut: time is up. eprintln! the line
    //     `no reply from ADDR within MILLIS ms`; return Ok(ExitCode::from(NO_REPLY));
    //   - any other error: return it, with a context naming the address.
    todo!("wait at most `timeout` for the reply (TODO 3)")
}

/// The arguments `[ADDR [MILLIS [MESSAGE]]]`, with their defaults. (Given.)
fn arguments() -> Result<(SocketAddr, u64, String)> {
    // program-support: `--help`, a bad or an extra argument prints the usage and
    // exits 2. MILLIS 0 is let through: what a zero timeout does is the lesson.
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let millis = args.number_or("MILLIS", 0..=MAX_MILLIS, DEFAULT_MILLIS);
    let message = args.next().unwrap_or(DEFAULT_MESSAGE.into());
    if message.is_empty() {
        args.fail("the MESSAGE is empty, so there is nothing to send");
    }
    args.finish();
    Ok((addr, millis, message))
}
