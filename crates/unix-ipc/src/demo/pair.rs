//! Part 3 of the demo: Python's `socket.socketpair()`, two sockets connected to
//! each other, with no name at all.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use anyhow::{Context, Result};

use super::{PATIENCE, path_of};

/// Part 3: Python's socket.socketpair(), std's UnixStream::pair().
pub fn socketpair() -> Result<()> {
    println!("3. socket.socketpair(): two sockets connected to each other, no name at all");
    // ANCHOR: pair
    // left, right = socket.socketpair()
    let (mut left, mut right) = UnixStream::pair().context("socketpair() failed")?;
    right
        .set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    left.set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    let left_name = left.local_addr().context("getsockname() failed")?;
    let left_name =
        path_of(&left_name).unwrap_or_else(|| "'' (no name: no file, no address)".into());
    println!("   left.getsockname(): {left_name}");
    let mut buffer = [0u8; 1024];
    left.write_all(b"ping").context("send on the pair failed")?;
    let n = right.read(&mut buffer).context("recv on the pair failed")?;
    println!(
        "   left.send(b\"ping\"); right.recv(1024): b\"{}\"",
        buffer[..n].escape_ascii()
    );
    right
        .write_all(b"pong")
        .context("send on the pair failed")?;
    let n = left.read(&mut buffer).context("recv on the pair failed")?;
    println!(
        "   right.send(b\"pong\"); left.recv(1024): b\"{}\"",
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: pair
    Ok(())
}
