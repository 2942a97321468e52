//! Python's `getsockname` and `getpeername`: each end of a connection, seen from
//! both sides.
//!
//! Run it:  cargo run -p peer-sock-names          (a client and a server of its own,
//!                                                 over IPv4, then over IPv6)
//!     or:  cargo run -p peer-sock-names ADDR     (it listens on ADDR and shows how
//!                                                 it sees one real client, such as `peer`)
//!
//! A TCP connection has two ends, each an (address, port) pair. `getsockname()`
//! (Rust: `local_addr()`) asks the kernel for this socket's own end;
//! `getpeername()` (Rust: `peer_addr()`) for the other end, which only a connected
//! socket has.

use std::fmt::Display;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result};
use socket2::{Domain, SockAddr, SockRef, Socket, Type};

/// What Unix calls the error of getpeername() on an unconnected socket.
#[cfg(unix)]
const NOT_CONNECTED_NAME: &str = "ENOTCONN";
/// What Windows calls it.
#[cfg(not(unix))]
const NOT_CONNECTED_NAME: &str = "WSAENOTCONN";

fn main() -> Result<()> {
    // `--help`, a bad or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(
        "usage: peer-sock-names [ADDR]   (no ADDR: the demo; ADDR: listen there for a real client)",
    );
    let found = args.next();
    args.finish();
    if let Some(text) = found {
        return show_a_real_client(program_support::parse_addr(&text, "127.0.0.1:9999"));
    }

    // ANCHOR: main
    let v4 = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    show_both_ends(v4)?;

    println!();
    // The same over IPv6, if this machine has an IPv6 loopback address.
    match TcpListener::bind("[::1]:0") {
        Ok(v6) => show_both_ends(v6)?,
        Err(e) => println!(
            "bind([::1]:0) failed ({e}): this machine has no IPv6 loopback, \
             so the IPv6 part is skipped"
        ),
    }
    // ANCHOR_END: main
    Ok(())
}

/// Connects a client to `listener` and prints what each socket says about itself
/// and about the other end.
fn show_both_ends(listener: TcpListener) -> Result<()> {
    // ANCHOR: bind
    // sk.getsockname(), after sk.bind((host, 0)): port 0 asked the kernel for any
    // free port, and this is the one it chose.
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    println!(
        "  bind() asked for port 0; the kernel chose port {}",
        bound.port()
    );
    // ANCHOR_END: bind

    // ANCHOR: unconnected
    // client = socket.socket(): not bound, not connected. socket2 lets us ask it
    // questions before connect(), which std's TcpStream cannot.
    let client =
        Socket::new(Domain::for_address(bound), Type::STREAM, None).context("socket() failed")?;
    header();
    row(
        "client, before connect()",
        ip(client.local_addr()),
        ip(client.peer_addr()),
    );
    // ANCHOR_END: unconnected

    // ANCHOR: connect
    // client.connect(...): the kernel gives the client an address and a free port
    // of its own (an implicit bind), then does the handshake.
    client
        .connect(&bound.into())
        .with_context(|| format!("connect({bound}) failed"))?;
    let client: TcpStream = client.into();
    // conn, addr = sk.accept()
    let (conn, accepted) = listener
        .accept()
        .with_context(|| format!("accept() on {bound} failed"))?;

    row("client", client.local_addr(), client.peer_addr());
    row("server's conn", conn.local_addr(), conn.peer_addr());
    // A listening socket is connected to nobody. std offers no peer_addr() for it;
    // socket2 makes the system call anyway, to show its answer.
    row(
        "server's listener",
        listener.local_addr(),
        ip(SockRef::from(&listener).peer_addr()),
    );
    // ANCHOR_END: connect

    // ANCHOR: compare
    let client_sock = client.local_addr().context("getsockname() failed")?;
    let client_peer = client.peer_addr().context("getpeername() failed")?;
    let conn_sock = conn.local_addr().context("getsockname() failed")?;
    let conn_peer = conn.peer_addr().context("getpeername() failed")?;
    println!(
        "  client getsockname() == conn getpeername(): {} ({client_sock})",
        same(client_sock == conn_peer)
    );
    println!(
        "  client getpeername() == conn getsockname(): {} ({client_peer})",
        same(client_peer == conn_sock)
    );
    println!(
        "  accept() returned {accepted}, the same as conn getpeername(): {}",
        same(accepted == conn_peer)
    );
    // ANCHOR_END: compare
    Ok(())
}

/// Listens on `addr`, accepts one real client and shows how the server sees it.
fn show_a_real_client(addr: SocketAddr) -> Result<()> {
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    println!("connect a client, for example: cargo run -q -p peer -- connect {bound}");
    let (conn, _) = listener
        .accept()
        .with_context(|| format!("accept() on {bound} failed"))?;
    header();
    row("server's conn", conn.local_addr(), conn.peer_addr());
    row(
        "server's listener",
        listener.local_addr(),
        ip(SockRef::from(&listener).peer_addr()),
    );
    println!("  your client sees the same two addresses the other way round");
    Ok(())
}

fn header() {
    println!("  {:<26}{:<24}getpeername()", "", "getsockname()");
}

/// One socket's line of the table: its getsockname() and getpeername() answers.
fn row(socket: &str, sockname: io::Result<impl Display>, peername: io::Result<impl Display>) {
    // The space after the middle column keeps the columns apart when an answer is
    // longer than its column (on Windows, getsockname() before connect() is an error).
    println!(
        "  {socket:<26}{:<23} {}",
        answer(sockname),
        answer(peername)
    );
}

// ANCHOR: answer
/// An address, or the error in its place: Rust's kind and the OS's own code.
fn answer(result: io::Result<impl Display>) -> String {
    match result {
        Ok(addr) => addr.to_string(),
        Err(e) => {
            let name = match e.kind() {
                ErrorKind::NotConnected => format!(", {NOT_CONNECTED_NAME}"),
                _ => String::new(),
            };
            match e.raw_os_error() {
                Some(code) => format!("error {:?} (OS code {code}{name})", e.kind()),
                None => format!("error: {e}"),
            }
        }
    }
}
// ANCHOR_END: answer

/// A socket2 address as an IP address and port, for printing.
fn ip(result: io::Result<SockAddr>) -> io::Result<SocketAddr> {
    result.and_then(|addr| {
        addr.as_socket()
            .ok_or_else(|| io::Error::other("not an IP address"))
    })
}

fn same(yes: bool) -> &'static str {
    if yes { "yes" } else { "NO" }
}
