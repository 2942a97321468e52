//! Exercise 08: a server that tells each client who it is.
//!
//! Every connection has two ends, and each side can ask the kernel about both
//! (book: "Who is at each end: getpeername and getsockname"). Your server asks
//! about the client's end and tells the client what it found:
//!
//! 1. Bind ADDR (the first argument; 127.0.0.1:9999 when there is none) and print
//!    `listening on ADDR` with the address really bound. IPv6 works the same:
//!    `[::1]:0` binds the IPv6 loopback address.
//! 2. Serve clients one after another, forever: accept one, send it one line,
//!    `you are ADDR` and a newline, where ADDR is the client's address and port as
//!    the server's socket for it reports them (Python: `conn.getpeername()`), in
//!    Rust's usual form (`127.0.0.1:54321`, `[::1]:54321`), then close it.
//! 3. A client that is gone before it is greeted (getpeername() or send() fails)
//!    gets a line on stderr; the server goes on with the next one.
//!
//! Grade it:  cd exercises/08-peer-sock-names && cargo test
//! Try it:    cargo run -p exercise-peer-sock-names, then
//!            `cargo run -q -p peer -- connect` (or `nc 127.0.0.1 9999`)
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

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // TODO 1: TcpListener::bind(addr), then print `listening on ADDR` with the
    //         address from local_addr() (Python: getsockname()).
    let listener: TcpListener = todo!("bind and print `listening on ADDR` (TODO 1)");

    // TODO 2: loop { accept() a client; greet(conn) }. If accept() or greet()
    //         fails, print the error (eprintln!) and go on with the next client.
    todo!("greet clients one after another (TODO 2)")
}

/// Sends the client one line, `you are ADDR`, and closes the connection.
fn greet(mut conn: TcpStream) -> Result<()> {
    // TODO 3: conn.peer_addr() is Python's conn.getpeername(): the client's end.
    //         Write `you are {peer}\n` (write_all), print a line on stdout naming
    //         both ends (peer_addr and local_addr), and return; dropping `conn`
    //         closes the connection. Give each error a context naming the call.
    todo!("getpeername(), then tell the client who it is (TODO 3)")
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: exercise-peer-sock-names [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
