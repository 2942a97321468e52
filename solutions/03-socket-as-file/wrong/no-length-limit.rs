//! Wrong: reads up to the newline with no limit on the length
//! Caught by: a_line_longer_than_1024_bytes_is_cut_at_1024
//!
//! Without take(MAX_LINE), read_until waits for a newline however long the line: a
//! client that sends a lot and no newline holds the server (and its memory) for as
//! long as it likes. The exercise caps a line at 1024 bytes.

use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const USAGE: &str = "usage: [ADDR], the address to listen on (127.0.0.1:9999 when not given)";

fn main() -> Result<()> {
    let addr = arguments()?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    loop {
        let (stream, peer) = listener
            .accept()
            .with_context(|| format!("accept() on {bound} failed"))?;
        // One client's trouble is not the server's: report it, serve the next.
        if let Err(error) = serve::client(stream) {
            eprintln!("client {peer}: {error:#}");
        }
    }
}

/// The argument `[ADDR]`, with its default.
fn arguments() -> Result<SocketAddr> {
    let mut args = std::env::args().skip(1);
    let text = args.next().unwrap_or(DEFAULT_ADDR.into());
    let addr = text
        .parse()
        .with_context(|| format!("{USAGE}: {text:?} is not an address like {DEFAULT_ADDR}"))?;
    if let Some(extra) = args.next() {
        bail!("{USAGE}: one argument too many: {extra:?}");
    }
    Ok(addr)
}

#[cfg(unix)]
mod serve {
    use std::fs::File;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::os::fd::{AsRawFd, OwnedFd, RawFd};

    use anyhow::{Context, Result};

    /// The longest line read from a client.
    #[allow(dead_code)]
    const MAX_LINE: u64 = 1024;

    /// Serves one client through a File: one line in, one line out, then close.
    pub fn client(stream: TcpStream) -> Result<()> {
        // conn.fileno()
        let fd = stream.as_raw_fd();
        println!("accept: fd {fd} -> {}", what_is(fd));
        // The socket's descriptor, handed from the TcpStream to a File.
        let mut file = File::from(OwnedFd::from(stream));

        let mut line = Vec::new();
        BufReader::new(&file)
            .read_until(b'\n', &mut line)
            .with_context(|| format!("reading a line from fd {fd} failed"))?;
        if line.is_empty() {
            println!("fd {fd}: the client hung up without a line");
        } else {
            let reply = match std::str::from_utf8(&line) {
                Ok(text) => format!("{}\n", text.trim_end_matches(['\r', '\n']).to_uppercase()),
                Err(_) => "error: not UTF-8\n".to_string(),
            };
            file.write_all(reply.as_bytes())
                .with_context(|| format!("writing the reply to fd {fd} failed"))?;
        }
        // conn.close(): closing the File closes the socket.
        drop(file);
        println!("close: fd {fd}");
        Ok(())
    }

    /// What Linux says descriptor `fd` of this process is: `socket:[INODE]`.
    fn what_is(fd: RawFd) -> String {
        match std::fs::read_link(format!("/proc/self/fd/{fd}")) {
            Ok(target) => target.display().to_string(),
            Err(error) => format!("(unknown: /proc/self/fd/{fd}: {error})"),
        }
    }
}

#[cfg(not(unix))]
mod serve {
    use anyhow::{Result, bail};

    pub fn client(_stream: std::net::TcpStream) -> Result<()> {
        bail!("serving a socket as a File needs Unix, where a socket is a file descriptor")
    }
}
