//! The first article's server: take one client, upper-case one message, close.
//!
//! Run it:  cargo run -p basic-server [ADDR]      (ADDR defaults to 127.0.0.1:9999)
//! Then, in another terminal:  cargo run -p basic-client
//!
//! Each step is the article's Python call, made with the same system call. Rust's
//! standard library binds and listens in one step with a fixed backlog, so this
//! listing uses the `socket2` crate to make the three calls one by one, `listen(5)`
//! included, exactly as the article does.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // ANCHOR: listen
    // sk = socket.socket()    (AF_INET, SOCK_STREAM, proto 0: a TCP socket)
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).context("socket() failed")?;
    // sk.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1): not in the article, but without it
    // a restart within a minute of serving a client fails with "Address already in
    // use", because the closed connection lingers in TIME_WAIT on port 9999. Rust's
    // TcpListener::bind sets it too (on Unix).
    socket
        .set_reuse_address(true)
        .context("setsockopt(SO_REUSEADDR) failed")?;
    // sk.bind(('127.0.0.1', 9999))
    socket
        .bind(&addr.into())
        .with_context(|| format!("bind({addr}) failed"))?;
    // sk.listen(5): the kernel may now finish handshakes on our behalf and keep up
    // to 5 of them waiting until we call accept().
    socket
        .listen(5)
        .with_context(|| format!("listen(5) on {addr} failed"))?;
    let listener: TcpListener = socket.into();

    // sk.getsockname(): the address really bound (port 0 asks the kernel to choose).
    let bound = listener.local_addr().context("getsockname() failed")?;
    // Rust's stdout is line-buffered, so this line leaves at once, even into a pipe.
    println!("listening on {bound}");
    // ANCHOR_END: listen

    // ANCHOR: serve
    // conn, addr = sk.accept(): wait for a client; `conn` is a new socket for this
    // one client, while `listener` keeps listening.
    let (mut conn, peer) = listener
        .accept()
        .with_context(|| format!("accept() on {bound} failed"))?;
    println!("accept: connection from {peer}");

    // read_data = conn.recv(1024): whatever has arrived, at most 1024 bytes.
    let mut buffer = [0u8; 1024];
    let n = conn
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {peer} failed"))?;
    let read_data = &buffer[..n];
    println!("recv(1024): {n} bytes: b\"{}\"", read_data.escape_ascii());
    if n == 0 {
        println!("the client closed its side without sending anything; nothing to reply");
        return Ok(());
    }

    // read_data = read_data.upper(): like Python's bytes.upper(), only the ASCII
    // letters a-z change; every other byte passes through untouched.
    let reply = read_data.to_ascii_uppercase();

    // conn.send(read_data): write_all() is Python's sendall(), which keeps sending
    // until every byte is out (a single send may take fewer).
    conn.write_all(&reply)
        .with_context(|| format!("send to {peer} failed"))?;
    println!("send: {} bytes: b\"{}\"", reply.len(), reply.escape_ascii());

    // conn.close(): dropping the stream closes the client's socket. The listener
    // closes when main returns, like sk.close().
    drop(conn);
    println!("close: done with {peer}");
    // ANCHOR_END: serve
    Ok(())
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: basic-server [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
