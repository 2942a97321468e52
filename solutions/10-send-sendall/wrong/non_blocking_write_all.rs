//! Wrong: makes the socket non-blocking "so a slow server cannot hold it up"
//! Caught by: a_slow_server_reading_small_pieces_gets_every_byte
//!
//! A non-blocking write fails with WouldBlock (EAGAIN) as soon as the kernel's
//! buffers are full, and write_all gives up with that error: the upload stops
//! after the first few MiB. The chapter: sendall needs a blocking socket (or a
//! loop that waits for room), and a slow reader is exactly when it waits.


use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_BYTES: &str = "1048576";
const USAGE: &str = "usage: [ADDR [BYTES]]";

fn main() -> Result<()> {
    let (addr, bytes) = arguments()?;
    let data = message(bytes);

    // sk = socket.socket(); sk.connect(addr)
    let mut sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    // Never block: a server that reads slowly must not hold the client up.
    sk.set_nonblocking(true)
        .context("setblocking(False) failed")?;
    // sk.sendall(data): write() until every byte is out. One write() may take only
    // part of it, and says how much; write_all() calls it again for the rest.
    sk.write_all(&data)
        .with_context(|| format!("sendall of {bytes} bytes to {addr} failed"))?;
    println!("sent {bytes} bytes to {addr}");
    // sk.close(): dropping the stream; the kernel delivers what is still buffered.
    Ok(())
}

/// `len` bytes that say where they belong: byte i is `i % 251`.
fn message(len: usize) -> Vec<u8> {
    let pattern: Vec<u8> = (0..251).collect();
    let mut data = pattern.repeat(len / 251 + 1);
    data.truncate(len);
    data
}

/// The arguments `[ADDR [BYTES]]`, with their defaults.
fn arguments() -> Result<(SocketAddr, usize)> {
    let mut args = std::env::args().skip(1);
    let addr_text = args.next().unwrap_or(DEFAULT_ADDR.into());
    let addr = addr_text
        .parse()
        .with_context(|| format!("{USAGE}: {addr_text:?} is not an address like {DEFAULT_ADDR}"))?;
    let bytes_text = args.next().unwrap_or(DEFAULT_BYTES.into());
    let bytes = bytes_text
        .parse()
        .with_context(|| format!("{USAGE}: BYTES {bytes_text:?} is not a whole number"))?;
    if let Some(extra) = args.next() {
        bail!("{USAGE}: one argument too many: {extra:?}");
    }
    Ok((addr, bytes))
}
