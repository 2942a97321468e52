//! `framing client [ADDR]`: sends each line of stdin as one length-prefixed frame.

use std::io::{BufRead, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result};

use crate::frames::encode_frame;

/// `framing client [ADDR]`: each line of stdin becomes one frame.
pub fn client(addr: SocketAddr) -> Result<()> {
    let mut sk = TcpStream::connect(addr)
        .with_context(|| format!("connect({addr}) failed: is the server running?"))?;
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin failed")?;
        let frame = encode_frame(line.as_bytes())?;
        sk.write_all(&frame)
            .with_context(|| format!("send to {addr} failed"))?;
        println!("sent a frame of 4 + {} bytes: {line:?}", line.len());
    }
    // sk.close(): the end of the stream, between two frames.
    Ok(())
}
