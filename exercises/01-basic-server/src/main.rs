//! Exercise 01: the upper-casing server, for more than one client.
//!
//! The article's server (book: "The first server and client") takes one client and
//! exits. Yours keeps its listening socket open and serves clients one after
//! another, until a client says `bye`:
//!
//! 1. Bind ADDR (the first argument; 127.0.0.1:9999 when there is none), listen with
//!    a backlog of 5, and print `listening on ADDR` with the address really bound
//!    (so that `127.0.0.1:0` prints the port the kernel chose).
//! 2. For each client in turn: accept it, receive once (at most 1024 bytes), send
//!    the bytes back upper-cased (ASCII letters only, like Python's bytes.upper()),
//!    print a line that names the client's address, and close that connection.
//! 3. A client that hangs up without sending anything must not stop the server.
//! 4. One client may hold the server for at most the client timeout (CLIENT_MS,
//!    the second argument; 10 s when not given): one that connects and says
//!    nothing is dropped, with a line on stderr, and the next client is served.
//! 5. After replying to a message that is `bye` (ignoring surrounding whitespace),
//!    stop and exit with status 0.
//!
//! Grade it:  cd exercises/01-basic-server && cargo test
//! Try it:    cargo run -p exercise-basic-server, then cargo run -p basic-client
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

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// How long one client may hold the server, unless CLIENT_MS says otherwise: it
/// serves clients in turn, so a client that connects and says nothing would
/// otherwise keep everyone else waiting.
const CLIENT_TIMEOUT_MS: u64 = 10_000;

fn main() -> Result<()> {
    let (addr, client_timeout) = arguments()?;

    // TODO 1: socket(), bind(addr), listen(5), then print `listening on ADDR`.
    //         basic-server's listing does exactly this.
    let listener: TcpListener =
        todo!("create the listening socket and print `listening on ADDR` (TODO 1)");

    // TODO 2: loop { accept() a client; serve_one(conn, peer, client_timeout);
    //         stop after `bye` }.
    //         An error while serving one client should be printed, not end the loop.
    todo!("accept clients one after another until one says bye (TODO 2)")
}

/// Serves one client: one recv(1024), the reply upper-cased, close. Returns whether
/// the client said `bye`.
fn serve_one(mut conn: TcpStream, peer: SocketAddr, timeout: Duration) -> Result<bool> {
    // TODO 3: give the connection a deadline first, Python's conn.settimeout():
    //         conn.set_read_timeout(Some(timeout)) (and set_write_timeout);
    //         a recv that waits longer then fails, and main prints that error.
    //         Then read once into a 1024-byte buffer; if nothing came, say so and return
    //         Ok(false); else write back the upper-cased bytes (write_all), print a
    //         line naming `peer`, and return whether the message was `bye`.
    //         Returning drops `conn`, which closes the connection.
    todo!("receive once, reply upper-cased, print a line naming the client (TODO 3)")
}

/// The arguments `[ADDR [CLIENT_MS]]`: the address (the article's when not given) and
/// how long one client may hold the server. `--help`, a bad or an extra argument:
/// the usage, and exit status 2 (program-support). (Given.)
fn arguments() -> Result<(SocketAddr, Duration)> {
    let mut args = program_support::Args::new(
        "usage: exercise-basic-server [ADDR [CLIENT_MS]]   (127.0.0.1:9999 and 10000 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    let millis = args.number_or("CLIENT_MS", 1..=3_600_000, CLIENT_TIMEOUT_MS);
    args.finish();
    Ok((addr, Duration::from_millis(millis)))
}
