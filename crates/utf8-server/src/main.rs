//! The second article's server: receive a greeting in Chinese, reply with one.
//!
//! Run it:  cargo run -p utf8-server [ADDR]      (ADDR defaults to 127.0.0.1:8088)
//! Then, in another terminal:  cargo run -p utf8-client
//!
//! The lesson is in the bytes: a socket carries bytes, so text is encoded to UTF-8
//! before it is sent and decoded after it is received, and decoding can fail.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:8088";

/// The article's reply, word for word: "Hello, Linux公社 www.linuxidc.com client, your
/// message has arrived!" (Traditional Chinese; the article's comma and `!` are ASCII).
const REPLY: &str = "你好,Linux公社www.linuxidc.com客戶端,已收到您的資訊!";

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // ANCHOR: listen
    // sk = socket.socket(); sk.bind(('127.0.0.1', 8088)); sk.listen(5)
    // std's TcpListener::bind makes all three calls at once (with a backlog of 128;
    // the first server shows them one by one).
    let sk = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = sk.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    println!("waiting for a client to connect…");
    // ANCHOR_END: listen

    // ANCHOR: exchange
    // conn, addr = sk.accept()
    let (mut conn, peer) = sk
        .accept()
        .with_context(|| format!("accept() on {bound} failed"))?;
    println!("client {peer} connected");

    // mes_from_client = conn.recv(1024).decode('utf-8')
    let mut buffer = [0u8; 1024];
    let n = conn
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {peer} failed"))?;
    let mes_from_client =
        utf8_text::decode(&buffer[..n]).with_context(|| format!("the message from {peer}"))?;
    println!(
        "received {n} bytes, {} characters: {mes_from_client}",
        mes_from_client.chars().count()
    );

    // conn.send('…'.encode('utf-8')): a &str is UTF-8 already; send its bytes.
    let mes_to_client = REPLY.as_bytes();
    conn.write_all(mes_to_client)
        .with_context(|| format!("send to {peer} failed"))?;
    println!(
        "sent {} bytes, {} characters: {REPLY}",
        mes_to_client.len(),
        REPLY.chars().count()
    );

    // conn.close(); sk.close(): both sockets close as they go out of scope.
    // ANCHOR_END: exchange
    Ok(())
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: utf8-server [ADDR]   (ADDR: 127.0.0.1:8088 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
