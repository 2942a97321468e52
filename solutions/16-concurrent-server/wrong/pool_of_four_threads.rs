//! Wrong: four worker threads, each accepting and serving one client at a time
//! Caught by: fifty_clients_at_once_are_all_answered
//!
//! A fixed pool serves as many clients at once as it has threads. Four clients
//! that stay connected (one silent, one slow, two done but not gone) take all
//! four, and the fifth waits however idle the others are. The chapter: a thread
//! per client, or a readiness loop, so that a waiting client costs no server.


use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// Close a client that sends nothing for this long. (Given.)
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest line a client may send, in bytes. (Given.)
const MAX_LINE: usize = 1024;

fn main() -> Result<()> {
    let text = std::env::args().nth(1).unwrap_or(DEFAULT_ADDR.into());
    let addr: SocketAddr = text.parse().with_context(|| {
        format!("usage: [ADDR]: {text:?} is not an address like {DEFAULT_ADDR}")
    })?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    serve_many(listener)
}

/// Every connected client served at once.
fn serve_many(listener: TcpListener) -> Result<()> {
    const WORKERS: usize = 4;
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let listener = listener.try_clone().context("try_clone of the listener failed")?;
        workers.push(thread::spawn(move || {
            for conn in listener.incoming() {
                match conn {
                    Ok(conn) => serve_client(conn),
                    Err(error) => eprintln!("accept() failed: {error}"),
                }
            }
        }));
    }
    for worker in workers {
        let _ = worker.join();
    }
    Ok(())
}

/// Talks to one client until it leaves: each line it sends comes back upper-cased.
/// Blocking calls: whoever runs this serves nobody else meanwhile. (Given.)
fn serve_client(conn: TcpStream) {
    let peer = conn
        .peer_addr()
        .map_or_else(|_| "a client".into(), |peer| peer.to_string());
    match converse(&conn) {
        Ok(lines) => println!("{peer}: left after {lines} lines"),
        Err(error) => println!("{peer}: {error:#}"),
    }
    // Dropping `conn` closes the connection.
}

/// recv a line, upper-case it, sendall, until the client closes. (Given.)
fn converse(conn: &TcpStream) -> Result<u64> {
    conn.set_read_timeout(Some(IDLE_TIMEOUT))
        .context("settimeout failed")?;
    let mut reader = BufReader::new(conn);
    let mut writer = conn;
    let mut lines = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        // Read up to the next `\n`, but never more than MAX_LINE + 1 bytes.
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .context("recv failed (or the client was idle too long)")?;
        if n == 0 {
            return Ok(lines); // the client closed its side
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let reply = if text.len() > MAX_LINE {
            Err(format!("error: line longer than {MAX_LINE} bytes\n"))
        } else {
            match std::str::from_utf8(text) {
                Ok(text) => Ok(format!("{}\n", text.to_uppercase())),
                Err(_) => Err("error: not valid UTF-8\n".to_string()),
            }
        };
        match reply {
            Ok(reply) => writer.write_all(reply.as_bytes()).context("send failed")?,
            Err(error) => {
                let _ = writer.write_all(error.as_bytes());
                anyhow::bail!("{}", error.trim_end());
            }
        }
        lines += 1;
    }
}
