//! Connected pairs of sockets on 127.0.0.1, for each part of the demo.

use std::net::TcpListener;
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

/// How long any read of the demo may wait for something it expects: a bug shows as
/// an error, never as a hang.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// A TCP connection on loopback: (the client's end, the server's end), as socket2
/// sockets, each with a read timeout of [`PATIENCE`].
pub fn tcp_pair() -> Result<(Socket, Socket)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    client
        .connect(&addr.into())
        .with_context(|| format!("connect({addr}) failed"))?;
    let (server, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    let server = Socket::from(server);
    for sk in [&client, &server] {
        sk.set_read_timeout(Some(PATIENCE))
            .context("settimeout failed")?;
    }
    Ok((client, server))
}

/// Two UDP sockets on loopback, `a` connected to `b`; returns (a, b, b's address).
#[cfg(target_os = "linux")]
pub fn udp_pair() -> Result<(Socket, Socket, std::net::SocketAddr)> {
    let any: std::net::SocketAddr = "127.0.0.1:0".parse()?;
    let b = Socket::new(Domain::IPV4, Type::DGRAM, None).context("socket() failed")?;
    b.bind(&any.into()).context("bind(127.0.0.1:0) failed")?;
    b.set_read_timeout(Some(PATIENCE))
        .context("settimeout failed")?;
    let b_addr = b
        .local_addr()
        .context("getsockname() failed")?
        .as_socket()
        .context("not an IP address")?;
    let a = Socket::new(Domain::IPV4, Type::DGRAM, None).context("socket() failed")?;
    a.connect(&b_addr.into())
        .with_context(|| format!("connect({b_addr}) failed"))?;
    Ok((a, b, b_addr))
}

/// Some bytes as Python prints them: b"...".
pub fn bytes(data: &[u8]) -> String {
    format!("b\"{}\"", data.escape_ascii())
}
