//! Part 2: a connect that times out. Python's `sk.settimeout(0.3)` before
//! `sk.connect(addr)` is Rust's `TcpStream::connect_timeout`, whose clock is Rust's
//! own. To get a SYN that nobody answers on loopback, fill a listener's accept queue.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use socket2::{Domain, Socket, Type};

use crate::DEMO_TIMEOUT;
use crate::support::os_code;

/// How many connects part 2 makes before it concludes the queue never fills.
const MAX_CONNECTS: usize = 8;

/// Part 2: a connect that gets no answer at all, on loopback.
pub fn connect_that_times_out() -> Result<()> {
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
