//! Wrong: sets the read timeout to a fixed second instead of MILLIS
//! Caught by: a_longer_timeout_waits_longer
//!
//! The client waits one second whatever MILLIS says, and then still prints "within
//! MILLIS ms". The chapter: settimeout(t) takes the time you were given.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_MILLIS: &str = "2000";
const DEFAULT_MESSAGE: &str = "hello";
const USAGE: &str = "usage: [ADDR [MILLIS [MESSAGE]]]";
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
    sk.set_read_timeout(Some(Duration::from_secs(1)))
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
    let mut args = std::env::args().skip(1);
    let addr_text = args.next().unwrap_or(DEFAULT_ADDR.into());
    let addr = addr_text
        .parse()
        .with_context(|| format!("{USAGE}: {addr_text:?} is not an address like {DEFAULT_ADDR}"))?;
    let millis_text = args.next().unwrap_or(DEFAULT_MILLIS.into());
    let millis = millis_text.parse().with_context(|| {
        format!("{USAGE}: MILLIS {millis_text:?} is not a whole number of milliseconds")
    })?;
    let message = args.next().unwrap_or(DEFAULT_MESSAGE.into());
    if message.is_empty() {
        bail!("{USAGE}: the MESSAGE is empty, so there is nothing to send");
    }
    if let Some(extra) = args.next() {
        bail!("{USAGE}: one argument too many: {extra:?}");
    }
    Ok((addr, millis, message))
}
