//! Exercise 09, solved: a client that waits for a reply, but not forever.
//!
//! Exit status: 0 when a reply came, 2 when none came within MILLIS, 1 for any
//! error (a bad argument, a refused connection, a server that hung up).

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
const USAGE: &str = "usage: solution-timeouts [ADDR [MILLIS [MESSAGE]]]   (127.0.0.1:9999, 2000 and hello when not given)";
/// The exit status for "no reply in time", apart from 1, which means an error.
const NO_REPLY: u8 = 2;

fn main() -> Result<ExitCode> {
    let (addr, millis, message) = arguments()?;

    // Python's settimeout(0) means non-blocking; Rust refuses a zero timeout, and
    // here it would be a mistake anyway.
    if millis == 0 {
        bail!("MILLIS must be at least 1: a timeout of 0 ms would not wait at all");
    }
    let timeout = Duration::from_millis(millis);

    // sk.settimeout(t); sk.connect(addr); sk.sendall(message)
    let mut sk = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connect({addr}) failed"))?;
    sk.write_all(message.as_bytes())
        .with_context(|| format!("send to {addr} failed"))?;

    // sk.recv(1024), waiting at most t.
    sk.set_read_timeout(Some(timeout))
        .context("set_read_timeout failed")?;
    let mut buffer = [0u8; 1024];
    match sk.read(&mut buffer) {
        Ok(0) => bail!("{addr} closed the connection without replying"),
        Ok(n) => {
            println!("{}", String::from_utf8_lossy(&buffer[..n]));
            Ok(ExitCode::SUCCESS)
        }
        // The time is up: WouldBlock (EAGAIN) on Unix, TimedOut on Windows.
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            eprintln!("no reply from {addr} within {millis} ms");
            Ok(ExitCode::from(NO_REPLY))
        }
        Err(error) => Err(error).with_context(|| format!("recv(1024) from {addr} failed")),
    }
}

/// The arguments `[ADDR [MILLIS [MESSAGE]]]`, with their defaults.
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
