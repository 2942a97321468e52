//! The demo: fill the accept queue of a listener that never calls accept(), see
//! the next client's SYN go unanswered, then drain the queue with accept().

use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::listen::listen;
use crate::queue::{queue_note, where_the_queue_shows};

/// The demo's backlog: `sk.listen(2)`.
const DEMO_BACKLOG: i32 = 2;
/// How long a demo client waits for an answer to its SYN before it gives up.
const GIVE_UP: Duration = Duration::from_millis(300);
/// How many connects the demo makes before it concludes the queue never fills.
const MAX_CONNECTS: usize = 8;

/// The demo: fill the queue of a listener that never calls accept(), then drain it.
pub fn demo() -> Result<()> {
    let listener = listen(([127, 0, 0, 1], 0).into(), DEMO_BACKLOG)?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    println!(
        "listen({DEMO_BACKLOG}) on {addr}, and no accept() yet{}",
        queue_note(addr)?
    );
    println!("{}", where_the_queue_shows());

    // ANCHOR: fill
    println!("1. connect() completes without accept()");
    let mut clients: Vec<TcpStream> = Vec::new();
    for n in 1..=MAX_CONNECTS {
        let start = Instant::now();
        // sk.settimeout(0.3); sk.connect(addr): the kernel answers the SYN by
        // itself, so connect() returns although the server is not in accept().
        match TcpStream::connect_timeout(&addr, GIVE_UP) {
            Ok(client) => {
                let elapsed = start.elapsed();
                println!(
                    "   connect #{n}: connected after {elapsed:.1?}{}",
                    queue_note(addr)?
                );
                clients.push(client);
            }
            Err(error) if error.kind() == ErrorKind::TimedOut => {
                println!(
                    "   connect #{n}: no answer within {GIVE_UP:?} ({error}): the queue is \
                     full, so the kernel\n   dropped the SYN without a word"
                );
                break;
            }
            Err(error) => {
                println!(
                    "   connect #{n}: failed after {:.1?}: {error} (kind {:?}): this system \
                     refuses a client\n   when the queue is full instead of ignoring it",
                    start.elapsed(),
                    error.kind()
                );
                break;
            }
        }
    }
    // ANCHOR_END: fill
    println!(
        "   listen({DEMO_BACKLOG}) let {} connections complete before any accept()",
        clients.len()
    );
    #[cfg(target_os = "linux")]
    println!(
        "   (Linux counts the queue as full only when it holds more than the backlog,\n    \
         so listen(n) admits n + 1)"
    );

    // ANCHOR: drain
    println!("2. accept() takes them off the queue, oldest first");
    for n in 1..=clients.len() {
        // conn, addr = sk.accept(): the handshake is long done, so it returns at once.
        let (conn, peer) = listener
            .accept()
            .with_context(|| format!("accept() on {addr} failed"))?;
        let which = clients
            .iter()
            .position(|client| client.local_addr().ok() == Some(peer))
            .map_or_else(
                || "someone else's client".to_string(),
                |i| format!("connect #{}", i + 1),
            );
        println!(
            "   accept() #{n}: {peer}, from {which}{}",
            queue_note(addr)?
        );
        drop(conn);
    }
    // ANCHOR_END: drain

    println!("3. With room in the queue, a new client gets in again");
    let start = Instant::now();
    let late = TcpStream::connect_timeout(&addr, GIVE_UP)
        .with_context(|| format!("connect({addr}) failed, with the queue empty"))?;
    let elapsed = start.elapsed();
    println!(
        "   connect #{}: connected after {elapsed:.1?}{}",
        clients.len() + 2,
        queue_note(addr)?
    );
    drop(late);
    Ok(())
}
