//! An address whose SYN gets no answer: a listener with a full accept queue.
//!
//! A connect to a port where nothing listens is refused at once (the kernel answers
//! the SYN with a RST). To see a connect *wait*, and a connect timeout end that wait,
//! a test needs an address that ignores the SYN. On Linux a listener whose accept
//! queue is full does exactly that: the kernel drops the SYN, the client's kernel
//! resends it later (after 1 s, four more times a second apart, then after 2, 4 s ...;
//! before Linux 6.5 the waits double from the start) and `connect` blocks meanwhile. So:
//! `listen(0)` (room for one connection, which nobody accepts), one connection to
//! fill it, and the address is ready. Nothing leaves loopback.

use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

/// A listener whose accept queue is full, so the SYN of any new client is dropped.
/// Kept full for as long as this value lives.
pub struct FullAcceptQueue {
    /// Where a connect waits without answer.
    pub addr: SocketAddr,
    _listener: TcpListener,
    _queued: Vec<TcpStream>,
}

/// A listener on `ip`, port 0, whose accept queue is full; see [`FullAcceptQueue`].
///
/// Linux queues `backlog + 1` connections: one, with `listen(0)`. The queue is known
/// to be full when a probe's connect gets no answer within 50 ms; every probe that
/// does get in fills the queue further (usually the first one is already left out).
pub fn full_accept_queue(ip: IpAddr) -> FullAcceptQueue {
    let socket = Socket::new(
        Domain::for_address(SocketAddr::new(ip, 0)),
        Type::STREAM,
        None,
    )
    .expect("socket()");
    socket
        .bind(&SocketAddr::new(ip, 0).into())
        .expect("bind port 0");
    socket.listen(0).expect("listen(0)");
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr().expect("getsockname()");
    let mut queued = Vec::new();
    for _ in 0..8 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(50)) {
            Ok(conn) => queued.push(conn),
            Err(_) => {
                return FullAcceptQueue {
                    addr,
                    _listener: listener,
                    _queued: queued,
                };
            }
        }
    }
    panic!("{addr}: 8 connections got in after listen(0); the accept queue never filled");
}
