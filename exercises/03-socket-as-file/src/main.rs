//! Exercise 03: a server that treats each client's socket as a file.
//!
//! The article's first idea: a socket is a file, opened, read, written and closed.
//! On Unix that is literally so: the accepted socket is a descriptor in the same
//! table as files, and a std::fs::File can take it over. Your server proves it
//! (book: "Sockets are files"):
//!
//! 1. Listens on ADDR (the first argument; 127.0.0.1:9999 when there is none) and
//!    prints `listening on ADDR`. (Given.)
//! 2. For each client, one after the other: prints
//!    `accept: fd N -> socket:[INODE]`, where N is the accepted socket's descriptor
//!    number and `socket:[INODE]` is what Linux says that descriptor is (the link
//!    /proc/self/fd/N).
//! 3. Turns the TcpStream into a File, and through the File only: reads one line
//!    (up to b'\n', or until the client stops sending; at most 1024 bytes) and
//!    writes back one line: that text upper-cased (`str::to_uppercase`) and a
//!    b'\n', or `error: not UTF-8` and a b'\n' if the line is not UTF-8 text. A
//!    client that sends nothing and hangs up gets no reply; print
//!    `fd N: the client hung up without a line`.
//! 4. Closes the connection by dropping the File, and prints `close: fd N`. The
//!    descriptor is then free, and the next client's socket gets the same number.
//!
//! The test looks into the server as `ls -l /proc/PID/fd` would, so print the
//! truth. Unix only (Linux for /proc): elsewhere a socket is not a file descriptor.
//!
//! Grade it:  cd exercises/03-socket-as-file && cargo test
//! Try it:    cargo run -p exercise-socket-as-file, then in another terminal
//!            `cargo run -p socket-as-file -- 127.0.0.1:9999` and type a line, and
//!            in a third `ls -l /proc/$(pidof exercise-socket-as-file)/fd`
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

use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// How long one client may keep the server waiting for a read or a write, unless
/// CLIENT_MS says otherwise.
const CLIENT_TIMEOUT_MS: u64 = 10_000;
const USAGE: &str =
    "usage: exercise-socket-as-file [ADDR [CLIENT_MS]]   (127.0.0.1:9999 and 10000 when not given)";

/// Listens and serves one client after another. (Given.)
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

/// The arguments `[ADDR [CLIENT_MS]]`, with their defaults. (Given.)
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
        // TODO 2: the descriptor number (stream.as_raw_fd(), Python's
        //         conn.fileno()); print `accept: fd N -> ...` with what_is(N). Then
        //         make the File, with safe conversions only:
        //         File::from(OwnedFd::from(stream)).
        let fd: RawFd = todo!("print the socket's descriptor, then make it a File (TODO 2)");
        let mut file: File = todo!("the File made from the socket (TODO 2)");

        // TODO 3: through the File, read one line of at most MAX_LINE bytes into
        //         `line`: BufReader::new((&file).take(MAX_LINE)).read_until(b'\n', ..).
        //         Empty: the client hung up; print `fd N: the client hung up without
        //         a line`. Otherwise write the reply line to the File (write_all):
        //         the text upper-cased, without its own line ending, then "\n"; or
        //         "error: not UTF-8\n" if it is not UTF-8.
        let mut line: Vec<u8> = Vec::new();
        todo!("read a line and write the reply, through the File (TODO 3)");

        // TODO 4: close the connection: drop the File. Then print `close: fd N`.
        todo!("drop the File, which closes the socket (TODO 4)")
    }

    /// What Linux says descriptor `fd` of this process is, such as `socket:[4242]`.
    fn what_is(fd: RawFd) -> String {
        // TODO 1: std::fs::read_link on the path /proc/self/fd/FD; show the target
        //         with .display(). If it fails, return a text that says so (do not
        //         panic: it fails on systems without /proc).
        todo!("read the link /proc/self/fd/FD (TODO 1)")
    }
}

#[cfg(not(unix))]
mod serve {
    use anyhow::{Result, bail};

    pub fn client(_stream: std::net::TcpStream) -> Result<()> {
        bail!("serving a socket as a File needs Unix, where a socket is a file descriptor")
    }
}
