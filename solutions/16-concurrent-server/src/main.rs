//! The reference answer to exercise 16: the one-at-a-time server, made to serve
//! every connected client at once with a thread per client.
//!
//! Grade it:  cargo test -p solution-concurrent-server

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
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
        "usage: solution-concurrent-server [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    serve_many(listener)
}

/// Every connected client served at once.
fn serve_many(listener: TcpListener) -> Result<()> {
    for conn in listener.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(error) => {
                eprintln!("accept() failed: {error}");
                continue;
            }
        };
        // Python: threading.Thread(target=serve_client, args=(conn,)).start()
        let spawned = thread::Builder::new().spawn(move || serve_client(conn));
        if let Err(error) = spawned {
            // The connection went down with the closure that could not start.
            eprintln!("could not start a thread for a client: {error}");
        }
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
