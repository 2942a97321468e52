//! "Everything is a file": a socket is a file descriptor, and Rust lets you treat
//! it as one.
//!
//! Run it:  cargo run -p socket-as-file [ADDR]
//!
//! With no arguments it shows, by itself on loopback:
//!   1. open: a file and three sockets get their numbers (Python's `fileno()`) from
//!      the same table, and what Linux's /proc/self/fd says each number is;
//!   2. read and write: one function writes to a file and to a socket, another
//!      reads from both, since both are std::io::Read and std::io::Write;
//!   3. a std::fs::File made from the accepted socket: the same descriptor, a file
//!      whose type is "socket", written and read like any file, but with no position
//!      to seek to;
//!   4. close: dropping that File closes the socket, the peer reads EOF, and the
//!      next file opened gets the freed number.
//!
//! With ADDR it is a client that talks through a File: it connects to ADDR, shows
//! its socket's descriptor, sends one line from stdin and prints the reply, read
//! until the server closes. Try it against basic-server.
//!
//! File descriptors and /proc are Unix's (and /proc Linux's); on Windows a socket is
//! a SOCKET handle of its own kind, and the program says so.

use std::net::SocketAddr;

use anyhow::Result;

// One idea per file:
//   demo.rs        the story told with no arguments; part 1, open
//   read_write.rs  part 2, the same code reads and writes a file and a socket
//   into_file.rs   part 3, a File made from a socket
//   close.rs       part 4, dropping the File closes the socket
//   same_code.rs   send_line and recv: one code for a file and a socket
//   fd_table.rs    what a descriptor number is open on (/proc/self/fd)
//   client.rs      with ADDR: a client that talks through a File
//   printing.rs    bytes and OS errors, printed the way Python shows them
//   elsewhere.rs   Windows, where a socket is not a file descriptor
#[cfg(unix)]
mod client;
#[cfg(unix)]
mod close;
#[cfg(unix)]
mod demo;
#[cfg(not(unix))]
mod elsewhere;
#[cfg(unix)]
mod fd_table;
#[cfg(unix)]
mod into_file;
#[cfg(unix)]
mod printing;
#[cfg(unix)]
mod read_write;
#[cfg(unix)]
mod same_code;

#[cfg(not(unix))]
use elsewhere::{client, demo};
#[cfg(unix)]
use {client::client, demo::demo};

const USAGE: &str = "usage: socket-as-file [ADDR], for example: socket-as-file 127.0.0.1:9999";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => demo(),
        [addr] => client(parse_addr(addr)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}
