//! Exercise 15, solved: a reader of length-prefixed messages, which comes out right
//! however the bytes arrive.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:8088";
/// The longest message the server accepts, in bytes.
const MAX_FRAME: usize = 65_536;

fn main() -> Result<()> {
    let addr = address_from_args()?;

    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    let (mut conn, peer) = listener
        .accept()
        .with_context(|| format!("accept() on {bound} failed"))?;
    println!("client {peer} connected");

    // A message is printed as soon as its frame is complete: whole frames, and
    // only whole frames, are decoded, so no character is ever cut in two.
    while let Some(message) =
        read_frame(&mut conn).with_context(|| format!("reading a frame from {peer}"))?
    {
        let text =
            utf8_text::decode(&message).with_context(|| format!("the message from {peer}"))?;
        println!(
            "received {} bytes, {} characters: {text}",
            message.len(),
            text.chars().count()
        );
    }
    println!("client {peer} closed the connection");
    Ok(())
}

/// Reads one frame from `conn` and returns its message, or `None` when the client
/// closed the connection between two frames.
fn read_frame(conn: &mut TcpStream) -> Result<Option<Vec<u8>>> {
    let mut prefix = [0u8; 4];
    match read_full(conn, &mut prefix)? {
        0 => return Ok(None),
        4 => {}
        got => {
            bail!("the client hung up in the middle of a frame: {got} of the 4 bytes of its length")
        }
    }
    let length = usize::try_from(u32::from_be_bytes(prefix))?;
    // The length comes from the peer: check it before trusting it with memory.
    if length > MAX_FRAME {
        bail!("a frame of {length} bytes is larger than the limit of {MAX_FRAME} bytes");
    }
    let mut message = vec![0u8; length];
    let got = read_full(conn, &mut message)?;
    if got < length {
        bail!("the client hung up in the middle of a frame: {got} of its {length} bytes");
    }
    Ok(Some(message))
}

/// Reads until `buffer` is full or the stream ends; returns how many bytes it read.
fn read_full(conn: &mut TcpStream, buffer: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match conn.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error).context("recv failed"),
        }
    }
    Ok(filled)
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: solution-framing [ADDR]   (ADDR: 127.0.0.1:8088 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
