//! The server modes: accept and then stay silent (read nothing, answer nothing), or
//! swallow everything each client sends.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use anyhow::{Context, Result};

/// How many silent connections `listen` keeps open at once; a newer one closes the
/// oldest.
const MOST_HELD: usize = 256;

fn bind(addr: SocketAddr) -> Result<TcpListener> {
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    say(&format!("listening on {bound}"));
    Ok(listener)
}

/// A line on stdout, flushed; a closed stdout ends the program quietly.
fn say(line: &str) {
    let mut out = io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Accepts every client and never reads or writes: the kernel still completes each
/// handshake and fills each receive buffer, and nobody ever answers.
pub fn listen_silently(addr: SocketAddr) -> Result<()> {
    let listener = bind(addr)?;
    let mut held: Vec<TcpStream> = Vec::new();
    loop {
        let (stream, peer) = listener.accept().context("accept() failed")?;
        say(&format!(
            "accepted {peer}: reading nothing, answering nothing"
        ));
        if held.len() == MOST_HELD {
            held.remove(0);
        }
        held.push(stream);
    }
}

/// Accepts every client, each in a thread of its own, reads all it sends and throws it
/// away, and says how many bytes came and how the connection ended.
pub fn sink(addr: SocketAddr) -> Result<()> {
    let listener = bind(addr)?;
    loop {
        let (stream, peer) = listener.accept().context("accept() failed")?;
        say(&format!(
            "accepted {peer}: reading everything, answering nothing"
        ));
        thread::spawn(move || swallow(stream, peer));
    }
}

fn swallow(mut stream: TcpStream, peer: SocketAddr) {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => {
                say(&format!(
                    "{peer}: {total} bytes, then the end of the stream"
                ));
                return;
            }
            Ok(n) => total += n as u64,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => {
                say(&format!("{peer}: {total} bytes, then recv failed: {error}"));
                return;
            }
        }
    }
}
