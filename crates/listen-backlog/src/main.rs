//! Python's `listen(backlog)`, and the queue behind it.
//!
//! Run it:  cargo run -p listen-backlog [ADDR [BACKLOG]]
//!
//! With no arguments it shows, on loopback and by itself, in about half a second:
//!   1. that connect() returns before the server ever calls accept(): the kernel
//!      did the handshake and parked the connection in the listener's accept queue;
//!   2. that a listener made with listen(2) takes 3 such connections on Linux
//!      (backlog + 1), and that the kernel ignores the next client's SYN;
//!   3. accept() taking the connections off the queue, oldest first, until it is
//!      empty and a new client gets in again.
//!
//! On Linux it reads the queue's length where the system reports it, the
//! listener's row in /proc/net/tcp; elsewhere it says that it cannot.
//!
//! With ADDR it is a server that listens with BACKLOG (5, the articles' value, when
//! not given) and never calls accept(): connect to it (`cargo run -q -p peer -- connect`,
//! or `cargo run -p basic-client`) from other terminals and watch it report its
//! queue. Ctrl-C stops it.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

/// The demo's backlog: `sk.listen(2)`.
const DEMO_BACKLOG: i32 = 2;
/// How long a demo client waits for an answer to its SYN before it gives up.
const GIVE_UP: Duration = Duration::from_millis(300);
/// How many connects the demo makes before it concludes the queue never fills.
const MAX_CONNECTS: usize = 8;
/// The articles' `sk.listen(5)`.
const DEFAULT_BACKLOG: i32 = 5;
/// How often the server mode looks at its queue.
const WATCH_EVERY: Duration = Duration::from_millis(50);
const USAGE: &str =
    "usage: listen-backlog [ADDR [BACKLOG]], for example: listen-backlog 127.0.0.1:9999 2";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => demo(),
        [addr] => watch(parse_addr(addr)?, DEFAULT_BACKLOG),
        [addr, backlog] => watch(parse_addr(addr)?, parse_backlog(backlog)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

// ANCHOR: listen
/// Python's `sk = socket.socket(); sk.bind(addr); sk.listen(backlog)`.
///
/// std's `TcpListener::bind` does all three in one call and always asks for a
/// backlog of 128, so the three calls are made one by one with socket2.
fn listen(addr: SocketAddr, backlog: i32) -> Result<TcpListener> {
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).context("socket() failed")?;
    socket
        .bind(&addr.into())
        .with_context(|| format!("bind({addr}) failed"))?;
    socket
        .listen(backlog)
        .with_context(|| format!("listen({backlog}) on {addr} failed"))?;
    Ok(socket.into())
}
// ANCHOR_END: listen

/// The demo: fill the queue of a listener that never calls accept(), then drain it.
fn demo() -> Result<()> {
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

/// The server mode: listen with `backlog`, never accept, and report the queue.
fn watch(addr: SocketAddr, backlog: i32) -> Result<()> {
    let listener = listen(addr, backlog)?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {addr}");
    println!(
        "listen({backlog}): this server never calls accept(). Connect to it from other \
         terminals\nand watch its queue; Ctrl-C stops it."
    );
    println!("{}", where_the_queue_shows());
    let mut last = None;
    loop {
        let now = accept_queue(addr)?;
        if now != last {
            if let Some(length) = now {
                println!("accept queue: {length}");
            }
            last = now;
        }
        if cfg!(not(target_os = "linux")) {
            // Nothing to watch here: wait for Ctrl-C, holding the listener open.
            thread::park();
        }
        // Looking again after a pause is the point of this mode: the queue changes
        // when clients come and go, and nothing tells the server.
        thread::sleep(WATCH_EVERY);
    }
}

/// How long the listener's accept queue is, to end a line with: `; accept queue: N`
/// on Linux, nothing elsewhere.
fn queue_note(addr: SocketAddr) -> Result<String> {
    Ok(accept_queue(addr)?.map_or_else(String::new, |n| format!("; accept queue: {n}")))
}

/// Where the queue's length comes from, or that this system does not say.
fn where_the_queue_shows() -> &'static str {
    if cfg!(target_os = "linux") {
        "(the accept queue's length is the rx_queue column of its LISTEN row in /proc/net/tcp)"
    } else {
        "(only Linux shows the accept queue's length, in /proc/net/tcp)"
    }
}

// ANCHOR: proc_net_tcp
/// How many connections wait in the accept queue of the listener on `addr`, read
/// from its row in /proc/net/tcp (or /proc/net/tcp6 for IPv6). A row starts like
/// this (the header names the columns; more follow):
///
/// ```text
///   sl  local_address rem_address   st tx_queue rx_queue tr ...
///    2: 0100007F:D1D5 00000000:0000 0A 00000000:00000003 00:00000000 ...
/// ```
///
/// The local address is in hexadecimal, its port after the colon. State `0A` is
/// LISTEN; for a listener, rx_queue is the accept queue's length. (For a
/// connection, rx_queue counts bytes received and not yet read.)
#[cfg(target_os = "linux")]
fn accept_queue(addr: SocketAddr) -> Result<Option<u32>> {
    let table = if addr.is_ipv4() {
        "/proc/net/tcp"
    } else {
        "/proc/net/tcp6"
    };
    let text = std::fs::read_to_string(table).with_context(|| format!("reading {table} failed"))?;
    for row in text.lines().skip(1) {
        let fields: Vec<&str> = row.split_whitespace().collect();
        let [_sl, local, _remote, state, queues, ..] = fields.as_slice() else {
            continue;
        };
        let port = local
            .rsplit_once(':')
            .and_then(|(_, port)| u16::from_str_radix(port, 16).ok());
        // The accepted connections share the listener's port; only one row on
        // that port is in state LISTEN.
        if *state != "0A" || port != Some(addr.port()) {
            continue;
        }
        let length = queues
            .split_once(':')
            .and_then(|(_tx_queue, rx_queue)| u32::from_str_radix(rx_queue, 16).ok())
            .with_context(|| format!("{table}: no tx_queue:rx_queue in {row:?}"))?;
        return Ok(Some(length));
    }
    anyhow::bail!("{table} has no LISTEN row for port {}", addr.port())
}
// ANCHOR_END: proc_net_tcp

/// Elsewhere there is no /proc/net/tcp to read.
#[cfg(not(target_os = "linux"))]
fn accept_queue(_addr: SocketAddr) -> Result<Option<u32>> {
    Ok(None)
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

fn parse_backlog(text: &str) -> Result<i32> {
    // The kernel caps it at net.core.somaxconn anyway; 65535 is Linux's own top.
    Ok(program_support::parse_number("BACKLOG", text, 0..=65535))
}
