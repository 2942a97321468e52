//! The second article's client: send a greeting in Chinese, print the reply.
//!
//! Run it:  cargo run -p utf8-client [ADDR [MESSAGE]]   (ADDR defaults to 127.0.0.1:8088)
//! with utf8-server (or the article's Python server) already listening there.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:8088";

/// The article's greeting, word for word: "Hello, Linux公社 www.linuxidc.com server!"
/// (Traditional Chinese; the article's comma and `!` are ASCII).
const GREETING: &str = "你好,Linux公社www.linuxidc.com伺服器!";

fn main() -> Result<()> {
    // `--help`, a bad or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(
        "usage: utf8-client [ADDR [MESSAGE]]   (127.0.0.1:8088 and the article's greeting when not given)",
    );
    let addr = parse_address(args.next())?;
    let message = args.next().unwrap_or(GREETING.into());
    args.finish();

    // ANCHOR: exchange
    // sk = socket.socket(); sk.connect(('127.0.0.1', 8088))
    let mut sk = TcpStream::connect(addr)
        .with_context(|| format!("connect({addr}) failed: is the server running?"))?;

    // mes_to_server = '…'.encode('utf-8'); sk.send(mes_to_server)
    // The data sent must be bytes: a Rust &str is UTF-8, and as_bytes() shows them.
    let mes_to_server = message.as_bytes();
    sk.write_all(mes_to_server)
        .with_context(|| format!("send to {addr} failed"))?;
    println!(
        "sent {} bytes, {} characters: {message}",
        mes_to_server.len(),
        message.chars().count()
    );

    // mes_from_server = sk.recv(1024).decode('utf-8')
    let mut buffer = [0u8; 1024];
    let n = sk
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {addr} failed"))?;
    if n == 0 {
        bail!("the server at {addr} closed the connection without replying");
    }
    let mes_from_server = utf8_text::decode(&buffer[..n]).context("the reply")?;
    println!(
        "received {n} bytes, {} characters: {mes_from_server}",
        mes_from_server.chars().count()
    );

    // sk.close(): the socket closes as `sk` goes out of scope.
    // ANCHOR_END: exchange
    Ok(())
}

/// ADDR, or the article's address when there is none.
fn parse_address(arg: Option<String>) -> Result<SocketAddr> {
    let text = arg.unwrap_or(DEFAULT_ADDR.into());
    Ok(program_support::parse_addr(&text, DEFAULT_ADDR))
}
