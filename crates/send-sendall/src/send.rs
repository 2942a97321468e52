//! Part 1: Python's `n = sk.send(data)` is Rust's `let n = sk.write(&data)?`. On a
//! non-blocking socket it copies what fits into the kernel's buffers and says how
//! much; the rest is the caller's to send.

use std::io::{ErrorKind, Write};

use anyhow::{Context, Result};

use crate::support::{BIG, connected_pair, message, os_code};

/// Part 1: one `send` on a non-blocking socket, to a peer that does not read.
pub fn send_takes_what_fits() -> Result<()> {
    println!("1. send() takes what fits, and says how much");
    let (mut sk, _idle_peer, addr) = connected_pair(None)?;
    let data = message(BIG);

    // ANCHOR: send
    // sk.setblocking(False); n = sk.send(data)
    sk.set_nonblocking(true)
        .context("set_nonblocking(true) failed")?;
    let n = sk
        .write(&data)
        .with_context(|| format!("send to {addr} failed"))?;
    println!(
        "   send({} bytes) returned {n}: the kernel took what fitted in its buffers",
        data.len()
    );
    // Python's send again, on what is left, until the kernel has no room at all.
    let mut sent = n;
    let mut more_calls = 0;
    let full = loop {
        match sk.write(&data[sent..]) {
            Ok(n) => {
                sent += n;
                more_calls += 1;
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => break error,
            Err(error) => return Err(error).with_context(|| format!("send to {addr} failed")),
        }
    };
    println!(
        "   send() the rest: kind WouldBlock, OS code {}: no room left (after {more_calls} \
         more calls took {} bytes)",
        os_code(&full),
        sent - n
    );
    println!(
        "   {sent} bytes sent, {} still to send: keeping count is the caller's job",
        data.len() - sent
    );
    // ANCHOR_END: send
    Ok(())
}
