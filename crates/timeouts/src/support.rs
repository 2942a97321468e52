//! What the parts share: a connected pair of sockets on loopback, and the OS error
//! number behind an error.

use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result};

/// A connected pair on loopback: our socket, the peer's, and the peer's address.
pub fn connected_pair() -> Result<(TcpStream, TcpStream, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    // The handshake is done, so accept() returns at once.
    let (peer, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    Ok((sk, peer, addr))
}

/// The OS error number behind `error`, or `none` when Rust made the error itself.
pub fn os_code(error: &std::io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(|| "none".to_string(), |code| code.to_string())
}
