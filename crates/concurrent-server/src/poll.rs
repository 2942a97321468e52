//! `--mode poll`: one thread, non-blocking sockets, and a readiness loop.
//!
//! Python's `selectors` module, in Rust with the `mio` crate. Every socket is
//! non-blocking and registered with the kernel's readiness queue (epoll on Linux,
//! kqueue on macOS and the BSDs, IOCP on Windows). One call, `poll.poll()`
//! (Python: `sel.select()`), sleeps until one or more of them is ready, or until
//! the next idle deadline, and says which. The loop then gives each ready socket a
//! turn that never waits, and goes back to sleep.

use std::collections::{BTreeSet, HashMap};
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown as Direction;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token, Waker};

use crate::protocol::{Ending, Session, plural};
use crate::server::Server;

/// The token of the listening socket; client tokens count up from FIRST_CLIENT.
const LISTENER: Token = Token(0);
/// The token of the waker, which the shutdown switch uses to end a poll().
const WAKER: Token = Token(1);
const FIRST_CLIENT: usize = 2;
/// Stop reading from a client while this much of its answers is unsent: a client
/// that sends and never reads must not make us hoard replies.
const MAX_UNSENT: usize = 64 * 1024;

// ANCHOR: run
pub fn run(listener: std::net::TcpListener, server: &Arc<Server>) -> Result<()> {
    // sk.setblocking(False), then hand the socket to mio.
    listener
        .set_nonblocking(true)
        .context("setblocking(False) on the listener failed")?;
    let mut listener = TcpListener::from_std(listener);
    // sel = selectors.DefaultSelector(): epoll_create() on Linux.
    let mut poll = Poll::new().context("creating the readiness queue (epoll_create) failed")?;
    // sel.register(sk, selectors.EVENT_READ): the listener is "readable" when a
    // finished handshake waits in its accept queue.
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .context("registering the listener failed")?;
    // A way for another thread to end a poll(): the shutdown switch wakes it.
    let waker = Waker::new(poll.registry(), WAKER).context("creating a waker failed")?;
    server.shutdown.on_request(move || {
        let _ = waker.wake();
    });

    let mut clients = Clients::default();
    let mut events = Events::with_capacity(1024);
    let mut buffer = vec![0u8; 4096];
    while !server.shutdown.requested() {
        // events = sel.select(timeout): sleep until something is ready, or until
        // the first idle deadline.
        let timeout = clients
            .next_deadline()
            .map(|at| at.saturating_duration_since(Instant::now()));
        if let Err(error) = poll.poll(&mut events, timeout) {
            if error.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(error).context("poll() failed");
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => clients.accept_all(&listener, poll.registry(), server),
                WAKER => {} // the loop's condition sees the request
                token => clients.take_turn(token, &mut buffer, poll.registry(), server),
            }
        }
        clients.close_idle(poll.registry(), server);
    }
    // Clean shutdown: every client hears why, and every connection is closed.
    clients.close_all(poll.registry(), server);
    Ok(())
}
// ANCHOR_END: run

/// One client: its non-blocking socket and where its conversation stands.
struct Client {
    conn: TcpStream,
    id: u64,
    session: Session,
    /// Answers the client has not taken yet.
    unsent: Vec<u8>,
    /// The client has closed its sending side (recv returned 0).
    client_done: bool,
    /// When it will be closed for idleness, unless something happens before.
    deadline: Instant,
}

// ANCHOR: turn
impl Client {
    /// Reads and writes until the socket would block. The kernel tells mio about
    /// a socket once per change ("edge-triggered"): a turn that stopped before
    /// WouldBlock would never be told again. Returns whether any byte moved;
    /// `Err` when the conversation is over.
    fn take_turn(&mut self, buffer: &mut [u8]) -> Result<bool, Ending> {
        let mut moved = false;
        loop {
            // conn.send(unsent): as much as the socket takes now.
            while !self.unsent.is_empty() {
                match self.conn.write(&self.unsent) {
                    Ok(n) => {
                        self.unsent.drain(..n);
                        moved = true;
                    }
                    Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                    Err(error) if error.kind() == ErrorKind::Interrupted => {}
                    Err(error) => return Err(Ending::Failed("send", error)),
                }
            }
            if self.client_done {
                return match self.unsent.is_empty() {
                    true => Err(Ending::ClientClosed),
                    false => Ok(moved), // wait until it can take the rest
                };
            }
            if self.unsent.len() >= MAX_UNSENT {
                return Ok(moved); // read no more until it takes some
            }
            // conn.recv(4096), which never waits: WouldBlock means "nothing yet".
            match self.conn.read(buffer) {
                Ok(0) => {
                    self.client_done = true;
                    self.session.finished(&mut self.unsent)?;
                }
                Ok(n) => {
                    moved = true;
                    self.session.received(&buffer[..n], &mut self.unsent)?;
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => return Ok(moved),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(Ending::Failed("recv", error)),
            }
        }
    }
}
// ANCHOR_END: turn

/// Every client, by token, and their idle deadlines in order.
#[derive(Default)]
struct Clients {
    by_token: HashMap<Token, Client>,
    deadlines: BTreeSet<(Instant, Token)>,
    next_token: usize,
}

// ANCHOR: clients
impl Clients {
    /// conn, addr = sk.accept(), for every client waiting, until WouldBlock.
    fn accept_all(&mut self, listener: &TcpListener, registry: &Registry, server: &Server) {
        loop {
            let (mut conn, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(error) if error.kind() == ErrorKind::WouldBlock => return,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => {
                    // EMFILE, usually. The client stays queued, and the next
                    // readiness event on the listener brings us back.
                    eprintln!("accept() failed: {error}");
                    return;
                }
            };
            let token = Token(FIRST_CLIENT + self.next_token);
            self.next_token += 1;
            // sel.register(conn, EVENT_READ | EVENT_WRITE)
            let registered =
                registry.register(&mut conn, token, Interest::READABLE | Interest::WRITABLE);
            if let Err(error) = registered {
                eprintln!("registering {peer} failed: {error}");
                continue;
            }
            let id = server.stats.opened();
            server.log(format_args!(
                "#{id} {peer}: connected, {} open",
                server.stats.open()
            ));
            let deadline = Instant::now() + server.config.idle_timeout;
            self.deadlines.insert((deadline, token));
            let session = Session::new(server.config.max_line);
            let client = Client {
                conn,
                id,
                session,
                unsent: Vec::new(),
                client_done: false,
                deadline,
            };
            self.by_token.insert(token, client);
        }
    }

    /// A client's socket is ready: give it its turn.
    fn take_turn(&mut self, token: Token, buffer: &mut [u8], registry: &Registry, server: &Server) {
        let Some(client) = self.by_token.get_mut(&token) else {
            return; // closed earlier in this round
        };
        match client.take_turn(buffer) {
            Ok(false) => {}
            Ok(true) => {
                // Something moved: the idle clock starts again.
                self.deadlines.remove(&(client.deadline, token));
                client.deadline = Instant::now() + server.config.idle_timeout;
                self.deadlines.insert((client.deadline, token));
            }
            Err(ending) => self.close(token, ending, registry, server),
        }
    }

    /// The earliest idle deadline: poll() must wake up by then.
    fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(at, _)| at)
    }

    fn close_idle(&mut self, registry: &Registry, server: &Server) {
        let now = Instant::now();
        while let Some(&(at, token)) = self.deadlines.first() {
            if at > now {
                break;
            }
            let idle = Ending::Idle(server.config.idle_timeout);
            self.close(token, idle, registry, server);
        }
    }

    fn close_all(&mut self, registry: &Registry, server: &Server) {
        let tokens: Vec<Token> = self.by_token.keys().copied().collect();
        for token in tokens {
            self.close(token, Ending::ShuttingDown, registry, server);
        }
    }

    /// Sends what we still owe and the farewell, if they fit without waiting,
    /// and closes: sel.unregister(conn); conn.close().
    fn close(&mut self, token: Token, ending: Ending, registry: &Registry, server: &Server) {
        let Some(mut client) = self.by_token.remove(&token) else {
            return;
        };
        self.deadlines.remove(&(client.deadline, token));
        if let Some(farewell) = ending.farewell() {
            client.unsent.extend_from_slice(farewell.as_bytes());
        }
        if !client.unsent.is_empty() {
            let _ = client.conn.write(&client.unsent);
        }
        let _ = client.conn.shutdown(Direction::Write);
        let _ = registry.deregister(&mut client.conn);
        let lines = client.session.lines();
        server.log(format_args!(
            "#{} closed after {}: {ending}",
            client.id,
            plural(lines, "line")
        ));
        server.stats.closed(lines);
    }
}
// ANCHOR_END: clients
