//! Part 2: Python's `sk.sendall(data)` is Rust's `sk.write_all(&data)?`: `write` in a
//! loop until every byte is sent. Shown against a peer that reads slowly, on a
//! blocking socket and on one with a write timeout.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

use crate::counted::Counted;
use crate::support::{connected_pair, message, os_code};

/// Part 2's message.
const MEDIUM: usize = 8 << 20;
/// Part 2's send buffer (SO_SNDBUF), small so that the message needs many of them.
const SMALL_SNDBUF: usize = 128 << 10;
/// How much the slow peer reads at a time, and how long it rests after each
/// read: at most 32 KiB a millisecond.
const PIECE: usize = 32 << 10;
const REST: Duration = Duration::from_millis(1);
/// The write timeout, Python's `sk.settimeout(0.1)`.
const DEMO_TIMEOUT: Duration = Duration::from_millis(100);

/// Part 2: `sendall` to a slow reader, blocking and with a write timeout.
pub fn sendall_loops() -> Result<()> {
    println!("2. sendall() is send() in a loop: write_all()");
    let data = message(MEDIUM);
    for timeout in [None, Some(DEMO_TIMEOUT)] {
        let (sk, peer, addr) = connected_pair(Some(SMALL_SNDBUF))?;
        let reader = read_slowly(peer);

        // ANCHOR: sendall
        // sk.settimeout(None or 0.1); sk.sendall(data)
        sk.set_write_timeout(timeout)
            .context("set_write_timeout failed")?;
        let mut counted = Counted {
            socket: &sk,
            calls: 0,
        };
        let sent = counted.write_all(&data);
        // ANCHOR_END: sendall
        let calls = counted.calls;
        drop(sk); // sk.close(): the reader sees the end of the stream
        let (received, in_order) = reader
            .join()
            .map_err(|_| anyhow!("the reader's thread panicked"))?
            .context("the slow reader's recv failed")?;
        if cfg!(windows) && timeout.is_some() {
            if let Err(error) = &sent {
                // Windows does not return a short count when SO_SNDTIMEO runs out: the
                // send fails with WSAETIMEDOUT, and Microsoft's documentation calls the
                // socket's state indeterminate after that, so nothing more may be sent.
                println!(
                    "   {:<28} write_all failed after {calls} write calls: {} (OS code {}); \
                     on Windows a timed-out send leaves the socket unusable",
                    format!("a {:?} write timeout:", DEMO_TIMEOUT),
                    error.kind(),
                    os_code(error)
                );
                continue;
            }
        }
        sent.with_context(|| format!("sendall of {} bytes to {addr} failed", data.len()))?;
        let how = match timeout {
            None => "blocking, no timeout:".to_string(),
            Some(timeout) => format!("a {timeout:?} write timeout:"),
        };
        println!(
            "   {how:<28} write_all({} bytes) took {calls} write calls",
            data.len()
        );
        println!(
            "   {:<28} the peer read {received} bytes, {}",
            "",
            if in_order {
                "every one in order"
            } else {
                "NOT in order"
            }
        );
    }
    if cfg!(windows) {
        println!(
            "   (blocking, one write waits until the kernel has taken every byte; with a\n    \
             timeout, Windows fails the write when its time is up instead of saying how\n    \
             much it sent)"
        );
    } else {
        println!(
            "   (blocking, one write waits until the kernel has taken every byte; with a\n    \
             timeout, each write returns what it sent when its time is up, and write_all\n    \
             calls it again for the rest)"
        );
    }
    Ok(())
}

/// The peer of part 2: reads `PIECE` bytes at a time, resting after each, until
/// the end of the stream. Returns how many bytes came and whether they came in
/// order (the `message` pattern).
fn read_slowly(mut peer: TcpStream) -> JoinHandle<io::Result<(usize, bool)>> {
    thread::spawn(move || {
        let mut piece = vec![0u8; PIECE];
        // What any piece should be, starting at an offset below 251.
        let expected = message(251 + PIECE);
        let mut received = 0;
        let mut in_order = true;
        loop {
            let n = peer.read(&mut piece)?;
            if n == 0 {
                return Ok((received, in_order));
            }
            let start = received % 251;
            in_order &= piece[..n] == expected[start..start + n];
            received += n;
            // The slowness is the point: a peer busy with other things.
            thread::sleep(REST);
        }
    })
}
