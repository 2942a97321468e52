//! Exercise 13, solved: a doorman, a server that lets clients in only when told.
//!
//! It listens with listen(BACKLOG), then obeys its stdin, one command a line:
//! `queue` prints the accept queue's length, `accept` takes the oldest connection
//! off the queue and closes it. The end of input ends it.

use std::io::BufRead;
use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// The articles' `sk.listen(5)`.
const DEFAULT_BACKLOG: i32 = 5;
const USAGE: &str =
    "usage: solution-listen-backlog [ADDR [BACKLOG]]   (127.0.0.1:9999 and 5 when not given)";

fn main() -> Result<()> {
    let (addr, backlog) = arguments()?;

    // sk = socket.socket(); sk.bind(addr); sk.listen(backlog). std's
    // TcpListener::bind would ask for a backlog of 128, whatever BACKLOG says.
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).context("socket() failed")?;
    socket
        .bind(&addr.into())
        .with_context(|| format!("bind({addr}) failed"))?;
    socket
        .listen(backlog)
        .with_context(|| format!("listen({backlog}) on {addr} failed"))?;
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {addr}");

    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading a command from stdin failed")?;
        match line.trim() {
            "queue" => match accept_queue(addr)? {
                Some(length) => println!("accept queue: {length}"),
                None => println!("accept queue: unknown"),
            },
            "accept" => {
                // conn, addr = sk.accept(); conn.close()
                let (conn, peer) = listener
                    .accept()
                    .with_context(|| format!("accept() on {addr} failed"))?;
                println!("accepted {peer}");
                drop(conn);
            }
            "" => {}
            other => eprintln!("unknown command {other:?}: say `queue` or `accept`"),
        }
    }
    Ok(())
}

/// The accept queue's length of the listener on `addr`: the rx_queue column of its
/// LISTEN row (state 0A) in /proc/net/tcp, or /proc/net/tcp6 for IPv6.
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
        // sl  local_address  rem_address  st  tx_queue:rx_queue  ...
        let [_sl, local, _remote, state, queues, ..] = fields.as_slice() else {
            continue;
        };
        let port = local
            .rsplit_once(':')
            .and_then(|(_, port)| u16::from_str_radix(port, 16).ok());
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

/// Only Linux shows the queue in /proc/net/tcp.
#[cfg(not(target_os = "linux"))]
fn accept_queue(_addr: SocketAddr) -> Result<Option<u32>> {
    Ok(None)
}

/// The arguments `[ADDR [BACKLOG]]`, with their defaults.
fn arguments() -> Result<(SocketAddr, i32)> {
    // program-support: `--help`, a bad or an extra argument prints the usage and
    // exits 2. The kernel caps BACKLOG at net.core.somaxconn; 65535 is Linux's top.
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let backlog = args.number_or("BACKLOG", 0..=65535, DEFAULT_BACKLOG);
    args.finish();
    Ok((addr, backlog))
}
