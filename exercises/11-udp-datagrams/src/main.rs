//! Exercise 11: a UDP echo server that answers each sender at its own address.
//!
//! A TCP server has one socket per client, so a reply cannot go astray. A UDP
//! server has one socket for everybody: each datagram may come from someone else,
//! and the reply must go back to whoever sent it. Write that server:
//!
//! 1. Bind a UDP socket to ADDR (the first argument; 127.0.0.1:9999 when there is
//!    none) and print `listening on ADDR`, with the address really bound (so that
//!    `127.0.0.1:0` prints the port the kernel chose).
//! 2. For ever: receive one datagram (Python's `recvfrom`), and send it back
//!    upper-cased (ASCII letters only, like Python's bytes.upper()) to the address
//!    it came from (`sendto`). Print a line that names that address.
//! 3. Every datagram gets exactly one reply, and a reply is exactly one datagram:
//!    an empty datagram gets an empty reply, a datagram of 5000 bytes gets all 5000
//!    back, and bytes that are not UTF-8 are echoed like any others.
//!
//! Grade it:  cd exercises/11-udp-datagrams && cargo test
//! Try it:    cargo run -p exercise-udp-datagrams, then, in another terminal,
//!            cargo run -p udp-datagrams -- client   and type a few lines
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

use std::net::{SocketAddr, UdpSocket};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // TODO 1: UdpSocket::bind(addr) (Python: socket(AF_INET, SOCK_DGRAM), then
    //         bind), then print `listening on ADDR` with local_addr().
    let sk: UdpSocket = todo!("bind a UDP socket and print `listening on ADDR` (TODO 1)");

    // TODO 2: a buffer for one datagram. How large? recv_from cuts a datagram that
    //         does not fit, and the rest is lost (book: "UDP: sendto and recvfrom").
    let mut buffer: Vec<u8> = todo!("a buffer no datagram overflows (TODO 2)");

    loop {
        // TODO 3: let (n, peer) = sk.recv_from(&mut buffer)?  (with a context);
        //         reply = buffer[..n] upper-cased; sk.send_to(&reply, peer);
        //         print a line naming `peer`. An empty datagram (n == 0) is a
        //         message like any other: answer it too.
        todo!("receive one datagram and answer its sender at its own address (TODO 3)")
    }
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: exercise-udp-datagrams [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
