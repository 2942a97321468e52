//! With ADDR: a client with a timeout. Python's `sk.settimeout(t)`, then
//! `sk.connect(addr)` and `sk.recv(1024)`, each waiting at most `t`.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::read_timeout::is_timeout;
use crate::support::os_code;

/// With ADDR: connect within `timeout`, then wait at most `timeout` for the server
/// to say something.
pub fn probe(addr: SocketAddr, timeout: Duration) -> Result<()> {
    // ANCHOR: probe
    let start = Instant::now();
    // sk.settimeout(t); sk.connect(addr)
    let mut sk = match TcpStream::connect_timeout(&addr, timeout) {
        Ok(sk) => sk,
        Err(error) if error.kind() == ErrorKind::TimedOut => {
            println!(
                "connect({addr}): gave up after {:.1?}: {error}",
                start.elapsed()
            );
            return Ok(());
        }
        Err(error) => return Err(error).with_context(|| format!("connect({addr}) failed")),
    };
    println!("connect({addr}): connected after {:.1?}", start.elapsed());

    sk.set_read_timeout(Some(timeout))
        .context("set_read_timeout failed")?;
    let mut buffer = [0u8; 1024];
    let start = Instant::now();
    match sk.read(&mut buffer) {
        Ok(0) => println!(
            "recv(1024): the server closed the connection after {:.1?} without a word",
            start.elapsed()
        ),
        Ok(n) => println!(
            "recv(1024): {n} bytes after {:.1?}: b\"{}\"",
            start.elapsed(),
            buffer[..n].escape_ascii()
        ),
        Err(error) if is_timeout(&error) => println!(
            "recv(1024): gave up after {:.1?}, the server said nothing (kind {:?}, OS code {})",
            start.elapsed(),
            error.kind(),
            os_code(&error)
        ),
        Err(error) => return Err(error).with_context(|| format!("recv(1024) from {addr} failed")),
    }
    // ANCHOR_END: probe
    Ok(())
}
