//! Wrong: listens with std's TcpListener::bind, which never sees BACKLOG
//! Caught by: listen_2_lets_3_clients_in_and_no_more
//!
//! TcpListener::bind calls listen(128) for you: the queue takes 129 clients, not
//! BACKLOG + 1, and the lesson's experiment shows nothing. The chapter: make the
//! socket, bind and listen(BACKLOG) yourself with socket2.


use std::io::BufRead;
use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// The articles' `sk.listen(5)`.
const DEFAULT_BACKLOG: &str = "5";
const USAGE: &str = "usage: [ADDR [BACKLOG]]";

fn main() -> Result<()> {
    let (addr, _backlog) = arguments()?;

    // sk = socket.socket(); sk.bind(addr); sk.listen(backlog). std's
    // TcpListener::bind would ask for a backlog of 128, whatever BACKLOG says.
    let listener =
        TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
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
    bail!("{table} has no LISTEN row for port {}", addr.port())
}

/// Only Linux shows the queue in /proc/net/tcp.
#[cfg(not(target_os = "linux"))]
fn accept_queue(_addr: SocketAddr) -> Result<Option<u32>> {
    Ok(None)
}

/// The arguments `[ADDR [BACKLOG]]`, with their defaults.
fn arguments() -> Result<(SocketAddr, i32)> {
    let mut args = std::env::args().skip(1);
    let addr_text = args.next().unwrap_or(DEFAULT_ADDR.into());
    let addr = addr_text
        .parse()
        .with_context(|| format!("{USAGE}: {addr_text:?} is not an address like {DEFAULT_ADDR}"))?;
    let backlog_text = args.next().unwrap_or(DEFAULT_BACKLOG.into());
    let backlog = match backlog_text.parse::<i32>() {
        Ok(backlog) if backlog >= 0 => backlog,
        _ => bail!("{USAGE}: BACKLOG {backlog_text:?} is not a whole number, 0 or more"),
    };
    if let Some(extra) = args.next() {
        bail!("{USAGE}: one argument too many: {extra:?}");
    }
    Ok((addr, backlog))
}
