//! Python's `sk = socket.socket(); sk.bind(addr); sk.listen(backlog)`.
//!
//! std's `TcpListener::bind` does all three in one call and always asks for a
//! backlog of 128, so the three calls are made one by one with socket2.

use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

/// A listening socket on `addr`, with the accept queue bounded by `backlog`.
pub fn listen(addr: SocketAddr, backlog: i32) -> Result<TcpListener> {
    // sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).context("socket() failed")?;
    // sk.bind(addr)
    socket
        .bind(&addr.into())
        .with_context(|| format!("bind({addr}) failed"))?;
    // sk.listen(backlog)
    socket
        .listen(backlog)
        .with_context(|| format!("listen({backlog}) on {addr} failed"))?;
    Ok(socket.into())
}
