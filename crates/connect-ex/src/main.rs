//! Python's `connect_ex`: connect, and get the error as a number instead of an
//! exception.
//!
//! Run it:  cargo run -p connect-ex [ADDR...]
//!
//! For each ADDR (such as 127.0.0.1:9999) it prints one line: the address, the
//! number Python's `sock.connect_ex(ADDR)` would return there (0 when the connection
//! is made, otherwise the OS error number), the number's symbolic name and the
//! system's message for it. With no ADDR it tries two loopback ports of its own: one
//! with a listener behind it, and one without.
//!
//! Like Python's `connect_ex` on a socket without a timeout, each connect waits as
//! long as the kernel does: an address whose packets vanish takes the kernel's own
//! retries (about two minutes on Linux) before it ends in ETIMEDOUT. The timeouts
//! chapter shows how to wait less.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result};
use connect_ex::errno_name;
use socket2::{Domain, Socket, Type};

const USAGE: &str =
    "usage: connect-ex [ADDR...]   (no ADDR: the demo, one open port and one closed)";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    // Keep the demo's two sockets alive until every address has been tried.
    let (addrs, _demo_sockets) = if args.is_empty() {
        let (open, closed, sockets) = demo_ports()?;
        println!(
            "no ADDR given: trying {open}, where this program listens, and {closed}, where nothing does"
        );
        (vec![open, closed], Some(sockets))
    } else {
        (parse_addresses(&args)?, None)
    };
    for addr in addrs {
        report(addr, connect_ex(addr));
    }
    Ok(())
}

// ANCHOR: connect_ex
/// Python's `sock.connect_ex(addr)` on a new blocking socket: 0 when the connection
/// is made (and then closed again here), otherwise the number the OS gave for the
/// failure. An error that carries no OS number is returned as an error, as Python
/// would raise it.
fn connect_ex(addr: SocketAddr) -> io::Result<i32> {
    match TcpStream::connect(addr) {
        // The stream is dropped at once, which closes the connection.
        Ok(_stream) => Ok(0),
        Err(error) => match error.raw_os_error() {
            // std keeps the number the system call failed with: errno on Unix,
            // WSAGetLastError() on Windows.
            Some(code) => Ok(code),
            None => Err(error),
        },
    }
}
// ANCHOR_END: connect_ex

// ANCHOR: report
/// Prints one line for `addr`: what connect_ex returned, with the number's name,
/// the system's message and Rust's kind.
fn report(addr: SocketAddr, outcome: io::Result<i32>) {
    match outcome {
        Ok(0) => println!("{addr}  connect_ex = 0  connected"),
        Ok(code) => {
            let name = errno_name(code).unwrap_or_else(|| "(no name)".into());
            // std turns the number back into the system's message (its Display
            // adds " (os error N)", dropped here) and into Rust's portable kind.
            let error = io::Error::from_raw_os_error(code);
            let full = error.to_string();
            let message = full
                .strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&full);
            let kind = error.kind();
            println!("{addr}  connect_ex = {code}  {name}  {message}  (Rust: ErrorKind::{kind:?})");
        }
        // Python's connect_ex raises, too, when the trouble is not an OS error.
        Err(error) => println!("{addr}  connect_ex would raise: {error}"),
    }
}
// ANCHOR_END: report

/// Two loopback ports for the demo, and the sockets that hold them: an open one (a
/// listener) and a closed one: a socket bound to a port but never listening, so the
/// kernel refuses connections there, and no other program can take the port meanwhile.
fn demo_ports() -> Result<(SocketAddr, SocketAddr, (TcpListener, Socket))> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let open = listener.local_addr().context("getsockname() failed")?;
    let not_listening = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
    not_listening
        .bind(&any_port.into())
        .context("bind(127.0.0.1:0) failed")?;
    let closed = not_listening
        .local_addr()
        .context("getsockname() failed")?
        .as_socket()
        .context("getsockname() returned no IP address")?;
    Ok((open, closed, (listener, not_listening)))
}

/// Every argument as an address, or an error naming the first that is not one.
/// All are checked before the first connect.
fn parse_addresses(args: &[String]) -> Result<Vec<SocketAddr>> {
    Ok(args
        .iter()
        .map(|text| program_support::parse_addr(text, "127.0.0.1:9999"))
        .collect())
}
