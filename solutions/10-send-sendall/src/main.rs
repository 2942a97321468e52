//! Exercise 10, solved: an uploader that sends every byte, whatever happens to the
//! single send() calls underneath.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_BYTES: usize = 1 << 20;
/// The most BYTES may be (1 GiB): the message is built in memory first.
const MAX_BYTES: usize = 1 << 30;
const USAGE: &str =
    "usage: solution-send-sendall [ADDR [BYTES]]   (127.0.0.1:9999 and 1048576 when not given)";

fn main() -> Result<()> {
    let (addr, bytes) = arguments()?;
    let data = message(bytes);

    // sk = socket.socket(); sk.connect(addr)
    let mut sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
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
    // program-support: `--help`, a bad or an extra argument prints the usage and
    // exits 2, and BYTES is range-checked, so no number can ask for more memory
    // than a laptop has.
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let bytes = args.number_or("BYTES", 0..=MAX_BYTES, DEFAULT_BYTES);
    args.finish();
    Ok((addr, bytes))
}
