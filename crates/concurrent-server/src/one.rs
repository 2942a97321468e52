//! `--mode one`: the article's server, one client at a time.
//!
//! accept() a client, talk to it until it leaves, and only then accept the next.
//! While one client is being served, the others wait: their handshakes are done by
//! the kernel and they sit in the accept queue, and their lines sit unread in their
//! sockets' receive buffers.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown as Direction, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::protocol::{Ending, Session, is_timeout, plural};
use crate::server::{Server, goodbye, lock};

// ANCHOR: run
pub fn run(listener: TcpListener, server: &Arc<Server>) -> Result<()> {
    let open = OpenConnections::new(&listener, server)?;
    // while True: conn, addr = sk.accept()
    for conn in listener.incoming() {
        if server.shutdown.requested() {
            break;
        }
        match conn {
            // Serve this client to the end, right here: nobody else is accepted
            // until serve_client returns.
            Ok(conn) => serve_client(conn, server, &open),
            Err(error) => pause_after(&error, server),
        }
    }
    Ok(())
}
// ANCHOR_END: run

// ANCHOR: serve_client
/// Talks to one client until the conversation ends, then closes the connection.
/// Blocking calls throughout: a thread that runs this serves nobody else meanwhile.
pub fn serve_client(conn: TcpStream, server: &Server, open: &OpenConnections) {
    let peer = conn
        .peer_addr()
        .map_or_else(|_| "(gone)".into(), |peer| peer.to_string());
    let id = server.stats.opened();
    server.log(format_args!(
        "#{id} {peer}: connected, {} open",
        server.stats.open()
    ));
    let mut session = Session::new(server.config.max_line);
    let ending = if open.add(id, &conn) {
        converse(&conn, &mut session, server)
    } else {
        Ending::ShuttingDown
    };
    open.remove(id);
    server.log(format_args!(
        "#{id} closed after {}: {ending}",
        plural(session.lines(), "line")
    ));
    server.stats.closed(session.lines());
    goodbye(conn, ending.farewell());
}

/// recv, upper-case, sendall, until something ends the conversation.
fn converse(mut conn: &TcpStream, session: &mut Session, server: &Server) -> Ending {
    let idle = server.config.idle_timeout;
    // The idle timeout is the socket's timeout (SO_RCVTIMEO, SO_SNDTIMEO): a recv
    // that waits that long for a byte, or a send that waits that long for room in
    // a client's full buffers, gives up. Python: conn.settimeout(idle).
    if let Err(error) = conn
        .set_read_timeout(Some(idle))
        .and_then(|()| conn.set_write_timeout(Some(idle)))
    {
        return Ending::Failed("settimeout", error);
    }
    let mut buffer = [0u8; 4096];
    let mut replies = Vec::new();
    loop {
        // data = conn.recv(4096)
        let (result, client_is_done) = match conn.read(&mut buffer) {
            // 0 bytes: the client closed its side, or the server is stopping and
            // shut our reading side down (see OpenConnections).
            Ok(0) if server.shutdown.requested() => return Ending::ShuttingDown,
            Ok(0) => (session.finished(&mut replies), true),
            Ok(n) => (session.received(&buffer[..n], &mut replies), false),
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) if is_timeout(&error) => return Ending::Idle(idle),
            Err(error) => return Ending::Failed("recv", error),
        };
        // conn.sendall(replies): the answers to every line completed so far, even
        // when the same recv() also brought a line we refuse. Within `idle` in
        // all: a client that sends but never reads fills its buffers, and each
        // send that still moves a few bytes would start SO_SNDTIMEO afresh.
        if let Err(error) = send_all_within(conn, &replies, idle) {
            return if is_timeout(&error) {
                Ending::NotReading(idle)
            } else {
                Ending::Failed("send", error)
            };
        }
        replies.clear();
        if let Err(refused) = result {
            return refused;
        }
        if client_is_done {
            return Ending::ClientClosed;
        }
    }
}
// ANCHOR_END: serve_client

/// write_all with one deadline for the whole of `data`, not one per send() call.
fn send_all_within(mut conn: &TcpStream, mut data: &[u8], limit: Duration) -> std::io::Result<()> {
    let deadline = std::time::Instant::now() + limit;
    while !data.is_empty() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        conn.set_write_timeout(Some(left))?;
        match conn.write(data) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => data = &data[n..],
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

// ANCHOR: open_connections
/// The connections being served, so that a shutdown can wake the threads that are
/// asleep in recv(): shutdown(SHUT_RD) on a socket makes its pending recv() return
/// 0 at once. It also wakes the accept loop, by connecting to the listener.
pub struct OpenConnections {
    server: Arc<Server>,
    conns: Arc<Mutex<HashMap<u64, TcpStream>>>,
}

impl OpenConnections {
    pub fn new(listener: &TcpListener, server: &Arc<Server>) -> Result<Self> {
        let conns: Arc<Mutex<HashMap<u64, TcpStream>>> = Arc::default();
        let mut wake_addr = listener.local_addr().context("getsockname() failed")?;
        if wake_addr.ip().is_unspecified() {
            // Bound to 0.0.0.0 (or ::): connect through loopback.
            wake_addr.set_ip(match wake_addr {
                SocketAddr::V4(_) => [127, 0, 0, 1].into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let to_wake = Arc::clone(&conns);
        server.shutdown.on_request(move || {
            for conn in lock(&to_wake).values() {
                let _ = conn.shutdown(Direction::Read);
            }
            // accept() returns this connection, and the loop sees the request.
            let _ = TcpStream::connect_timeout(&wake_addr, Duration::from_secs(1));
        });
        Ok(OpenConnections {
            server: Arc::clone(server),
            conns,
        })
    }

    /// Registers a connection; false if the server is already stopping.
    fn add(&self, id: u64, conn: &TcpStream) -> bool {
        let mut conns = lock(&self.conns);
        // Checked under the lock that the shutdown's waker takes too, so that no
        // connection slips in after the waker has swept them all.
        if self.server.shutdown.requested() {
            return false;
        }
        match conn.try_clone() {
            Ok(clone) => {
                conns.insert(id, clone);
                true
            }
            Err(_) => false,
        }
    }

    fn remove(&self, id: u64) {
        lock(&self.conns).remove(&id);
    }
}
// ANCHOR_END: open_connections

/// After a failed accept(): say so, and pause a little. The usual cause is EMFILE
/// (no file descriptor left); the connection stays in the queue, and retrying at
/// once would fail again, as fast as the CPU can go.
pub fn pause_after(error: &std::io::Error, server: &Server) {
    if !server.shutdown.requested() {
        eprintln!("accept() failed: {error}; trying again in 100 ms");
        thread::sleep(Duration::from_millis(100));
    }
}
