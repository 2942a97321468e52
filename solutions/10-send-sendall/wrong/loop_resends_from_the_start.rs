//! Wrong: calls write() until the count adds up, but always from the first byte
//! Caught by: a_send_interrupted_by_ctrl_z_and_fg_is_finished
//!
//! The loop counts what was sent but hands write() the whole message each time,
//! so after a short send the start of the message goes out again. The chapter's
//! loop sends data[sent..], the part not yet sent.


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
    // sk.sendall(data): write() until every byte is out. One write() may take only
    // part of it, and says how much; write_all() calls it again for the rest.
    let mut sent = 0;
    while sent < data.len() {
        sent += sk
            .write(&data)
            .with_context(|| format!("send to {addr} failed"))?;
    }
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
