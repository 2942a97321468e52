//! Exercise 16: from one client at a time to many at once.
//!
//! This server works: every line a client sends comes back upper-cased, on the
//! same connection, until the client leaves. But it serves one client at a time,
//! like the article's: while it waits in recv() for one client, nobody else is
//! served, and a client that connects and says nothing blocks everyone behind it
//! (book: "Serving many clients").
//!
//! Make it serve every connected client at once:
//!
//! 1. In `main`, call `serve_many` instead of `serve_one_at_a_time`.
//! 2. Write `serve_many`. The simplest way: accept as `serve_one_at_a_time` does,
//!    but hand each connection to a new thread that runs `serve_client`, and go
//!    straight back to accept(). A readiness loop (one thread, non-blocking
//!    sockets, `mio`) is the other way; see hint.md.
//!
//! `serve_client` and the protocol are given and need no change.
//!
//! Grade it:  cd exercises/16-concurrent-server && cargo test
//! Try it:    cargo run -p exercise-concurrent-server, then
//!            `cargo run -q -p peer -- connect` (or `nc 127.0.0.1 9999`) in two
//!            terminals: with the stub, the second is answered only once the
//!            first has left
//! Stuck?     read hint.md next to this file.

// A stub compiles but does nothing yet: these allows keep the compiler quiet about
// that. Delete them once your code is written.
#![allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unreachable_code,
    dead_code,
    clippy::diverging_sub_expression
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// Close a client that sends nothing for this long. (Given.)
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Close a client that takes none of its replies for this long: one that sends but
/// never reads would otherwise keep its thread blocked in send() for good. (Given.)
const SEND_TIMEOUT: Duration = Duration::from_millis(500);
/// The longest line a client may send, in bytes. (Given.)
const MAX_LINE: usize = 1024;

fn main() -> Result<()> {
    // `--help`, a bad or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(
        "usage: exercise-concurrent-server [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    // TODO 1: serve_many(listener), once you have written it.
    serve_one_at_a_time(listener)
}

/// The article's way: accept a client, serve it until it leaves, accept the next.
/// (Given. It works; it is the problem.)
fn serve_one_at_a_time(listener: TcpListener) -> Result<()> {
    for conn in listener.incoming() {
        match conn {
            Ok(conn) => serve_client(conn),
            Err(error) => eprintln!("accept() failed: {error}"),
        }
    }
    Ok(())
}

/// Every connected client served at once.
fn serve_many(listener: TcpListener) -> Result<()> {
    // TODO 2: loop over listener.incoming() as serve_one_at_a_time does, but for
    //         each connection start a thread that serves it:
    //             thread::spawn(move || serve_client(conn));
    //         `move` gives the connection to the thread. thread::spawn panics if
    //         no thread can be had; thread::Builder::new().spawn(...) returns an
    //         error instead, which you can print and carry on.
    todo!("serve every client at once, each in its own thread (TODO 2)")
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
        .and_then(|()| conn.set_write_timeout(Some(SEND_TIMEOUT)))
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
            Ok(reply) => writer
                .write_all(reply.as_bytes())
                .context("send failed (or the client took no reply for 0.5 s)")?,
            Err(error) => {
                let _ = writer.write_all(error.as_bytes());
                anyhow::bail!("{}", error.trim_end());
            }
        }
        lines += 1;
    }
}
