//! Packet capture on loopback with a packet socket: what tcpdump does underneath.
//!
//! `socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))` receives a copy of every frame
//! that crosses an interface, in both directions, link-layer header included.
//! Bound to `lo`, it sees each packet twice, once leaving (PACKET_OUTGOING) and once
//! arriving (PACKET_HOST); the tracer keeps the arrivals only, as tcpdump does.

use std::io;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::wire::{self, PROTO_TCP, Tcp};

/// An Ethernet header: loopback frames carry one too, with zero addresses.
const ETHERNET_HEADER: usize = 14;
const ETHERTYPE_IPV4: u16 = 0x0800;

/// One TCP segment seen on the wire, and when.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    pub src: std::net::SocketAddrV4,
    pub dst: std::net::SocketAddrV4,
    pub tcp: Tcp,
}

// ANCHOR: open
/// Opens a packet socket bound to `lo`. Needs CAP_NET_RAW (in our namespace).
pub fn open_loopback() -> Result<Socket> {
    let all = (libc::ETH_P_ALL as u16).to_be(); // the protocol goes in network order
    let socket = Socket::new(
        Domain::from(libc::AF_PACKET),
        Type::from(libc::SOCK_RAW),
        Some(Protocol::from(i32::from(all))),
    )
    .context("socket(AF_PACKET, SOCK_RAW, ETH_P_ALL) failed (it needs CAP_NET_RAW)")?;
    // SAFETY: if_nametoindex reads a NUL-terminated name.
    let lo = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    // SAFETY: we fill a sockaddr_ll inside storage big enough for any address.
    let ((), address) = unsafe {
        SockAddr::try_init(|storage, len| {
            let ll = storage.cast::<libc::sockaddr_ll>();
            (*ll).sll_family = libc::AF_PACKET as u16;
            (*ll).sll_protocol = all;
            (*ll).sll_ifindex = lo as i32;
            *len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            Ok(())
        })
    }
    .context("sockaddr_ll for lo")?;
    socket
        .bind(&address)
        .context("bind(AF_PACKET socket, lo) failed")?;
    socket.set_read_timeout(Some(Duration::from_millis(20)))?;
    Ok(socket)
}
// ANCHOR_END: open

// ANCHOR: read_frame
/// The next TCP segment arriving on `lo`, or `None` when nothing came in time.
fn next_segment(socket: &Socket) -> io::Result<Option<Seen>> {
    let mut buffer = [MaybeUninit::<u8>::uninit(); 65536 + ETHERNET_HEADER];
    let (len, from) = match socket.recv_from(&mut buffer) {
        Ok(got) => got,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let at = Instant::now();
    // SAFETY: recv_from initialised the first `len` bytes.
    let frame: &[u8] = unsafe { std::slice::from_raw_parts(buffer.as_ptr().cast(), len) };
    // SAFETY: a packet socket's source address is a sockaddr_ll.
    let kind = unsafe { (*from.as_ptr().cast::<libc::sockaddr_ll>()).sll_pkttype };
    if kind == libc::PACKET_OUTGOING || frame.len() < ETHERNET_HEADER {
        return Ok(None); // the same packet will arrive in a moment: keep that copy
    }
    if u16::from_be_bytes([frame[12], frame[13]]) != ETHERTYPE_IPV4 {
        return Ok(None);
    }
    let Some(ip) = wire::parse_ipv4(&frame[ETHERNET_HEADER..]) else {
        return Ok(None);
    };
    if ip.protocol != PROTO_TCP {
        return Ok(None);
    }
    Ok(wire::parse_tcp(ip.payload).map(|tcp| Seen {
        at,
        src: std::net::SocketAddrV4::new(ip.src, tcp.src_port),
        dst: std::net::SocketAddrV4::new(ip.dst, tcp.dst_port),
        tcp,
    }))
}
// ANCHOR_END: read_frame

/// A capture running in a thread of its own until [`Capture::finish`].
pub struct Capture {
    stop: Arc<AtomicBool>,
    reader: JoinHandle<io::Result<Vec<Seen>>>,
}

/// How long the wire must stay quiet before a finished capture stops reading.
const QUIET: Duration = Duration::from_millis(60);

impl Capture {
    /// Starts capturing TCP on `lo`. Open the socket before anything connects, so
    /// that the first SYN is caught.
    pub fn start() -> Result<Capture> {
        let socket = open_loopback()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let reader = thread::spawn(move || {
            let mut seen = Vec::new();
            let mut last = Instant::now();
            loop {
                if let Some(segment) = next_segment(&socket)? {
                    last = segment.at;
                    seen.push(segment);
                } else if stopped.load(Ordering::Relaxed) && last.elapsed() >= QUIET {
                    return Ok(seen);
                }
            }
        });
        Ok(Capture { stop, reader })
    }

    /// Stops once the wire has been quiet a moment; every segment seen, in order.
    pub fn finish(self) -> Result<Vec<Seen>> {
        self.stop.store(true, Ordering::Relaxed);
        match self.reader.join() {
            Ok(result) => result.context("recvfrom(AF_PACKET socket) failed"),
            Err(_) => anyhow::bail!("the capture thread panicked"),
        }
    }
}
