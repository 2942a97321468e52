//! The load clients, shared by `load --mode M` (load.rs) and `load --addr ADDR`
//! (measure.rs): N clients that speak the line protocol, each on a non-blocking
//! socket, all driven by one thread with one readiness loop (mio), like
//! `--mode poll`. Thousands of client threads would measure the load generator, not
//! the server.
//!
//! Each client sends a line, waits for its answer, checks it, and only then sends
//! the next: a round trip. `pump(lines, wait)` runs them all until each has had
//! `lines` lines answered.

use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// One client: a non-blocking socket and how far its conversation got.
pub struct Client {
    conn: TcpStream,
    /// The handshake is done.
    pub connected: bool,
    pub failed: Option<String>,
    unsent: Vec<u8>,
    received: Vec<u8>,
    /// Lines sent, and lines answered; it sends the next only when they are equal.
    sent: usize,
    pub answered: usize,
    /// Answers that were not the line upper-cased.
    pub wrong: usize,
    /// When the line now awaiting its answer was sent.
    asked_at: Instant,
}

pub struct Load {
    poll: Poll,
    pub clients: Vec<Client>,
    /// Every round trip's time, in microseconds (the hold phase's first line aside),
    /// when the load was asked to time them.
    latencies: Option<Vec<u32>>,
}

impl Load {
    /// Starts N non-blocking connects; the handshakes finish in the background.
    /// `timed`: keep every round trip's time, for `percentiles`.
    pub fn connect(addr: SocketAddr, n: usize, timed: bool) -> Result<Load> {
        let poll = Poll::new().context("creating the readiness queue failed")?;
        let mut clients = Vec::with_capacity(n);
        for i in 0..n {
            let mut conn = TcpStream::connect(addr)
                .with_context(|| format!("connect({addr}) for client {i} failed"))?;
            poll.registry()
                .register(&mut conn, Token(i), Interest::READABLE | Interest::WRITABLE)
                .with_context(|| format!("registering client {i} failed"))?;
            clients.push(Client {
                conn,
                connected: false,
                failed: None,
                unsent: Vec::new(),
                received: Vec::new(),
                sent: 0,
                answered: 0,
                wrong: 0,
                asked_at: Instant::now(),
            });
        }
        Ok(Load {
            poll,
            clients,
            latencies: timed.then(Vec::new),
        })
    }

    /// How many clients pass `test`.
    pub fn count(&self, test: impl Fn(&Client) -> bool) -> usize {
        self.clients.iter().filter(|c| test(c)).count()
    }

    pub fn first_failure(&self) -> Option<String> {
        self.clients.iter().find_map(|c| c.failed.clone())
    }

    /// The median and the 99th percentile of the round trips timed so far.
    pub fn percentiles(&mut self) -> (Duration, Duration) {
        let latencies = self.latencies.get_or_insert_with(Vec::new);
        latencies.sort_unstable();
        let at = |share: f64| -> Duration {
            let last = latencies.len().saturating_sub(1);
            let index = ((last as f64) * share).round() as usize;
            Duration::from_micros(latencies.get(index).copied().unwrap_or(0).into())
        };
        (at(0.50), at(0.99))
    }

    /// Runs the clients until each has had `lines` lines answered (or failed), or
    /// until `wait` has passed.
    pub fn pump(&mut self, lines: usize, wait: Duration) -> Result<()> {
        let deadline = Instant::now() + wait;
        let mut events = Events::with_capacity(1024);
        let mut buffer = vec![0u8; 4096];
        for i in 0..self.clients.len() {
            self.clients[i].step(i, lines, &mut buffer, self.latencies.as_mut());
        }
        let mut remaining = self.count(|c| !c.done(lines));
        while remaining > 0 {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if let Err(error) = self.poll.poll(&mut events, Some(deadline - now)) {
                if error.kind() == ErrorKind::Interrupted {
                    continue;
                }
                return Err(error).context("poll() failed");
            }
            for event in events.iter() {
                let i = event.token().0;
                let client = &mut self.clients[i];
                let was_done = client.done(lines);
                client.step(i, lines, &mut buffer, self.latencies.as_mut());
                if !was_done && client.done(lines) {
                    remaining -= 1;
                }
            }
        }
        Ok(())
    }
}

impl Client {
    fn done(&self, lines: usize) -> bool {
        self.answered >= lines || self.failed.is_some()
    }

    /// Does whatever can be done now without waiting.
    fn step(
        &mut self,
        i: usize,
        lines: usize,
        buffer: &mut [u8],
        latencies: Option<&mut Vec<u32>>,
    ) {
        if self.failed.is_some() {
            return;
        }
        if let Err(error) = self.try_step(i, lines, buffer, latencies) {
            self.failed = Some(format!("client {i}: {error}"));
        }
    }

    fn try_step(
        &mut self,
        i: usize,
        lines: usize,
        buffer: &mut [u8],
        mut latencies: Option<&mut Vec<u32>>,
    ) -> std::io::Result<()> {
        if !self.connected {
            // A non-blocking connect is done when the socket is writable; then
            // either it has an error (SO_ERROR) or it has a peer.
            if let Some(error) = self.conn.take_error()? {
                return Err(error);
            }
            match self.conn.peer_addr() {
                Ok(_) => self.connected = true,
                Err(error) if error.kind() == ErrorKind::NotConnected => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        loop {
            // Read every answer that has come, and check it.
            loop {
                match self.conn.read(buffer) {
                    Ok(0) => {
                        return Err(std::io::Error::new(
                            ErrorKind::UnexpectedEof,
                            "the server closed the connection",
                        ));
                    }
                    Ok(n) => self.received.extend_from_slice(&buffer[..n]),
                    Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                    Err(error) if error.kind() == ErrorKind::Interrupted => {}
                    Err(error) => return Err(error),
                }
            }
            while let Some(end) = self.received.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.received.drain(..=end).collect();
                if line != message(i, self.answered).to_uppercase().as_bytes() {
                    self.wrong += 1;
                }
                if let Some(latencies) = latencies.as_deref_mut()
                    && self.answered > 0
                {
                    let took = self.asked_at.elapsed().as_micros();
                    latencies.push(u32::try_from(took).unwrap_or(u32::MAX));
                }
                self.answered += 1;
            }
            // Send the next line once the last one is answered.
            if self.sent == self.answered && self.sent < lines {
                self.unsent
                    .extend_from_slice(message(i, self.sent).as_bytes());
                self.sent += 1;
                self.asked_at = Instant::now();
            }
            if self.unsent.is_empty() {
                return Ok(());
            }
            match self.conn.write(&self.unsent) {
                Ok(n) => {
                    self.unsent.drain(..n);
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
            // Written: the answer may already be there (loopback is quick), so
            // go round again rather than wait for the next event.
        }
    }
}

/// Line `round` of client `i`: plain ASCII, so any server's upper-casing agrees.
pub fn message(i: usize, round: usize) -> String {
    format!("client {i} round {round}\n")
}
