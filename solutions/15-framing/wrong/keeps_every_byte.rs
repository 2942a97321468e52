//! Wrong: appends every read to one buffer and only moves an index forward
//! Caught by: a_flood_of_frames_keeps_memory_bounded
//!
//! Each frame comes out right, however the bytes arrive, but the bytes of frames
//! already printed are never thrown away: the buffer holds the whole conversation,
//! and a client that keeps sending makes the server grow until it is killed. The
//! chapter: a reader keeps at most one frame (and one read) in memory.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener};

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

    // Everything received so far, and where the next frame starts in it.
    let mut received: Vec<u8> = Vec::new();
    let mut start = 0;
    let mut chunk = [0u8; 4096];
    loop {
        // Print every frame that is complete.
        loop {
            let pending = &received[start..];
            if pending.len() < 4 {
                break;
            }
            let length = u32::from_be_bytes([pending[0], pending[1], pending[2], pending[3]]) as usize;
            if length > MAX_FRAME {
                bail!("a frame of {length} bytes is larger than the limit of {MAX_FRAME} bytes");
            }
            if pending.len() < 4 + length {
                break;
            }
            let message = &pending[4..4 + length];
            let text =
                utf8_text::decode(message).with_context(|| format!("the message from {peer}"))?;
            println!(
                "received {} bytes, {} characters: {text}",
                message.len(),
                text.chars().count()
            );
            start += 4 + length;
        }
        let n = match conn.read(&mut chunk) {
            Ok(n) => n,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error).context("recv failed"),
        };
        if n == 0 {
            if start < received.len() {
                bail!("the client hung up in the middle of a frame");
            }
            println!("client {peer} closed the connection");
            return Ok(());
        }
        received.extend_from_slice(&chunk[..n]);
    }
}

/// The optional first argument, ADDR, or the article's address.
fn address_from_args() -> Result<SocketAddr> {
    let text = std::env::args().nth(1).unwrap_or(DEFAULT_ADDR.into());
    text.parse()
        .with_context(|| format!("usage: [ADDR]: {text:?} is not an address like {DEFAULT_ADDR}"))
}
