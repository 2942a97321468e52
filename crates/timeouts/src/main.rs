//! Python's `settimeout`: how long a blocking socket call may wait before it gives
//! up.
//!
//! Run it:  cargo run -p timeouts [ADDR [MILLIS]]
//!
//! With no arguments it shows, on loopback and by itself, in about a second:
//!   1. a read that times out, because the peer never writes;
//!   2. a connect that times out, because the listener's accept queue is full;
//!   3. what Python's `settimeout(0)` and `settimeout(None)` become in Rust.
//!
//! With ADDR it connects to that server, waiting at most MILLIS milliseconds
//! (2000 when not given), then waits at most as long for the server to say
//! something, and prints what happened.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use socket2::{Domain, Socket, Type};

/// The demo's timeout, Python's `sk.settimeout(0.3)`.
const DEMO_TIMEOUT: Duration = Duration::from_millis(300);
/// How long the demo's late peer waits before it writes, in part 3.
const LATE: Duration = Duration::from_millis(200);
/// How many connects part 2 makes before it concludes the queue never fills.
const MAX_CONNECTS: usize = 8;
const DEFAULT_MILLIS: u64 = 2000;
const USAGE: &str = "usage: timeouts [ADDR [MILLIS]], for example: timeouts 127.0.0.1:9999 500";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => {
            read_that_times_out()?;
            connect_that_times_out()?;
            zero_and_none()
        }
        [addr] => probe(parse_addr(addr)?, Duration::from_millis(DEFAULT_MILLIS)),
        [addr, millis] => probe(parse_addr(addr)?, parse_millis(millis)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

/// Part 1: a peer that accepts and never writes, and a read that stops waiting.
fn read_that_times_out() -> Result<()> {
    println!("1. A read that times out");
    let (mut sk, _silent_peer, addr) = connected_pair()?;

    // ANCHOR: read_timeout
    // sk.settimeout(0.3). Rust sets a limit for reads and one for writes, each
    // handed to the kernel (the SO_RCVTIMEO and SO_SNDTIMEO socket options).
    sk.set_read_timeout(Some(DEMO_TIMEOUT))
        .context("set_read_timeout failed")?;
    let mut buffer = [0u8; 1024];
    let start = Instant::now();
    // sk.recv(1024): the peer sends nothing, so the kernel ends the wait.
    match sk.read(&mut buffer) {
        Ok(n) => println!("   recv(1024) returned {n} bytes, from a peer that sends nothing?"),
        Err(error) if is_timeout(&error) => {
            println!(
                "   recv(1024) with a {DEMO_TIMEOUT:?} read timeout gave up after {:.1?}",
                start.elapsed()
            );
            println!(
                "   error kind {:?}, OS code {}: {error}",
                error.kind(),
                os_code(&error)
            );
            println!(
                "   (Unix ends a timed-out read with EAGAIN, the error of a non-blocking read,\n    \
                 so Rust says WouldBlock; Windows says WSAETIMEDOUT, so Rust says TimedOut.\n    \
                 Portable code checks for both.)"
            );
        }
        Err(error) => return Err(error).context(format!("recv(1024) from {addr} failed")),
    }
    // ANCHOR_END: read_timeout
    Ok(())
}

// ANCHOR: is_timeout
/// Whether a read or write failed because its timeout ran out: WouldBlock on Unix
/// (EAGAIN), TimedOut on Windows (WSAETIMEDOUT).
fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
// ANCHOR_END: is_timeout

/// Part 2: a connect that gets no answer at all, on loopback.
fn connect_that_times_out() -> Result<()> {
    println!("2. A connect that times out");
    // ANCHOR: connect_timeout
    // A listener that never calls accept(), with a tiny backlog: listen(1). Once
    // its accept queue is full (on Linux, with backlog + 1 connections in it), the
    // kernel drops each new SYN without a word, so the client hears nothing.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
    socket
        .bind(&any_port.into())
        .context("bind(127.0.0.1:0) failed")?;
    socket.listen(1).context("listen(1) failed")?;
    let addr = socket
        .local_addr()
        .context("getsockname() failed")?
        .as_socket()
        .ok_or_else(|| anyhow!("getsockname() returned an address that is not IP"))?;

    let mut queued = Vec::new();
    for attempt in 1..=MAX_CONNECTS {
        let start = Instant::now();
        // sk.settimeout(0.3); sk.connect(addr)
        match TcpStream::connect_timeout(&addr, DEMO_TIMEOUT) {
            Ok(stream) => {
                println!(
                    "   connect #{attempt} to {addr}: connected after {:.1?}, now queued (nobody calls accept)",
                    start.elapsed()
                );
                queued.push(stream);
            }
            Err(error) if error.kind() == ErrorKind::TimedOut => {
                println!(
                    "   connect #{attempt} to {addr}: gave up after {:.1?}: {error} (kind TimedOut, OS code {})",
                    start.elapsed(),
                    os_code(&error)
                );
                println!(
                    "   (the queue was full, so the kernel dropped the SYN; no answer came\n    \
                     before Rust's own clock ran out, hence no OS code)"
                );
                return Ok(());
            }
            Err(error) => {
                println!(
                    "   connect #{attempt} to {addr}: failed after {:.1?}: {error} (kind {:?}, OS code {})",
                    start.elapsed(),
                    error.kind(),
                    os_code(&error)
                );
                println!(
                    "   This system answered the full queue with a refusal instead of silence\n   \
                     (Windows does), so here the connect does not time out."
                );
                return Ok(());
            }
        }
    }
    println!(
        "   {MAX_CONNECTS} connects, and the queue still took more: this system queues far past\n   \
         the backlog, so here the connect does not time out."
    );
    // ANCHOR_END: connect_timeout
    Ok(())
}

/// Part 3: Python's `settimeout(0)` and `settimeout(None)`, in Rust.
fn zero_and_none() -> Result<()> {
    println!("3. settimeout(0) and settimeout(None)");
    let (mut sk, mut peer, addr) = connected_pair()?;
    let mut buffer = [0u8; 1024];

    // ANCHOR: zero_and_none
    // sk.settimeout(0) makes a Python socket non-blocking. Rust refuses a zero
    // timeout: the kernel would read it as "no timeout", the opposite.
    match sk.set_read_timeout(Some(Duration::ZERO)) {
        Err(error) => println!(
            "   set_read_timeout(Some(0s)) is refused: kind {:?}: {error}",
            error.kind()
        ),
        Ok(()) => {
            println!("   set_read_timeout(Some(0s)) was accepted, which std does not document")
        }
    }
    // Rust's twin of settimeout(0) is set_nonblocking(true): a call that would
    // wait fails at once with WouldBlock.
    sk.set_nonblocking(true)
        .context("set_nonblocking(true) failed")?;
    let start = Instant::now();
    match sk.read(&mut buffer) {
        Err(error) if error.kind() == ErrorKind::WouldBlock => println!(
            "   set_nonblocking(true), then recv(1024): failed after {:.1?}, kind WouldBlock, OS code {}",
            start.elapsed(),
            os_code(&error)
        ),
        Ok(n) => println!("   recv(1024) returned {n} bytes, from a peer that sent nothing yet?"),
        Err(error) => return Err(error).context(format!("recv(1024) from {addr} failed")),
    }
    sk.set_nonblocking(false)
        .context("set_nonblocking(false) failed")?;

    // sk.settimeout(None): wait as long as it takes. In Rust that is a timeout of
    // None, which is also where every new socket starts.
    sk.set_read_timeout(None)
        .context("set_read_timeout(None) failed")?;
    let timeout = sk.read_timeout().context("read_timeout() failed")?;
    println!(
        "   set_read_timeout(None): read_timeout() is now {timeout:?}, so recv waits for data"
    );
    let late_writer = thread::spawn(move || {
        thread::sleep(LATE); // the peer takes its time
        peer.write_all(b"worth the wait")
    });
    let start = Instant::now();
    let n = sk
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from {addr} failed"))?;
    println!(
        "   recv(1024) waited {:.1?}, until the peer wrote: b\"{}\"",
        start.elapsed(),
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: zero_and_none
    late_writer
        .join()
        .map_err(|_| anyhow!("the peer's thread panicked"))?
        .context("the peer's send failed")?;
    Ok(())
}

/// With ADDR: connect within `timeout`, then wait at most `timeout` for the server
/// to say something.
fn probe(addr: SocketAddr, timeout: Duration) -> Result<()> {
    // ANCHOR: probe
    let start = Instant::now();
    // sk.settimeout(t); sk.connect(addr)
    let mut sk = match TcpStream::connect_timeout(&addr, timeout) {
        Ok(sk) => sk,
        Err(error) if error.kind() == ErrorKind::TimedOut => {
            println!(
                "connect({addr}): gave up after {:.1?}: {error}",
                start.elapsed()
            );
            return Ok(());
        }
        Err(error) => return Err(error).with_context(|| format!("connect({addr}) failed")),
    };
    println!("connect({addr}): connected after {:.1?}", start.elapsed());

    sk.set_read_timeout(Some(timeout))
        .context("set_read_timeout failed")?;
    let mut buffer = [0u8; 1024];
    let start = Instant::now();
    match sk.read(&mut buffer) {
        Ok(0) => println!(
            "recv(1024): the server closed the connection after {:.1?} without a word",
            start.elapsed()
        ),
        Ok(n) => println!(
            "recv(1024): {n} bytes after {:.1?}: b\"{}\"",
            start.elapsed(),
            buffer[..n].escape_ascii()
        ),
        Err(error) if is_timeout(&error) => println!(
            "recv(1024): gave up after {:.1?}, the server said nothing (kind {:?}, OS code {})",
            start.elapsed(),
            error.kind(),
            os_code(&error)
        ),
        Err(error) => return Err(error).with_context(|| format!("recv(1024) from {addr} failed")),
    }
    // ANCHOR_END: probe
    Ok(())
}

/// A connected pair on loopback: our socket, the peer's, and the peer's address.
fn connected_pair() -> Result<(TcpStream, TcpStream, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    // The handshake is done, so accept() returns at once.
    let (peer, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    Ok((sk, peer, addr))
}

/// The OS error number behind `error`, or `none` when Rust made the error itself.
fn os_code(error: &std::io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(|| "none".to_string(), |code| code.to_string())
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

fn parse_millis(text: &str) -> Result<Duration> {
    if text == "0" {
        program_support::usage_error(
            "MILLIS must be at least 1. A zero timeout is Python's settimeout(0), which \
             means non-blocking, and Rust refuses it (run with no arguments to see)",
        );
    }
    // At most an hour: a longer one is a typo, not a timeout.
    let millis: u64 = program_support::parse_number("MILLIS", text, 1..=3_600_000);
    Ok(Duration::from_millis(millis))
}
