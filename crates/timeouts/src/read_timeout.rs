//! Part 1: a read that times out. Python's `sk.settimeout(0.3)` before `sk.recv(1024)`
//! is Rust's `set_read_timeout`, which the kernel enforces (SO_RCVTIMEO).

use std::io::{ErrorKind, Read};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::DEMO_TIMEOUT;
use crate::support::{connected_pair, os_code};

/// Part 1: a peer that accepts and never writes, and a read that stops waiting.
pub fn read_that_times_out() -> Result<()> {
    println!("1. A read that times out");
    let (mut sk, _silent_peer, addr) = connected_pair()?;

    // ANCHOR: read_timeout
    // sk.settimeout(0.3). Rust sets a limit for reads and one for writes, each
    // handed to the kernel (the SO_RCVTIMEO and SO_SNDTIMEO socket options).
    sk.set_read_timeout(Some(DEMO_TIMEOUT))
        .context("set_read_timeout failed")?;
    let mut buffer = [0u8; 1024];
    let start = Instant::now();
    // sk.recv(1024): the peer sends nothing, so the kernel ends the wait.
    match sk.read(&mut buffer) {
        Ok(n) => println!("   recv(1024) returned {n} bytes, from a peer that sends nothing?"),
        Err(error) if is_timeout(&error) => {
            println!(
                "   recv(1024) with a {DEMO_TIMEOUT:?} read timeout gave up after {:.1?}",
                start.elapsed()
            );
            println!(
                "   error kind {:?}, OS code {}: {error}",
                error.kind(),
                os_code(&error)
            );
            println!(
                "   (Unix ends a timed-out read with EAGAIN, the error of a non-blocking read,\n    \
                 so Rust says WouldBlock; Windows says WSAETIMEDOUT, so Rust says TimedOut.\n    \
                 Portable code checks for both.)"
            );
        }
        Err(error) => return Err(error).context(format!("recv(1024) from {addr} failed")),
    }
    // ANCHOR_END: read_timeout
    Ok(())
}

// ANCHOR: is_timeout
/// Whether a read or write failed because its timeout ran out: WouldBlock on Unix
/// (EAGAIN), TimedOut on Windows (WSAETIMEDOUT).
pub fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
// ANCHOR_END: is_timeout
