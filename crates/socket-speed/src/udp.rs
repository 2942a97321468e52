//! Bulk transfer over UDP: datagrams of one size, sent as fast as send() goes.
//!
//! UDP promises nothing: a datagram arrives whole or not at all. On loopback
//! nothing is lost on a wire, but the receiving socket's buffer is finite (about
//! 208 KiB by default on Linux), and when the sender outruns the receiver the
//! kernel drops every datagram that does not fit. TCP would slow the sender down
//! instead (flow control); UDP has no such thing. So the sender counts what it
//! sent, the receiver counts what arrived, and the difference was lost.

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use socket2::SockRef;

use crate::measure::{Budget, join};

/// How long the receiver waits for more before it checks whether the sender is
/// done. Loopback delivers a datagram (or drops it) before send() returns, so once
/// the sender is done, one such silence means nothing more is coming.
const SILENCE: Duration = Duration::from_millis(10);

#[derive(Clone, Copy, Debug)]
pub struct Datagrams {
    pub sent: u64,
    pub received: u64,
    pub bytes_received: u64,
    pub elapsed: Duration,
}

impl Datagrams {
    pub fn lost(&self) -> u64 {
        self.sent - self.received
    }

    pub fn mib_per_second(&self) -> f64 {
        self.bytes_received as f64 / self.elapsed.as_secs_f64() / (1024.0 * 1024.0)
    }
}

pub fn measure(size: usize, budget: Budget) -> Result<Datagrams> {
    budget.best_of(
        |round| send_and_count(size, round),
        Datagrams::mib_per_second,
    )
}

// ANCHOR: udp
fn send_and_count(size: usize, budget: Budget) -> Result<Datagrams> {
    // socket.socket(AF_INET, SOCK_DGRAM); bind(('127.0.0.1', 0)), for each end.
    let receiver = UdpSocket::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let sender = UdpSocket::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let to = receiver.local_addr().context("getsockname() failed")?;
    // connect() on UDP sends no packet: it fixes the address that send() uses.
    sender
        .connect(to)
        .with_context(|| format!("connect({to}) failed"))?;
    make_room(&sender, size)?;
    receiver
        .set_read_timeout(Some(SILENCE))
        .context("set_read_timeout failed")?;

    let done = Arc::new(AtomicBool::new(false));
    let sender_done = Arc::clone(&done);
    let start = Instant::now();
    let reader = thread::spawn(move || -> Result<(u64, u64, Instant)> {
        let (mut count, mut bytes, mut last) = (0_u64, 0_u64, Instant::now());
        let mut buffer = vec![0_u8; size];
        loop {
            // data, addr = sk.recvfrom(size): exactly one datagram, whole.
            match receiver.recv_from(&mut buffer) {
                Ok((n, _)) => {
                    if n != size {
                        bail!("a {size}-byte datagram arrived as {n} bytes");
                    }
                    (count, bytes, last) = (count + 1, bytes + n as u64, Instant::now());
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if done.load(Ordering::Acquire) {
                        return Ok((count, bytes, last));
                    }
                }
                Err(e) => return Err(e).with_context(|| format!("recvfrom on {to} failed")),
            }
        }
    });

    let datagram = vec![b'x'; size];
    let timed = budget.repeat(|| {
        // sk.send(datagram): sendto() with the address connect() fixed; one
        // datagram, handed to the kernel whole, or an error.
        sender
            .send(&datagram)
            .map(drop)
            .with_context(|| format!("sendto {to} of {size} bytes failed"))
    })?;
    sender_done.store(true, Ordering::Release);

    let (received, bytes_received, last) = join(reader, "receiving")?;
    if received > timed.count {
        bail!(
            "{received} datagrams arrived, but only {} were sent",
            timed.count
        );
    }
    Ok(Datagrams {
        sent: timed.count,
        received,
        bytes_received,
        elapsed: last.max(start) - start,
    })
}
// ANCHOR_END: udp

/// Makes the sender's buffer big enough for two datagrams: Linux's default is
/// 208 KiB, but macOS refuses any datagram larger than its send buffer (9 KiB by
/// default).
fn make_room(sender: &UdpSocket, size: usize) -> Result<()> {
    let socket = SockRef::from(sender);
    let buffer = socket
        .send_buffer_size()
        .context("getsockopt(SO_SNDBUF) failed")?;
    if buffer < 2 * size {
        socket
            .set_send_buffer_size(2 * size)
            .context("setsockopt(SO_SNDBUF) failed")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_and_receiver_agree_on_what_arrived() {
        let size = 4096;
        let udp = measure(size, Budget(Duration::from_millis(5))).unwrap();
        assert!(udp.sent > 0 && udp.received > 0, "{udp:?}");
        assert!(
            udp.received <= udp.sent,
            "more arrived than was sent: {udp:?}"
        );
        assert_eq!(udp.sent, udp.received + udp.lost());
        // Every datagram arrived whole.
        assert_eq!(udp.bytes_received, udp.received * size as u64);
    }
}
