//! Bulk transfer over a stream socket: one end sends as fast as it can, the other
//! receives, both with buffers of one size. Measured over TCP and over a Unix
//! stream socket, with buffers from the articles' 1024 bytes up to 256 KiB.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::measure::{Budget, STALL, join};

/// Bytes that left one end and bytes that arrived at the other, and how long it
/// took from the first send to the last recv.
#[derive(Clone, Copy, Debug)]
pub struct Transfer {
    pub sent: u64,
    pub received: u64,
    /// How many recv calls returned data.
    pub recvs: u64,
    pub elapsed: Duration,
}

impl Transfer {
    pub fn mib_per_second(&self) -> f64 {
        self.received as f64 / self.elapsed.as_secs_f64() / (1024.0 * 1024.0)
    }

    /// How much one recv returned, on average, in KiB.
    pub fn kib_per_recv(&self) -> f64 {
        self.received as f64 / self.recvs.max(1) as f64 / 1024.0
    }
}

// ANCHOR: transfer
/// Sends `size`-byte buffers into `sender` for the budget while another thread
/// reads `receiver` with a `size`-byte buffer, until the sender closes.
///
/// Each sendall and each recv is one system call (or a few), whatever its size:
/// the kernel's fixed cost per call is paid once per buffer, so small buffers pay it
/// many times per megabyte. The copying, on the other hand, is paid per byte.
fn transfer<S, R>(mut sender: S, mut receiver: R, size: usize, budget: Budget) -> Result<Transfer>
where
    S: Write,
    R: Read + Send + 'static,
{
    let start = Instant::now();
    let reader = thread::spawn(move || -> Result<(u64, u64, Instant)> {
        let mut buffer = vec![0_u8; size];
        let (mut received, mut recvs) = (0_u64, 0_u64);
        loop {
            // data = conn.recv(size): whatever has arrived, at most `size` bytes.
            let n = receiver
                .read(&mut buffer)
                .with_context(|| format!("recv({size}) failed"))?;
            if n == 0 {
                // b'': the sender closed, and everything it sent has arrived.
                return Ok((received, recvs, Instant::now()));
            }
            // Only what has arrived, which may be less than `size`.
            (received, recvs) = (received + n as u64, recvs + 1);
        }
    });

    let data = vec![b'x'; size];
    let timed = budget.repeat(|| {
        // sk.sendall(data): write_all loops until the kernel has taken every byte.
        sender
            .write_all(&data)
            .with_context(|| format!("sendall of {size} bytes failed"))
    })?;
    // sk.close(): the receiver's next recv returns 0 bytes once it has the rest.
    drop(sender);

    let (received, recvs, end) = join(reader, "receiving")?;
    let sent = timed.count * size as u64;
    if sent != received {
        bail!("sent {sent} bytes but {received} arrived: a stream socket loses nothing");
    }
    Ok(Transfer {
        sent,
        received,
        recvs,
        elapsed: end - start,
    })
}
// ANCHOR_END: transfer

/// Over TCP on 127.0.0.1: the full TCP/IP stack, minus the network card.
pub fn tcp(size: usize, budget: Budget) -> Result<Transfer> {
    budget.best_of(|round| tcp_once(size, round), Transfer::mib_per_second)
}

fn tcp_once(size: usize, budget: Budget) -> Result<Transfer> {
    let (sender, receiver) = tcp_pair()?;
    transfer(sender, receiver, size, budget)
}

/// Two connected TCP sockets on loopback: the sending end and the receiving end.
fn tcp_pair() -> Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let sender = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    let (receiver, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    receiver
        .set_read_timeout(Some(STALL))
        .context("set_read_timeout failed")?;
    Ok((sender, receiver))
}

// ANCHOR: segment
/// The largest segment TCP sends on loopback: its maximum segment size (MSS). The
/// loopback device takes packets of up to 64 KiB (its MTU, 65,536 bytes); less the
/// IP and TCP headers and TCP's timestamp option, that leaves 65,483 bytes of data
/// on Linux.
#[cfg(unix)]
pub fn loopback_segment_size() -> Result<usize> {
    let (mut sender, mut receiver) = tcp_pair()?;
    let reader = thread::spawn(move || {
        receiver
            .read_to_end(&mut Vec::new())
            .context("recv until the end failed")
    });
    // TCP starts with segments of at most half the window the receiver offers, and
    // lets them grow as the window opens: so send a few MiB, and keep the largest
    // size it reports. sk.getsockopt(IPPROTO_TCP, TCP_MAXSEG)
    let mut mss = 0;
    for _ in 0..16 {
        sender
            .write_all(&vec![0_u8; 1 << 20])
            .context("sendall of 1 MiB failed")?;
        let now = socket2::SockRef::from(&sender)
            .tcp_mss()
            .context("getsockopt(TCP_MAXSEG) failed")?;
        mss = mss.max(now);
    }
    drop(sender);
    join(reader, "receiving")?;
    Ok(mss as usize)
}
// ANCHOR_END: segment

/// Over a Unix stream socket (AF_UNIX, SOCK_STREAM): no IP, no TCP, no checksums;
/// the kernel hands the bytes from one socket's buffer to the other's.
#[cfg(unix)]
pub fn unix(size: usize, budget: Budget) -> Result<Transfer> {
    budget.best_of(|round| unix_once(size, round), Transfer::mib_per_second)
}

#[cfg(unix)]
fn unix_once(size: usize, budget: Budget) -> Result<Transfer> {
    use std::os::unix::net::UnixStream;
    // socket.socketpair(AF_UNIX, SOCK_STREAM): two connected ends, no path needed.
    let (sender, receiver) = UnixStream::pair().context("socketpair(AF_UNIX) failed")?;
    receiver
        .set_read_timeout(Some(STALL))
        .context("set_read_timeout failed")?;
    transfer(sender, receiver, size, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Budget = Budget(Duration::from_millis(5));

    fn check(transfer: Transfer, size: usize) {
        assert!(transfer.sent > 0, "nothing was sent");
        assert_eq!(transfer.sent, transfer.received, "bytes sent and received");
        assert!(transfer.mib_per_second() > 0.0);
        // recv returns at most the buffer's size, and at least a byte.
        let per_recv = transfer.kib_per_recv() * 1024.0;
        assert!(
            per_recv >= 1.0 && per_recv <= size as f64,
            "{per_recv} bytes per recv"
        );
    }

    #[test]
    fn tcp_delivers_every_byte_it_sent() {
        for size in [1024, 64 * 1024] {
            check(tcp(size, TINY).unwrap(), size);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_unix_stream_delivers_every_byte_it_sent() {
        for size in [1024, 64 * 1024] {
            check(unix(size, TINY).unwrap(), size);
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_loopback_segment_is_smaller_than_64_kib() {
        let mss = loopback_segment_size().unwrap();
        assert!(mss > 1000 && mss < 64 * 1024, "{mss}");
    }

    #[test]
    fn bytes_that_go_missing_are_an_error() {
        // A sender whose bytes go nowhere, and a receiver that gets none of them.
        let error = transfer(std::io::sink(), std::io::empty(), 1024, TINY).unwrap_err();
        assert!(error.to_string().contains("arrived"), "{error}");
    }
}
