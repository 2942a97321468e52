//! Part 3: Python's two special timeouts. `settimeout(0)` is Rust's
//! `set_nonblocking(true)`, and `settimeout(None)` is a read timeout of `None`.

use std::io::{ErrorKind, Read, Write};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::support::{connected_pair, os_code};

/// How long the demo's late peer waits before it writes.
const LATE: Duration = Duration::from_millis(200);

/// Part 3: Python's `settimeout(0)` and `settimeout(None)`, in Rust.
pub fn zero_and_none() -> Result<()> {
    println!("3. settimeout(0) and settimeout(None)");
    let (mut sk, mut peer, addr) = connected_pair()?;
    let mut buffer = [0u8; 1024];

    // ANCHOR: zero_and_none
    // sk.settimeout(0) makes a Python socket non-blocking. Rust refuses a zero
    // timeout: the kernel would read it as "no timeout", the opposite.
    match sk.set_read_timeout(Some(Duration::ZERO)) {
        Err(error) => println!(
            "   set_read_timeout(Some(0s)) is refused: kind {:?}: {error}",
            error.kind()
        ),
        Ok(()) => {
            println!("   set_read_timeout(Some(0s)) was accepted, which std does not document")
        }
    }
    // Rust's twin of settimeout(0) is set_nonblocking(true): a call that would
    // wait fails at once with WouldBlock.
    sk.set_nonblocking(true)
        .context("set_nonblocking(true) failed")?;
    let start = Instant::now();
    match sk.read(&mut buffer) {
        Err(error) if error.kind() == ErrorKind::WouldBlock => println!(
            "   set_nonblocking(true), then recv(1024): failed after {:.1?}, kind WouldBlock, OS code {}",
            start.elapsed(),
            os_code(&error)
        ),
        Ok(n) => println!("   recv(1024) returned {n} bytes, from a peer that sent nothing yet?"),
        Err(error) => return Err(error).context(format!("recv(1024) from {addr} failed")),
    }
    sk.set_nonblocking(false)
        .context("set_nonblocking(false) failed")?;

    // sk.settimeout(None): wait as long as it takes. In Rust that is a timeout of
    // None, which is also where every new socket starts.
    sk.set_read_timeout(None)
        .context("set_read_timeout(None) failed")?;
    let timeout = sk.read_timeout().context("read_timeout() failed")?;
    println!(
        "   set_read_timeout(None): read_timeout() is now {timeout:?}, so recv waits for data"
    );
    let late_writer = thread::spawn(move || {
        thread::sleep(LATE); // the peer takes its time
        peer.write_all(b"worth the wait")
    });
    let start = Instant::now();
    let n = sk
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {addr} failed"))?;
    println!(
        "   recv(1024) waited {:.1?}, until the peer wrote: b\"{}\"",
        start.elapsed(),
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: zero_and_none
    late_writer
        .join()
        .map_err(|_| anyhow!("the peer's thread panicked"))?
        .context("the peer's send failed")?;
    Ok(())
}
