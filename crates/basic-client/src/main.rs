//! The first article's client: connect, send one line, print the reply, close.
//!
//! Run it:  cargo run -p basic-client [ADDR]      (ADDR defaults to 127.0.0.1:9999)
//! with basic-server (or the article's Python server) already listening there.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // ANCHOR: exchange
    // sk = socket.socket(); sk.connect(('127.0.0.1', 9999))
    // TcpStream::connect creates the socket and connects it in one call; it returns
    // once the three-way handshake is done.
    let mut sk = TcpStream::connect(addr)
        .with_context(|| format!("connect({addr}) failed: is the server running?"))?;

    // send_data = input('>>').strip()
    print!(">> ");
    io::stdout().flush().context("flushing stdout failed")?;
    let mut line = String::new();
    io::stdin()
        .read_line(&mut line)
        .context("reading a line from stdin failed")?;
    let send_data = line.trim();
    if send_data.is_empty() {
        // Sending zero bytes sends nothing at all: the server would wait forever.
        bail!("nothing to send: type some text before pressing Enter");
    }

    // sk.send(bytes(send_data, encoding='utf-8')): a Rust &str is already UTF-8,
    // so its bytes are what goes on the wire. write_all() is sendall().
    sk.write_all(send_data.as_bytes())
        .with_context(|| format!("send to {addr} failed"))?;

    // recv_data = sk.recv(1024)
    let mut buffer = [0u8; 1024];
    let n = sk
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {addr} failed"))?;
    if n == 0 {
        bail!("the server at {addr} closed the connection without replying");
    }

    // print(str(recv_data, encoding='utf-8'))
    let recv_data = utf8_text::decode(&buffer[..n]).context("the reply")?;
    println!("{recv_data}");

    // sk.close(): dropping the stream closes the socket.
    drop(sk);
    // ANCHOR_END: exchange
    Ok(())
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: basic-client [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
