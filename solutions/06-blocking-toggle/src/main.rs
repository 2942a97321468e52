//! Exercise 06, solved: one thread serves every client, with non-blocking sockets.
//!
//! Each round of the loop accepts whoever is waiting, then gives every client one
//! turn: read what has arrived (upper-cased into its queue of pending replies) and
//! send what is pending. No call waits, so a silent client costs the others nothing.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

/// At most this much is read from one client in one turn, so no client hogs a round.
const READ_SIZE: usize = 4096;

/// A client whose unsent replies reach this size is not read from until it has
/// taken some of them: a client that sends without reading cannot make the server
/// hoard its replies without end.
const MAX_PENDING: usize = 64 * 1024;

/// The pause after a round in which nothing was ready. Without a readiness API
/// (select/poll/epoll, a later lesson) the loop can only ask again; pausing keeps
/// it from spinning a CPU at 100% while everyone is quiet, at the cost of up to
/// this much delay before the next reply.
const IDLE_PAUSE: Duration = Duration::from_millis(1);

/// One connected client and what the server still owes it.
struct Client {
    conn: TcpStream,
    peer: SocketAddr,
    /// Upper-cased bytes waiting to be sent.
    pending: Vec<u8>,
    /// The client has closed its sending side (recv returned 0).
    done_sending: bool,
}

/// What one turn for a client came to.
#[derive(PartialEq)]
enum Turn {
    /// Nothing was ready.
    Idle,
    /// Bytes moved.
    Busy,
    /// The client is done and has every reply: close the connection.
    Finished,
}

fn main() -> Result<()> {
    let addr = address_from_args()?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    // sk.setblocking(False): accept() returns WouldBlock when nobody is waiting.
    listener
        .set_nonblocking(true)
        .with_context(|| format!("setblocking(False) on {addr} failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    let mut clients: Vec<Client> = Vec::new();
    loop {
        let mut busy = accept_waiting(&listener, &mut clients);
        clients.retain_mut(|client| match client.take_turn() {
            Ok(Turn::Idle) => true,
            Ok(Turn::Busy) => {
                busy = true;
                true
            }
            Ok(Turn::Finished) => {
                println!("{}: done; connection closed", client.peer);
                false
            }
            Err(error) => {
                println!("{}: {error}; connection dropped", client.peer);
                false
            }
        });
        if !busy {
            thread::sleep(IDLE_PAUSE);
        }
    }
}

/// Accepts every client waiting in the accept queue. Returns whether there was any.
fn accept_waiting(listener: &TcpListener, clients: &mut Vec<Client>) -> bool {
    let mut any = false;
    loop {
        match listener.accept() {
            Ok((conn, peer)) => {
                // Linux does not pass the listener's non-blocking mode on to the
                // accepted socket (macOS and Windows do): set it on every system.
                if let Err(error) = conn.set_nonblocking(true) {
                    println!("{peer}: setblocking(False) failed: {error}; connection dropped");
                    continue;
                }
                any = true;
                clients.push(Client {
                    conn,
                    peer,
                    pending: Vec::new(),
                    done_sending: false,
                });
                println!("{peer}: connected, {} now connected", clients.len());
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return any,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // A failed accept (a client that reset while queued, too many open
            // files) is reported; the clients already here are still served.
            Err(e) => {
                println!("accept() failed: {e}");
                return any;
            }
        }
    }
}

impl Client {
    /// One turn: read once if there is room, send once if anything is pending.
    fn take_turn(&mut self) -> io::Result<Turn> {
        let mut turn = Turn::Idle;
        if !self.done_sending && self.pending.len() < MAX_PENDING {
            let mut buffer = [0u8; READ_SIZE];
            match self.conn.read(&mut buffer) {
                Ok(0) => {
                    self.done_sending = true;
                    turn = Turn::Busy;
                }
                Ok(n) => {
                    self.pending.extend(buffer[..n].to_ascii_uppercase());
                    turn = Turn::Busy;
                }
                Err(e) if is_not_ready(&e) => {}
                Err(e) => return Err(e),
            }
        }
        if !self.pending.is_empty() {
            // send() may take fewer bytes than offered, or none (WouldBlock) when
            // the client's buffers are full; the rest waits for a later turn.
            match self.conn.write(&self.pending) {
                Ok(n) => {
                    self.pending.drain(..n);
                    turn = Turn::Busy;
                }
                Err(e) if is_not_ready(&e) => {}
                Err(e) => return Err(e),
            }
        }
        if self.done_sending && self.pending.is_empty() {
            return Ok(Turn::Finished);
        }
        Ok(turn)
    }
}

/// WouldBlock: nothing to do yet. Interrupted: a signal came; try again next turn.
fn is_not_ready(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted)
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: solution-blocking-toggle [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
