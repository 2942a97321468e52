//! Python's `settimeout`: how long a blocking socket call may wait before it gives
//! up.
//!
//! Run it:  cargo run -p timeouts [ADDR [MILLIS]]
//!
//! With no arguments it shows, on loopback and by itself, in about a second:
//!   1. a read that times out, because the peer never writes;
//!   2. a connect that times out, because the listener's accept queue is full;
//!   3. what Python's `settimeout(0)` and `settimeout(None)` become in Rust.
//!
//! With ADDR it connects to that server, waiting at most MILLIS milliseconds
//! (2000 when not given), then waits at most as long for the server to say
//! something, and prints what happened.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Result;

mod connect_timeout; // part 2: TcpStream::connect_timeout, against a full queue
mod probe; // with ADDR: a client that waits at most MILLIS
mod read_timeout; // part 1: set_read_timeout, and how to recognise a timeout
mod support; // a connected pair on loopback, and an error's OS code
mod zero_and_none; // part 3: settimeout(0) and settimeout(None)

use connect_timeout::connect_that_times_out;
use probe::probe;
use read_timeout::read_that_times_out;
use zero_and_none::zero_and_none;

/// The demo's timeout, Python's `sk.settimeout(0.3)`, in parts 1 and 2.
const DEMO_TIMEOUT: Duration = Duration::from_millis(300);
const DEFAULT_MILLIS: u64 = 2000;
const USAGE: &str = "usage: timeouts [ADDR [MILLIS]], for example: timeouts 127.0.0.1:9999 500";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => {
            read_that_times_out()?;
            connect_that_times_out()?;
            zero_and_none()
        }
        [addr] => probe(parse_addr(addr)?, Duration::from_millis(DEFAULT_MILLIS)),
        [addr, millis] => probe(parse_addr(addr)?, parse_millis(millis)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

fn parse_millis(text: &str) -> Result<Duration> {
    if text == "0" {
        program_support::usage_error(
            "MILLIS must be at least 1. A zero timeout is Python's settimeout(0), which \
             means non-blocking, and Rust refuses it (run with no arguments to see)",
        );
    }
    // At most an hour: a longer one is a typo, not a timeout.
    let millis: u64 = program_support::parse_number("MILLIS", text, 1..=3_600_000);
    Ok(Duration::from_millis(millis))
}
