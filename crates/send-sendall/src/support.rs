//! What the parts share: a message whose bytes say where they belong, a connected
//! pair of sockets on loopback with small buffers, and the OS code of an error.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

/// The message of parts 1 and 3: more than the kernel buffers of one connection hold.
pub const BIG: usize = 16 << 20;
/// The peer's receive buffer (SO_RCVBUF); Linux doubles it for its bookkeeping.
const PEER_RCVBUF: usize = 128 << 10;

/// `len` bytes that say where they belong: byte i is `i % 251`.
pub fn message(len: usize) -> Vec<u8> {
    let mut data = pattern().repeat(len / 251 + 1);
    data.truncate(len);
    data
}

/// The 251 bytes `message` repeats: 0, 1, ..., 250. (251 is prime, so the
/// pattern does not line up with any buffer size.)
pub fn pattern() -> Vec<u8> {
    (0..251).collect()
}

/// A connected pair on loopback: our socket, the peer's, and the peer's address.
///
/// The peer gets a small receive buffer (SO_RCVBUF), as a busy server might: left
/// to itself, Linux grows it to megabytes, and a receiver with a big buffer lets
/// its sender go on in big, irregular bursts (it announces free room only once
/// half of the buffer is free). `sndbuf` sets our send buffer (SO_SNDBUF) too,
/// instead of letting Linux size it (up to 4 MiB).
pub fn connected_pair(sndbuf: Option<usize>) -> Result<(TcpStream, TcpStream, SocketAddr)> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    socket
        .set_recv_buffer_size(PEER_RCVBUF)
        .context("setsockopt(SO_RCVBUF) failed")?;
    let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
    socket
        .bind(&any_port.into())
        .context("bind(127.0.0.1:0) failed")?;
    socket.listen(1).context("listen(1) failed")?;
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr().context("getsockname() failed")?;

    let sk = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    if let Some(size) = sndbuf {
        sk.set_send_buffer_size(size)
            .context("setsockopt(SO_SNDBUF) failed")?;
    }
    sk.connect(&addr.into())
        .with_context(|| format!("connect({addr}) failed"))?;
    let (peer, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    Ok((sk.into(), peer, addr))
}

/// The OS error number behind `error`, or `none` when Rust made the error itself.
pub fn os_code(error: &io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(|| "none".to_string(), |code| code.to_string())
}
