//! Wrong: sends the line as read_line returned it, newline and spaces included
//! Caught by: sends_the_line_trimmed_and_prints_the_reply
//!
//! The article strips the input (input().strip()); the server then upper-cases
//! exactly the text, and its reply has no stray newline.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;
    let stdin = io::stdin();
    loop {
        print!(">> ");
        io::stdout().flush().context("flushing stdout failed")?;
        let mut line = String::new();
        let n = stdin
            .read_line(&mut line)
            .context("reading a line from stdin failed")?;
        if n == 0 {
            // End of input (Ctrl-D at a terminal): end the prompt's line and stop.
            println!();
            return Ok(());
        }
        let message = line.as_str();
        if message.trim().is_empty() {
            continue;
        }
        let reply = exchange(addr, message)?;
        println!("{reply}");
    }
}

/// One connection: connect, send `message`, one recv(1024), close.
fn exchange(addr: SocketAddr, message: &str) -> Result<String> {
    let mut sk = TcpStream::connect(addr)
        .with_context(|| format!("connect({addr}) failed: is the server running?"))?;
    sk.write_all(message.as_bytes())
        .with_context(|| format!("send to {addr} failed"))?;
    let mut buffer = [0u8; 1024];
    let n = sk
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {addr} failed"))?;
    if n == 0 {
        bail!("the server at {addr} closed the connection without replying to {message:?}");
    }
    let reply = utf8_text::decode(&buffer[..n]).context("the reply")?;
    Ok(reply.to_string())
}

/// The optional first argument, ADDR, or the article's address.
fn address_from_args() -> Result<SocketAddr> {
    let text = std::env::args().nth(1).unwrap_or(DEFAULT_ADDR.into());
    text.parse()
        .with_context(|| format!("usage: [ADDR]: {text:?} is not an address like {DEFAULT_ADDR}"))
}
