//! Wrong: counts the ESTABLISHED (01) rows on the listener's port for the queue
//! Caught by: queue_counts_a_client_that_closed_before_accept, queue_counts_a_client_that_reset_before_accept
//!
//! The rows look like the queue: each client that connected and was not accepted
//! has an ESTABLISHED row on the listener's port. But a client that hangs up before
//! accept() is still in the accept queue, and its row is CLOSE_WAIT (08) after a FIN,
//! or gone after an RST. The queue's length is the LISTEN row's rx_queue, which the
//! kernel keeps until accept() takes the connection. (Written by an independent
//! tester from the chapter and the stub; its argument parsing is the stub's given one.)

use std::io::BufRead;
use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result, bail};
use socket2::{Domain, Socket, Type};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// The articles' `sk.listen(5)`.
const DEFAULT_BACKLOG: i32 = 5;
const USAGE: &str =
    "usage: exercise-listen-backlog [ADDR [BACKLOG]]   (127.0.0.1:9999 and 5 when not given)";

fn main() -> Result<()> {
    let (addr, backlog) = arguments()?;

    // TODO 1: a listening socket with exactly `backlog`. std's TcpListener::bind
    //         always asks the kernel for 128, so make the three calls yourself with
    //         socket2: Socket::new(Domain::for_address(addr), Type::STREAM, None),
    //         .bind(&addr.into()), .listen(backlog), then `.into()` a TcpListener.
    //         Give each error a context naming the call and `addr`.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)
        .with_context(|| format!("socket() for {addr} failed"))?;
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

/// The accept queue's length of the listener on `addr`, on Linux.
#[cfg(target_os = "linux")]
fn accept_queue(addr: SocketAddr) -> Result<Option<u32>> {
    let table_path = if addr.is_ipv6() {
        "/proc/net/tcp6"
    } else {
        "/proc/net/tcp"
    };
    let table = std::fs::read_to_string(table_path)
        .with_context(|| format!("reading {table_path} failed"))?;
    let port = addr.port();
    let mut listening = false;
    let mut length = 0;
    for row in table.lines().skip(1) {
        let fields: Vec<&str> = row.split_whitespace().collect();
        if fields.len() < 5 {
            continue;
        }
        let Some((_, port_hex)) = fields[1].rsplit_once(':') else {
            continue;
        };
        if u16::from_str_radix(port_hex, 16).ok() != Some(port) {
            continue;
        }
        match fields[3] {
            "0A" => listening = true,
            "01" => length += 1,
            _ => {}
        }
    }
    if !listening {
        bail!("no LISTEN row for port {port} in {table_path}:\n{table}");
    }
    Ok(Some(length))
}

/// Only Linux shows the queue in /proc/net/tcp. (Given.)
#[cfg(not(target_os = "linux"))]
fn accept_queue(_addr: SocketAddr) -> Result<Option<u32>> {
    Ok(None)
}

/// The arguments `[ADDR [BACKLOG]]`, with their defaults. (Given.)
fn arguments() -> Result<(SocketAddr, i32)> {
    // program-support: `--help`, a bad or an extra argument prints the usage and
    // exits 2. The kernel caps BACKLOG at net.core.somaxconn; 65535 is Linux's top.
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let backlog = args.number_or("BACKLOG", 0..=65535, DEFAULT_BACKLOG);
    args.finish();
    Ok((addr, backlog))
}
