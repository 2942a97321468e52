//! Exercise 12: a record server that looks before it takes.
//!
//! The server speaks a tiny protocol: a client sends records of exactly 16 bytes,
//! and gets each one back upper-cased (ASCII letters only). It answers in two ways:
//!
//! * over TCP, where a record may arrive in pieces, and a client may stop in the
//!   middle of one. A client that connects and speaks HTTP instead gets told so.
//! * over UDP, where a record is one datagram, and a datagram may be too long.
//!
//! Each part wants one flag of recv (the book's chapter "The flags of recv and send"):
//!
//! 1. Bind a TCP listener to ADDR (the first argument; 127.0.0.1:9999 when there is
//!    none) and a UDP socket to the same IP, port 0. Print `listening on ADDR` with
//!    the TCP address really bound, then `udp on ADDR` with the UDP one.
//! 2. For each TCP client, in turn: look at its first four bytes without taking them
//!    (MSG_PEEK), waiting until all four are there (MSG_WAITALL). `GET ` means an HTTP
//!    client: send it `HTTP/1.0 400 Bad Request\r\n\r\n` and a line, and close.
//!    Anything else is records, the first four bytes included.
//! 3. Read each record with recv(16, MSG_WAITALL) and send it back upper-cased. A
//!    count of 0 is the end. A count below 16 is not a record: the client closed (or
//!    went quiet for a second) in the middle of one. Send `short record: N of 16
//!    bytes\n` and close.
//! 4. For each datagram: recv with a 16-byte buffer and MSG_TRUNC, which returns the
//!    datagram's true length. Reply to the sender with the record upper-cased when it
//!    is 16 bytes, `short record: N of 16 bytes\n` when shorter, and `too long: N
//!    bytes, a record is 16\n` when longer.
//!
//! Grade it:  cd exercises/12-recv-flags && cargo test      (Linux)
//! Try it:    cargo run -p exercise-recv-flags 127.0.0.1:0, then, in another terminal,
//!            printf 'sixteen bytes ok' | python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1]))); s.sendall(sys.stdin.buffer.read()); s.shutdown(1); print(s.recv(1024))" PORT
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

use std::process::ExitCode;

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const USAGE: &str = "usage: [ADDR]   (the TCP address to serve; 127.0.0.1:9999 when not given)";

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(Some(addr)) => addr,
        Ok(None) => return ExitCode::SUCCESS,
        Err(()) => return ExitCode::from(2),
    };
    #[cfg(target_os = "linux")]
    let result = server::serve(addr);
    #[cfg(not(target_os = "linux"))]
    let result: anyhow::Result<()> = Err(anyhow::anyhow!(
        "this server uses Linux's MSG_TRUNC and MSG_PEEK | MSG_WAITALL; {addr} cannot be served here"
    ));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The optional first argument, ADDR: `Ok(None)` after `--help`, `Err` after a bad
/// argument (usage on stderr). (Given.)
fn address_from_args() -> Result<Option<std::net::SocketAddr>, ()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [help] if help == "--help" || help == "-h" => {
            println!("{USAGE}");
            return Ok(None);
        }
        [addr] => addr,
        _ => {
            eprintln!("{USAGE}");
            return Err(());
        }
    };
    text.parse().map(Some).map_err(|_| {
        eprintln!("{text:?} is not an address like {DEFAULT_ADDR}\n{USAGE}");
    })
}

#[cfg(target_os = "linux")]
mod server {
    use std::io::{ErrorKind, Write};
    use std::mem::MaybeUninit;
    use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
    use std::thread;
    use std::time::Duration;

    use anyhow::{Context, Result};
    use libc::{MSG_PEEK, MSG_TRUNC, MSG_WAITALL};
    use socket2::Socket;

    /// Every record is this long.
    const RECORD: usize = 16;
    /// How long one client may keep the server waiting for its next bytes.
    const CLIENT_TIME: Duration = Duration::from_secs(1);
    const NOT_HTTP: &[u8] =
        b"HTTP/1.0 400 Bad Request\r\n\r\nthis server speaks 16-byte records, not HTTP\n";

    pub fn serve(addr: SocketAddr) -> Result<()> {
        // TODO 1: TcpListener::bind(addr); a UdpSocket bound to the same IP with
        //         port 0; print `listening on ADDR` (the TCP socket's local_addr()),
        //         then `udp on ADDR` (the UDP one's).
        let listener: TcpListener = todo!("bind TCP and UDP, print both addresses (TODO 1)");
        let tcp_addr: SocketAddr = todo!("(TODO 1)");
        let udp: UdpSocket = todo!("(TODO 1)");

        let udp = Socket::from(udp);
        thread::spawn(move || {
            if let Err(error) = answer_datagrams(&udp) {
                eprintln!("Error: UDP: {error:#}");
            }
        });

        for conn in listener.incoming() {
            let conn = match conn {
                Ok(conn) => conn,
                Err(error) => {
                    eprintln!("accept() on {tcp_addr} failed: {error}");
                    continue;
                }
            };
            let peer = conn
                .peer_addr()
                .map_or_else(|_| "a client".to_string(), |a| a.to_string());
            match serve_client(conn) {
                Ok(how) => println!("{peer}: {how}"),
                Err(error) => println!("{peer}: {error:#}"),
            }
        }
        Ok(())
    }

    fn serve_client(conn: TcpStream) -> Result<String> {
        conn.set_read_timeout(Some(CLIENT_TIME))
            .context("settimeout failed")?;
        let sk = Socket::from(conn);

        // TODO 2: peek at the first four bytes: recv(&sk, &mut first, FLAGS), with
        //         the flags that leave them in the queue and wait for all four. A
        //         WouldBlock error is the client's second of silence running out:
        //         return Ok("said nothing, timed out".into()). If they are b"GET ",
        //         send NOT_HTTP and return. A plain peek returns what has come so
        //         far (maybe "GE"); a loop of plain peeks spins.
        let mut first = [0u8; 4];
        todo!("sniff the first four bytes without taking them (TODO 2)");

        let mut records = 0;
        loop {
            // TODO 3: recv(&sk, &mut record, FLAGS) waiting for all 16 bytes. Then:
            //         0 is the end; fewer than 16 is a short record (reply
            //         `short record: N of 16 bytes\n`, and return); 16 is a record
            //         (reply with it upper-cased). A WouldBlock error: the client
            //         said nothing more for a second; return.
            let mut record = [0u8; RECORD];
            todo!("read one record with MSG_WAITALL, and check the count (TODO 3)");
        }
    }

    fn answer_datagrams(udp: &Socket) -> Result<()> {
        loop {
            // TODO 4: let (n, peer) = recv_from(udp, &mut record, FLAGS)?, with the
            //         flag that makes n the datagram's true length. Reply with
            //         udp.send_to(&reply, &peer): upper-cased record, `short record:
            //         N of 16 bytes\n` or `too long: N bytes, a record is 16\n`.
            let mut record = [0u8; RECORD];
            todo!("answer one datagram, knowing its true length (TODO 4)");
        }
    }

    // Given: recv and recvfrom with flags, into a plain byte buffer.

    /// socket2's `recv_with_flags` into a plain byte buffer.
    fn recv(sk: &Socket, buf: &mut [u8], flags: i32) -> std::io::Result<usize> {
        sk.recv_with_flags(uninit(buf), flags)
    }

    /// socket2's `recv_from_with_flags` into a plain byte buffer.
    fn recv_from(
        sk: &Socket,
        buf: &mut [u8],
        flags: i32,
    ) -> std::io::Result<(usize, socket2::SockAddr)> {
        sk.recv_from_with_flags(uninit(buf), flags)
    }

    fn uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
        // SAFETY: same layout, and socket2's recv functions write only initialised
        // bytes (see `Socket::recv`'s documentation).
        unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
    }
}
