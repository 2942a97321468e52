//! Wrong: treats whatever recv(16, MSG_WAITALL) returned as a whole record
//! Caught by: a_record_cut_short_by_close_is_reported
//!
//! MSG_WAITALL still returns less when the peer closes, a timeout runs out or a
//! signal comes. The lesson: check the count, every time.

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
        let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
        let tcp_addr = listener.local_addr().context("getsockname() failed")?;
        let any_port = SocketAddr::new(tcp_addr.ip(), 0);
        let udp = UdpSocket::bind(any_port)
            .with_context(|| format!("bind({any_port}) for UDP failed"))?;
        let udp_addr = udp.local_addr().context("getsockname() failed")?;
        println!("listening on {tcp_addr}");
        println!("udp on {udp_addr}");

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

        // Peek at four bytes, waiting for all four (or the end, or the timeout),
        // and leave them where they are.
        let mut first = [0u8; 4];
        let n = match recv(&sk, &mut first, MSG_PEEK | MSG_WAITALL) {
            Ok(n) => n,
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                return Ok("said nothing, timed out".into());
            }
            Err(error) => return Err(error).context("recv(4, MSG_PEEK | MSG_WAITALL) failed"),
        };
        if &first[..n] == b"GET " {
            (&sk).write_all(NOT_HTTP).context("send failed")?;
            return Ok("spoke HTTP, turned away".into());
        }

        let mut records = 0;
        loop {
            let mut record = [0u8; RECORD];
            let n = match recv(&sk, &mut record, MSG_WAITALL) {
                Ok(n) => n,
                Err(error) if error.kind() == ErrorKind::WouldBlock => {
                    return Ok(format!("{records} records, then timed out"));
                }
                Err(error) => return Err(error).context("recv(16, MSG_WAITALL) failed"),
            };
            if n == 0 {
                return Ok(format!("{records} records, then closed"));
            }
            // n bytes came: that is the record.
            (&sk)
                .write_all(&record[..n].to_ascii_uppercase())
                .context("send failed")?;
            records += 1;
        }
    }

    fn answer_datagrams(udp: &Socket) -> Result<()> {
        loop {
            let mut record = [0u8; RECORD];
            // With MSG_TRUNC, n is the datagram's true length, even when it is
            // longer than the 16 bytes copied.
            let (n, peer) =
                recv_from(udp, &mut record, MSG_TRUNC).context("recvfrom(16, MSG_TRUNC) failed")?;
            let reply = if n > RECORD {
                format!("too long: {n} bytes, a record is {RECORD}\n").into_bytes()
            } else if n < RECORD {
                format!("short record: {n} of {RECORD} bytes\n").into_bytes()
            } else {
                record.to_ascii_uppercase()
            };
            if let Err(error) = udp.send_to(&reply, &peer) {
                eprintln!("sendto failed: {error}");
            }
        }
    }

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
