//! Exercise 02, solved: the upper-casing client, one connection per line of input.

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
        let message = line.trim();
        if message.is_empty() {
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

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: solution-basic-client [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
