//! The demo's plumbing: a connected pair on loopback, and Python's `sendall` and
//! `recv` on it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow};

/// A connected pair on loopback: the writer, with Nagle's algorithm off
/// (TCP_NODELAY) so that each send leaves at once, and the reader.
pub fn connected_pair() -> Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let writer = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    writer
        .set_nodelay(true)
        .context("setsockopt(TCP_NODELAY) failed")?;
    let (reader, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    Ok((writer, reader))
}

/// Python's `sendall`.
pub fn send(writer: &mut TcpStream, data: &[u8]) -> Result<()> {
    writer
        .write_all(data)
        .with_context(|| format!("sendall of {} bytes failed", data.len()))
}

/// Python's `recv(len(buffer))`.
pub fn recv(reader: &mut TcpStream, buffer: &mut [u8]) -> Result<usize> {
    reader
        .read(buffer)
        .with_context(|| format!("recv({}) failed", buffer.len()))
}

pub fn join(writer: JoinHandle<Result<()>>) -> Result<()> {
    writer
        .join()
        .map_err(|_| anyhow!("the writer's thread panicked"))?
}
