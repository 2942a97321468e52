//! Small helpers the demo's parts share.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};

use anyhow::{Context, Result};

/// A UDP socket on 127.0.0.1, on a port the kernel chooses, and that port.
pub fn bind_loopback(name: &str) -> Result<(UdpSocket, SocketAddr)> {
    let sk = UdpSocket::bind("127.0.0.1:0")
        .with_context(|| format!("bind(127.0.0.1:0) for {name} failed"))?;
    let addr = sk
        .local_addr()
        .with_context(|| format!("getsockname() of {name} failed"))?;
    Ok((sk, addr))
}

/// Whether a read failed because its timeout ran out: WouldBlock on Unix (EAGAIN),
/// TimedOut on Windows.
pub fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// The OS error number behind `error`, or `none` when Rust made the error itself.
pub fn os_code(error: &std::io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(|| "none".to_string(), |code| code.to_string())
}
