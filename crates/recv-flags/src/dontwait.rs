//! Part 3, MSG_DONTWAIT: one call that does not wait, on a socket that otherwise does.
//!
//! Python: `sk.recv(1024, socket.MSG_DONTWAIT)`; compare `sk.setblocking(False)`,
//!         which changes every later call on the socket.
//! Rust:   `Socket::recv_with_flags(buf, MSG_DONTWAIT)` in socket2; compare
//!         `set_nonblocking(true)`.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::flags::{self, MSG_DONTWAIT};
use crate::loopback::{bytes, tcp_pair};

pub fn show() -> Result<()> {
    println!("3. MSG_DONTWAIT: one call that does not block");
    let (client, server) = tcp_pair()?;
    let mut buf = [0u8; 1024];

    // ANCHOR: dontwait
    // Nothing has arrived. With the flag, this one call returns at once with EAGAIN
    // (Python raises BlockingIOError; Rust's kind is WouldBlock).
    match flags::recv(&server, &mut buf, MSG_DONTWAIT) {
        Ok(n) => println!("   recv(1024, MSG_DONTWAIT) returned {n} bytes?"),
        Err(error) if error.kind() == ErrorKind::WouldBlock => println!(
            "   nothing there: recv(1024, MSG_DONTWAIT) failed at once: {error} (kind {:?})",
            error.kind()
        ),
        Err(error) => return Err(error).context("recv(MSG_DONTWAIT) failed"),
    }
    client.send(b"hi").context("send failed")?;
    let n = flags::recv(&server, &mut buf, MSG_DONTWAIT).context("recv(MSG_DONTWAIT) failed")?;
    println!(
        "   after send(b\"hi\"):  recv(1024, MSG_DONTWAIT) returned {n} bytes {}",
        bytes(&buf[..n])
    );
    // The socket itself is still blocking: a call without the flag waits (here until
    // a timeout of 0.2 s, so that the demo goes on).
    server
        .set_read_timeout(Some(Duration::from_millis(200)))
        .context("settimeout failed")?;
    let start = Instant::now();
    match flags::recv(&server, &mut buf, 0) {
        Ok(n) => println!("   recv(1024) returned {n} bytes?"),
        Err(error) if error.kind() == ErrorKind::WouldBlock => println!(
            "   and without the flag, recv(1024) waited {:.1?}, until its timeout: the socket still blocks",
            start.elapsed()
        ),
        Err(error) => return Err(error).context("recv failed"),
    }
    // ANCHOR_END: dontwait
    Ok(())
}
