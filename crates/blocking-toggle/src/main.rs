//! Python's `setblocking`: the same calls, answered at once or waited for.
//!
//! Run it:  cargo run -p blocking-toggle          (the demo brings its own client)
//!     or:  cargo run -p blocking-toggle ADDR     (it listens on ADDR and waits for a
//!                                                 real client, such as `peer`)
//!
//! A new socket is blocking: accept() and recv() wait until they have something to
//! return. `sk.setblocking(False)`, in Rust `set_nonblocking(true)`, makes them
//! return at once instead, with the error EAGAIN ("try again": Rust's
//! `ErrorKind::WouldBlock`, Python's `BlockingIOError`) when there is nothing yet.
//! Every call is timed, so the output shows which ones waited and which did not.

mod peer;
mod report;
mod retry;

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use peer::Peer;
use report::{bytes, count, report};
use retry::{retry, timed, would_block};

/// How long the demo's own client waits before sending the message that the
/// blocking recv() has to wait for.
const PEER_DELAY: Duration = Duration::from_millis(300);

fn main() -> Result<()> {
    let (addr, own_client) = address_from_args()?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    let mut peer = Peer::start(own_client, bound);

    // ANCHOR: accept
    // sk.setblocking(False): Rust names the opposite flag, hence `true`.
    listener
        .set_nonblocking(true)
        .with_context(|| format!("setblocking(False) on {bound} failed"))?;
    println!("setblocking(False) on the listening socket");

    // conn, addr = sk.accept(), with nobody connecting: Python raises BlockingIOError.
    let (result, took) = timed(|| listener.accept());
    match result {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            report("accept()", would_block(&e), took, "");
        }
        Err(e) => return Err(e).with_context(|| format!("accept() on {bound} failed")),
        Ok((_, from)) => bail!("{from} connected before the demo asked anyone to; run it again"),
    }

    // Now a client connects, and the same call succeeds.
    peer.connect()?;
    let (result, took, tries) = retry(|| listener.accept());
    let (mut conn, from) = result.with_context(|| format!("accept() on {bound} failed"))?;
    report(
        "accept()",
        format!("connection from {from}"),
        took,
        &count(tries),
    );
    // ANCHOR_END: accept

    // ANCHOR: recv
    // Linux hands out the accepted socket blocking, whatever the listener is, while
    // macOS and Windows copy the listener's mode: say what we want, everywhere.
    conn.set_nonblocking(true)
        .with_context(|| format!("setblocking(False) on the socket for {from} failed"))?;
    let mut buffer = [0u8; 1024];

    // conn.recv(1024), with nothing sent yet.
    let (result, took) = timed(|| conn.read(&mut buffer));
    match result {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            report("recv(1024)", would_block(&e), took, "");
        }
        Err(e) => return Err(e).with_context(|| format!("recv(1024) from {from} failed")),
        Ok(n) => {
            report("recv(1024)", bytes(&buffer, n), took, "");
            if n == 0 {
                return Ok(());
            }
        }
    }

    // The client sends, and the same call returns the data.
    peer.send_now(b"hello\n")?;
    let (result, took, tries) = retry(|| conn.read(&mut buffer));
    let n = result.with_context(|| format!("recv(1024) from {from} failed"))?;
    report("recv(1024)", bytes(&buffer, n), took, &count(tries));
    // ANCHOR_END: recv
    if n == 0 {
        return Ok(());
    }

    // ANCHOR: blocking
    // conn.setblocking(True): back to the default, so recv() waits for data.
    conn.set_nonblocking(false)
        .with_context(|| format!("setblocking(True) on the socket for {from} failed"))?;
    println!("setblocking(True) on the connected socket");
    peer.send_later(b"world\n", PEER_DELAY)?;
    let (result, took) = timed(|| conn.read(&mut buffer));
    let n = result.with_context(|| format!("recv(1024) from {from} failed"))?;
    report("recv(1024)", bytes(&buffer, n), took, " (it waited)");
    // ANCHOR_END: blocking
    drop(conn);
    peer.finish()
}

/// No argument: 127.0.0.1:0 and the demo's own client. ADDR: listen there and
/// wait for a real client.
fn address_from_args() -> Result<(SocketAddr, bool)> {
    // `--help`, a bad or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(
        "usage: blocking-toggle [ADDR]   (no ADDR: the demo, with its own client)",
    );
    let found = args.next();
    args.finish();
    match found {
        None => Ok((SocketAddr::from(([127, 0, 0, 1], 0)), true)),
        Some(text) => Ok((program_support::parse_addr(&text, "127.0.0.1:9999"), false)),
    }
}
