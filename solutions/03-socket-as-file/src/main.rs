//! Exercise 03, solved: the article's upper-casing server, serving each client
//! through a std::fs::File made from its socket, and showing its descriptor.

use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// How long one client may keep the server waiting for a read or a write, unless
/// CLIENT_MS says otherwise.
const CLIENT_TIMEOUT_MS: u64 = 10_000;
const USAGE: &str =
    "usage: solution-socket-as-file [ADDR [CLIENT_MS]]   (127.0.0.1:9999 and 10000 when not given)";

fn main() -> Result<()> {
    let (addr, client_timeout) = arguments()?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    loop {
        let (stream, peer) = listener
            .accept()
            .with_context(|| format!("accept() on {bound} failed"))?;
        // Clients are served in turn, so one may hold the server only so long:
        // Python's conn.settimeout(10). The File made from the socket keeps it.
        // (Given.)
        if let Err(error) = stream
            .set_read_timeout(Some(client_timeout))
            .and_then(|()| stream.set_write_timeout(Some(client_timeout)))
        {
            eprintln!("client {peer}: settimeout failed: {error}");
            continue;
        }
        // One client's trouble is not the server's: report it, serve the next.
        if let Err(error) = serve::client(stream) {
            eprintln!("client {peer}: {error:#}");
        }
    }
}

/// The arguments `[ADDR [CLIENT_MS]]`, with their defaults.
fn arguments() -> Result<(SocketAddr, std::time::Duration)> {
    // `--help`, a bad or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(USAGE);
    let addr = args.addr_or(DEFAULT_ADDR);
    let millis = args.number_or("CLIENT_MS", 1..=3_600_000, CLIENT_TIMEOUT_MS);
    args.finish();
    Ok((addr, std::time::Duration::from_millis(millis)))
}

#[cfg(unix)]
mod serve {
    use std::fs::File;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::os::fd::{AsRawFd, OwnedFd, RawFd};

    use anyhow::{Context, Result};

    /// The longest line read from a client.
    const MAX_LINE: u64 = 1024;

    /// Serves one client through a File: one line in, one line out, then close.
    pub fn client(stream: TcpStream) -> Result<()> {
        // conn.fileno()
        let fd = stream.as_raw_fd();
        println!("accept: fd {fd} -> {}", what_is(fd));
        // The socket's descriptor, handed from the TcpStream to a File.
        let mut file = File::from(OwnedFd::from(stream));

        let mut line = Vec::new();
        BufReader::new((&file).take(MAX_LINE))
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
