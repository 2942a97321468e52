//! Wrong: reads the whole stream with read_to_end, then cuts it into frames
//! Caught by: prints_a_message_as_soon_as_its_frame_is_complete
//!
//! read_to_end returns only when the client closes the connection: no message is
//! printed while the conversation lasts, and a client that sends for ever makes
//! the server hold everything. The chapter: print each frame once it is complete.

use std::io::Read;
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

    // Everything the client sends, then the frames in it.
    let mut all = Vec::new();
    conn.read_to_end(&mut all)
        .with_context(|| format!("recv from {peer} failed"))?;
    let mut rest = &all[..];
    while !rest.is_empty() {
        if rest.len() < 4 {
            bail!("the client hung up in the middle of a frame: {} of the 4 bytes of its length", rest.len());
        }
        let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        if length > MAX_FRAME {
            bail!("a frame of {length} bytes is larger than the limit of {MAX_FRAME} bytes");
        }
        if rest.len() < 4 + length {
            bail!("the client hung up in the middle of a frame: {} of its {length} bytes", rest.len() - 4);
        }
        let message = &rest[4..4 + length];
        let text = utf8_text::decode(message).with_context(|| format!("the message from {peer}"))?;
        println!(
            "received {} bytes, {} characters: {text}",
            message.len(),
            text.chars().count()
        );
        rest = &rest[4 + length..];
    }
    println!("client {peer} closed the connection");
    Ok(())
}

/// The optional first argument, ADDR, or the article's address.
fn address_from_args() -> Result<SocketAddr> {
    let text = std::env::args().nth(1).unwrap_or(DEFAULT_ADDR.into());
    text.parse()
        .with_context(|| format!("usage: [ADDR]: {text:?} is not an address like {DEFAULT_ADDR}"))
}
