//! Python's `setblocking`: the same calls, answered at once or waited for.
//!
//! Run it:  cargo run -p blocking-toggle          (the demo brings its own client)
//!     or:  cargo run -p blocking-toggle ADDR     (it listens on ADDR and waits for a
//!                                                 real client, such as `peer`)
//!
//! A new socket is blocking: accept() and recv() wait until they have something to
//! return. `sk.setblocking(False)`, in Rust `set_nonblocking(true)`, makes them
//! return at once instead, with the error EAGAIN ("try again": Rust's
//! `ErrorKind::WouldBlock`, Python's `BlockingIOError`) when there is nothing yet.
//! Every call is timed, so the output shows which ones waited and which did not.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

/// How long the demo's own client waits before sending the message that the
/// blocking recv() has to wait for.
const PEER_DELAY: Duration = Duration::from_millis(300);

/// The pause between two tries of a call that said WouldBlock. With no way yet to
/// ask the kernel "wake me when this socket is ready" (a later lesson), a program
/// can only try again; the pause keeps it from burning a CPU while it does.
const RETRY_PAUSE: Duration = Duration::from_millis(1);

/// What Unix calls the error (EWOULDBLOCK is the same number on Linux and macOS).
#[cfg(unix)]
const WOULD_BLOCK_NAME: &str = "EAGAIN";
/// What Windows calls the error.
#[cfg(not(unix))]
const WOULD_BLOCK_NAME: &str = "WSAEWOULDBLOCK";

fn main() -> Result<()> {
    let (addr, own_client) = address_from_args()?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    let mut peer = Peer::start(own_client, bound);

    // ANCHOR: accept
    // sk.setblocking(False): Rust names the opposite flag, hence `true`.
    listener
        .set_nonblocking(true)
        .with_context(|| format!("setblocking(False) on {bound} failed"))?;
    println!("setblocking(False) on the listening socket");

    // conn, addr = sk.accept(), with nobody connecting: Python raises BlockingIOError.
    let (result, took) = timed(|| listener.accept());
    match result {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            report("accept()", would_block(&e), took, "");
        }
        Err(e) => return Err(e).with_context(|| format!("accept() on {bound} failed")),
        Ok((_, from)) => bail!("{from} connected before the demo asked anyone to; run it again"),
    }

    // Now a client connects, and the same call succeeds.
    peer.connect()?;
    let (result, took, tries) = retry(|| listener.accept());
    let (mut conn, from) = result.with_context(|| format!("accept() on {bound} failed"))?;
    report(
        "accept()",
        format!("connection from {from}"),
        took,
        &count(tries),
    );
    // ANCHOR_END: accept

    // ANCHOR: recv
    // Linux hands out the accepted socket blocking, whatever the listener is, while
    // macOS and Windows copy the listener's mode: say what we want, everywhere.
    conn.set_nonblocking(true)
        .with_context(|| format!("setblocking(False) on the socket for {from} failed"))?;
    let mut buffer = [0u8; 1024];

    // conn.recv(1024), with nothing sent yet.
    let (result, took) = timed(|| conn.read(&mut buffer));
    match result {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            report("recv(1024)", would_block(&e), took, "");
        }
        Err(e) => return Err(e).with_context(|| format!("recv(1024) from {from} failed")),
        Ok(n) => {
            report("recv(1024)", bytes(&buffer, n), took, "");
            if n == 0 {
                return Ok(());
            }
        }
    }

    // The client sends, and the same call returns the data.
    peer.send_now(b"hello\n")?;
    let (result, took, tries) = retry(|| conn.read(&mut buffer));
    let n = result.with_context(|| format!("recv(1024) from {from} failed"))?;
    report("recv(1024)", bytes(&buffer, n), took, &count(tries));
    // ANCHOR_END: recv
    if n == 0 {
        return Ok(());
    }

    // ANCHOR: blocking
    // conn.setblocking(True): back to the default, so recv() waits for data.
    conn.set_nonblocking(false)
        .with_context(|| format!("setblocking(True) on the socket for {from} failed"))?;
    println!("setblocking(True) on the connected socket");
    peer.send_later(b"world\n", PEER_DELAY)?;
    let (result, took) = timed(|| conn.read(&mut buffer));
    let n = result.with_context(|| format!("recv(1024) from {from} failed"))?;
    report("recv(1024)", bytes(&buffer, n), took, " (it waited)");
    // ANCHOR_END: blocking
    drop(conn);
    peer.finish()
}

// ANCHOR: helpers
/// Runs `call` and measures how long it took.
fn timed<T>(call: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = call();
    (result, start.elapsed())
}

/// Calls `call` until it stops saying WouldBlock: what a program without a
/// readiness API must do. Returns the result, how long the last call took, and
/// how many calls it made.
fn retry<T>(mut call: impl FnMut() -> io::Result<T>) -> (io::Result<T>, Duration, u32) {
    let mut tries = 0;
    loop {
        tries += 1;
        match timed(&mut call) {
            (Err(e), _) if e.kind() == ErrorKind::WouldBlock => thread::sleep(RETRY_PAUSE),
            (Err(e), _) if e.kind() == ErrorKind::Interrupted => {}
            (result, took) => return (result, took, tries),
        }
    }
}

/// A WouldBlock error as the lesson shows it: Rust's name, then the OS's own.
fn would_block(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => format!("{:?} (OS code {code}, {WOULD_BLOCK_NAME})", e.kind()),
        None => format!("{:?}", e.kind()),
    }
}
// ANCHOR_END: helpers

/// One line of the demo's output: the call, what it returned, how long it took.
fn report(call: &str, outcome: String, took: Duration, note: &str) {
    let ms = took.as_secs_f64() * 1000.0;
    println!("{call:<12} -> {outcome} after {ms:8.3} ms{note}");
}

fn count(tries: u32) -> String {
    match tries {
        1 => " (first try)".into(),
        n => format!(" ({n} tries)"),
    }
}

fn bytes(buffer: &[u8], n: usize) -> String {
    match n {
        0 => "0 bytes: the client closed the connection".into(),
        n => format!("{n} bytes b\"{}\"", buffer[..n].escape_ascii()),
    }
}

/// The other end of the demo: its own client in a thread, driven step by step, or
/// a real client that the user starts.
enum Peer {
    Thread {
        steps: Sender<Step>,
        done: Receiver<io::Result<String>>,
        thread: JoinHandle<()>,
    },
    Real {
        addr: SocketAddr,
    },
}

/// One thing for the demo's own client to do.
enum Step {
    Connect,
    Send {
        data: &'static [u8],
        after: Duration,
    },
}

impl Peer {
    fn start(own_client: bool, addr: SocketAddr) -> Peer {
        if !own_client {
            return Peer::Real { addr };
        }
        let (steps, step_rx) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let thread = thread::spawn(move || own_client_thread(addr, step_rx, done_tx));
        Peer::Thread {
            steps,
            done,
            thread,
        }
    }

    /// Has the client connect; returns once its connect() has returned.
    fn connect(&mut self) -> Result<()> {
        match self {
            Peer::Thread { .. } => self.step(Step::Connect, true),
            Peer::Real { addr } => {
                println!(
                    "now connect a client, for example: cargo run -q -p peer -- connect {addr}"
                );
                Ok(())
            }
        }
    }

    /// Has the client send `data`; returns once its send has returned.
    fn send_now(&mut self, data: &'static [u8]) -> Result<()> {
        match self {
            Peer::Thread { .. } => self.step(
                Step::Send {
                    data,
                    after: Duration::ZERO,
                },
                true,
            ),
            Peer::Real { .. } => {
                println!("type a line in your client");
                Ok(())
            }
        }
    }

    /// Has the client send `data` after a pause; returns at once.
    fn send_later(&mut self, data: &'static [u8], after: Duration) -> Result<()> {
        match self {
            Peer::Thread { .. } => {
                println!(
                    "client: will send b\"{}\" in {} ms",
                    data.escape_ascii(),
                    after.as_millis()
                );
                self.step(Step::Send { data, after }, false)
            }
            Peer::Real { .. } => {
                println!("type another line in your client: this recv() waits for it");
                Ok(())
            }
        }
    }

    fn step(&mut self, step: Step, wait: bool) -> Result<()> {
        let Peer::Thread { steps, done, .. } = self else {
            return Ok(());
        };
        let gone = || anyhow!("the demo's client thread stopped unexpectedly");
        steps.send(step).map_err(|_| gone())?;
        if wait {
            let report = done.recv().map_err(|_| gone())?;
            println!("client: {}", report.context("the demo's client failed")?);
        }
        Ok(())
    }

    /// Waits for the demo's client to finish, and reports its last step.
    fn finish(self) -> Result<()> {
        if let Peer::Thread {
            steps,
            done,
            thread,
        } = self
        {
            drop(steps);
            for report in done {
                report.context("the demo's client failed")?;
            }
            thread
                .join()
                .map_err(|_| anyhow!("the demo's client thread panicked"))?;
        }
        Ok(())
    }
}

/// The demo's own client: carries out each step and reports how it went. A failed
/// send drops the connection, so the server's recv() ends instead of waiting.
fn own_client_thread(addr: SocketAddr, steps: Receiver<Step>, done: Sender<io::Result<String>>) {
    let mut stream: Option<TcpStream> = None;
    for step in steps {
        let report = match step {
            Step::Connect => TcpStream::connect(addr).and_then(|s| {
                let me = s.local_addr()?;
                stream = Some(s);
                Ok(format!("connect({addr}) returned; the client is {me}"))
            }),
            Step::Send { data, after } => {
                // The lesson itself: the server's blocking recv() waits this long.
                thread::sleep(after);
                match stream.as_mut() {
                    Some(s) => s
                        .write_all(data)
                        .map(|()| format!("sent b\"{}\"", data.escape_ascii())),
                    None => Err(io::Error::other("send before connect")),
                }
            }
        };
        if report.is_err() {
            stream = None;
        }
        if done.send(report).is_err() {
            break;
        }
    }
}

/// No argument: 127.0.0.1:0 and the demo's own client. ADDR: listen there and
/// wait for a real client.
fn address_from_args() -> Result<(SocketAddr, bool)> {
    // `--help`, a bad or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(
        "usage: blocking-toggle [ADDR]   (no ADDR: the demo, with its own client)",
    );
    let found = args.next();
    args.finish();
    match found {
        None => Ok((SocketAddr::from(([127, 0, 0, 1], 0)), true)),
        Some(text) => Ok((program_support::parse_addr(&text, "127.0.0.1:9999"), false)),
    }
}
