//! Part 5, MSG_OOB: TCP's "urgent data", one byte that may jump the queue.
//!
//! Python: `sk.send(b"!", socket.MSG_OOB)`, `sk.recv(1, socket.MSG_OOB)`.
//! Rust:   `Socket::send_out_of_band` and `Socket::recv_out_of_band` in socket2
//!         (`send_with_flags` / `recv_with_flags` with MSG_OOB); std has neither.

use std::io::ErrorKind;
use std::net::Shutdown;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::Socket;

use crate::flags::{self, MSG_OOB};
use crate::loopback::{bytes, tcp_pair};

pub fn show() -> Result<()> {
    println!("5. MSG_OOB: one urgent byte");
    // ANCHOR: send
    // "ab", then one urgent byte, then "cd", and the end of the stream.
    let (client, server) = tcp_pair()?;
    send_with_urgent_byte(&client)?;
    // ANCHOR_END: send

    // ANCHOR: recv
    // The urgent byte is not in the stream: recv stops at the place it was sent
    // from, and only recv(1, MSG_OOB) gets it.
    let mut buf = [0u8; 1024];
    let n = flags::recv(&server, &mut buf, 0).context("recv failed")?;
    println!("   recv(1024)         returned {}", bytes(&buf[..n]));
    let mut urgent = [0u8; 1];
    let n = recv_urgent(&server, &mut urgent)?;
    println!("   recv(1, MSG_OOB)   returned {}", bytes(&urgent[..n]));
    let n = flags::recv(&server, &mut buf, 0).context("recv failed")?;
    println!("   recv(1024)         returned {}", bytes(&buf[..n]));
    // ANCHOR_END: recv

    // With SO_OOBINLINE the byte stays in the stream, where it was sent.
    let (client, server) = tcp_pair()?;
    server
        .set_out_of_band_inline(true)
        .context("setsockopt(SO_OOBINLINE) failed")?;
    send_with_urgent_byte(&client)?;
    let mut all = Vec::new();
    loop {
        let n = flags::recv(&server, &mut buf, 0).context("recv failed")?;
        if n == 0 {
            break;
        }
        all.extend_from_slice(&buf[..n]);
    }
    println!(
        "   with SO_OOBINLINE, the recv calls returned {} in all",
        bytes(&all)
    );
    Ok(())
}

fn send_with_urgent_byte(client: &Socket) -> Result<()> {
    client.send(b"ab").context("send(b\"ab\") failed")?;
    // sk.send(b"!", socket.MSG_OOB)
    client
        .send_out_of_band(b"!")
        .context("send(b\"!\", MSG_OOB) failed")?;
    client.send(b"cd").context("send(b\"cd\") failed")?;
    client
        .shutdown(Shutdown::Write)
        .context("shutdown(SHUT_WR) failed")
}

/// recv(1, MSG_OOB). It does not wait: until the urgent byte has arrived, it fails
/// (EINVAL on Linux, EWOULDBLOCK elsewhere). On loopback it is there at once; the
/// few retries only keep a busy machine from failing the demo.
fn recv_urgent(server: &Socket, urgent: &mut [u8]) -> Result<usize> {
    let mut tries = 0;
    loop {
        match flags::recv(server, urgent, MSG_OOB) {
            Ok(n) => return Ok(n),
            Err(error)
                if tries < 100
                    && (error.kind() == ErrorKind::InvalidInput
                        || error.kind() == ErrorKind::WouldBlock) =>
            {
                tries += 1;
                thread::sleep(Duration::from_millis(10));
            }
            Err(error) => return Err(error).context("recv(1, MSG_OOB) failed"),
        }
    }
}
