//! Python's `send` and `sendall`: one call that sends what fits, and a loop that
//! sends everything.
//!
//! Run it:  cargo run -p send-sendall [ADDR [BYTES]]
//!
//! With no arguments it shows, on loopback and by itself, in about a second:
//!   1. `send` (Rust's `write`) on a non-blocking socket taking fewer bytes than
//!      asked, because the peer does not read, and then none at all (WouldBlock);
//!   2. `sendall` (Rust's `write_all`) sending a big message to a peer that reads
//!      slowly, and how many `write` calls that took: on a blocking socket, and on
//!      one with a write timeout;
//!   3. a peer that hangs up in the middle: the send fails with a clear error
//!      (ECONNRESET, then EPIPE), and the program lives on.
//!
//! With ADDR it connects to that server and sends it BYTES bytes (1 MiB when not
//! given) with `sendall`, then says how many `write` calls that took.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use socket2::{Domain, Socket, Type};

/// Part 1's message: more than the kernel buffers of one connection hold.
const BIG: usize = 16 << 20;
/// Part 2's message.
const MEDIUM: usize = 8 << 20;
/// Part 2's send buffer (SO_SNDBUF), small so that the message needs many of them.
const SMALL_SNDBUF: usize = 128 << 10;
/// How much the slow peer of part 2 reads at a time, and how long it rests after
/// each read: at most 32 KiB a millisecond.
const PIECE: usize = 32 << 10;
const REST: Duration = Duration::from_millis(1);
/// How much the peer of part 3 reads before it hangs up.
const BEFORE_HANGING_UP: usize = 64 << 10;
/// The write timeout of part 2, Python's `sk.settimeout(0.1)`.
const DEMO_TIMEOUT: Duration = Duration::from_millis(100);
/// A safety net for part 3: if the peer's hang-up never reached us, give up.
const SAFETY_NET: Duration = Duration::from_secs(3);
/// The peer's receive buffer (SO_RCVBUF); Linux doubles it for its bookkeeping.
const PEER_RCVBUF: usize = 128 << 10;
const DEFAULT_BYTES: usize = 1 << 20;
/// The most BYTES may be: the message is built in memory first, so a number from
/// the command line must not be able to ask for more than a laptop has.
const MAX_BYTES: usize = 1 << 30;
const USAGE: &str =
    "usage: send-sendall [ADDR [BYTES]], for example: send-sendall 127.0.0.1:9999 1048576";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: program-support prints the usage.
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => {
            send_takes_what_fits()?;
            sendall_loops()?;
            peer_hangs_up()
        }
        [addr] => send_to(parse_addr(addr)?, DEFAULT_BYTES),
        [addr, bytes] => send_to(parse_addr(addr)?, parse_bytes(bytes)?),
        _ => program_support::usage_error("too many arguments"),
    }
}

/// Part 1: one `send` on a non-blocking socket, to a peer that does not read.
fn send_takes_what_fits() -> Result<()> {
    println!("1. send() takes what fits, and says how much");
    let (mut sk, _idle_peer, addr) = connected_pair(None)?;
    let data = message(BIG);

    // ANCHOR: send
    // sk.setblocking(False); n = sk.send(data)
    sk.set_nonblocking(true)
        .context("set_nonblocking(true) failed")?;
    let n = sk
        .write(&data)
        .with_context(|| format!("send to {addr} failed"))?;
    println!(
        "   send({} bytes) returned {n}: the kernel took what fitted in its buffers",
        data.len()
    );
    // Python's send again, on what is left, until the kernel has no room at all.
    let mut sent = n;
    let mut more_calls = 0;
    let full = loop {
        match sk.write(&data[sent..]) {
            Ok(n) => {
                sent += n;
                more_calls += 1;
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => break error,
            Err(error) => return Err(error).with_context(|| format!("send to {addr} failed")),
        }
    };
    println!(
        "   send() the rest: kind WouldBlock, OS code {}: no room left (after {more_calls} \
         more calls took {} bytes)",
        os_code(&full),
        sent - n
    );
    println!(
        "   {sent} bytes sent, {} still to send: keeping count is the caller's job",
        data.len() - sent
    );
    // ANCHOR_END: send
    Ok(())
}

// ANCHOR: counted
/// A socket that counts the `write` calls made on it: `write_all` calls `write`
/// until everything is sent, and this shows how many times that took.
struct Counted<'a> {
    socket: &'a TcpStream,
    calls: usize,
}

impl Write for Counted<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        let mut socket = self.socket;
        socket.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
// ANCHOR_END: counted

/// Part 2: `sendall` to a slow reader, blocking and with a write timeout.
fn sendall_loops() -> Result<()> {
    println!("2. sendall() is send() in a loop: write_all()");
    let data = message(MEDIUM);
    for timeout in [None, Some(DEMO_TIMEOUT)] {
        let (sk, peer, addr) = connected_pair(Some(SMALL_SNDBUF))?;
        let reader = read_slowly(peer);

        // ANCHOR: sendall
        // sk.settimeout(None or 0.1); sk.sendall(data)
        sk.set_write_timeout(timeout)
            .context("set_write_timeout failed")?;
        let mut counted = Counted {
            socket: &sk,
            calls: 0,
        };
        let sent = counted.write_all(&data);
        // ANCHOR_END: sendall
        let calls = counted.calls;
        drop(sk); // sk.close(): the reader sees the end of the stream
        let (received, in_order) = reader
            .join()
            .map_err(|_| anyhow!("the reader's thread panicked"))?
            .context("the slow reader's recv failed")?;
        if cfg!(windows) && timeout.is_some() {
            if let Err(error) = &sent {
                // Windows does not return a short count when SO_SNDTIMEO runs out: the
                // send fails with WSAETIMEDOUT, and Microsoft's documentation calls the
                // socket's state indeterminate after that, so nothing more may be sent.
                println!(
                    "   {:<28} write_all failed after {calls} write calls: {} (OS code {}); \
                     on Windows a timed-out send leaves the socket unusable",
                    format!("a {:?} write timeout:", DEMO_TIMEOUT),
                    error.kind(),
                    os_code(error)
                );
                continue;
            }
        }
        sent.with_context(|| format!("sendall of {} bytes to {addr} failed", data.len()))?;
        let how = match timeout {
            None => "blocking, no timeout:".to_string(),
            Some(timeout) => format!("a {timeout:?} write timeout:"),
        };
        println!(
            "   {how:<28} write_all({} bytes) took {calls} write calls",
            data.len()
        );
        println!(
            "   {:<28} the peer read {received} bytes, {}",
            "",
            if in_order {
                "every one in order"
            } else {
                "NOT in order"
            }
        );
    }
    if cfg!(windows) {
        println!(
            "   (blocking, one write waits until the kernel has taken every byte; with a\n    \
             timeout, Windows fails the write when its time is up instead of saying how\n    \
             much it sent)"
        );
    } else {
        println!(
            "   (blocking, one write waits until the kernel has taken every byte; with a\n    \
             timeout, each write returns what it sent when its time is up, and write_all\n    \
             calls it again for the rest)"
        );
    }
    Ok(())
}

/// Part 3: the peer reads a little, then hangs up while we are still sending.
fn peer_hangs_up() -> Result<()> {
    println!("3. A peer that hangs up in the middle");
    let (mut sk, mut peer, _addr) = connected_pair(None)?;
    let quitter = thread::spawn(move || -> io::Result<()> {
        let mut piece = vec![0u8; BEFORE_HANGING_UP];
        peer.read_exact(&mut piece)?;
        // Wait until more has arrived, so that the close finds unread data: then
        // the kernel answers with a reset (RST) rather than a polite FIN.
        peer.peek(&mut [0u8; 1])?;
        drop(peer); // conn.close(), with bytes left unread
        Ok(())
    });
    sk.set_write_timeout(Some(SAFETY_NET))
        .context("set_write_timeout failed")?;
    let data = message(BIG);

    // ANCHOR: hang_up
    // sk.sendall(data), and the peer closes after reading 64 KiB of it
    match sk.write_all(&data) {
        Ok(()) => println!("   sendall() sent everything, although the peer hung up?"),
        Err(error) => println!(
            "   sendall() failed: kind {:?}, OS code {}: {error}",
            error.kind(),
            os_code(&error)
        ),
    }
    // sk.send(b"more"): the connection is gone for good
    match sk.write(b"more") {
        Ok(n) => println!("   send() again sent {n} bytes?"),
        Err(error) => println!(
            "   send() again:   kind {:?}, OS code {}: {error}",
            error.kind(),
            os_code(&error)
        ),
    }
    if cfg!(windows) {
        println!(
            "   ...and this program is still running: Windows has no SIGPIPE, so a send to\n   \
             a closed connection is always an error to handle"
        );
    } else {
        println!(
            "   ...and this program is still running: Rust ignores SIGPIPE, so a send to a\n   \
             closed connection is an error to handle, not a signal that kills the process"
        );
    }
    // ANCHOR_END: hang_up
    quitter
        .join()
        .map_err(|_| anyhow!("the quitting peer's thread panicked"))?
        .context("the quitting peer's recv failed")?;
    Ok(())
}

/// With ADDR: `sendall` BYTES bytes to that server.
fn send_to(addr: SocketAddr, bytes: usize) -> Result<()> {
    let sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    let data = message(bytes);
    let mut counted = Counted {
        socket: &sk,
        calls: 0,
    };
    counted.write_all(&data).with_context(|| {
        format!(
            "sendall of {bytes} bytes to {addr} failed, after {} write calls",
            counted.calls
        )
    })?;
    println!(
        "sendall: sent {bytes} bytes to {addr} in {} write calls",
        counted.calls
    );
    Ok(())
}

/// The peer of part 2: reads `PIECE` bytes at a time, resting after each, until
/// the end of the stream. Returns how many bytes came and whether they came in
/// order (the `message` pattern).
fn read_slowly(mut peer: TcpStream) -> JoinHandle<io::Result<(usize, bool)>> {
    thread::spawn(move || {
        let mut piece = vec![0u8; PIECE];
        // What any piece should be, starting at an offset below 251.
        let expected = message(251 + PIECE);
        let mut received = 0;
        let mut in_order = true;
        loop {
            let n = peer.read(&mut piece)?;
            if n == 0 {
                return Ok((received, in_order));
            }
            let start = received % 251;
            in_order &= piece[..n] == expected[start..start + n];
            received += n;
            // The slowness is the point: a peer busy with other things.
            thread::sleep(REST);
        }
    })
}

/// `len` bytes that say where they belong: byte i is `i % 251`.
fn message(len: usize) -> Vec<u8> {
    let mut data = pattern().repeat(len / 251 + 1);
    data.truncate(len);
    data
}

/// The 251 bytes `message` repeats: 0, 1, ..., 250. (251 is prime, so the
/// pattern does not line up with any buffer size.)
fn pattern() -> Vec<u8> {
    (0..251).collect()
}

/// A connected pair on loopback: our socket, the peer's, and the peer's address.
///
/// The peer gets a small receive buffer (SO_RCVBUF), as a busy server might: left
/// to itself, Linux grows it to megabytes, and a receiver with a big buffer lets
/// its sender go on in big, irregular bursts (it announces free room only once
/// half of the buffer is free). `sndbuf` sets our send buffer (SO_SNDBUF) too,
/// instead of letting Linux size it (up to 4 MiB).
fn connected_pair(sndbuf: Option<usize>) -> Result<(TcpStream, TcpStream, SocketAddr)> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    socket
        .set_recv_buffer_size(PEER_RCVBUF)
        .context("setsockopt(SO_RCVBUF) failed")?;
    let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
    socket
        .bind(&any_port.into())
        .context("bind(127.0.0.1:0) failed")?;
    socket.listen(1).context("listen(1) failed")?;
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr().context("getsockname() failed")?;

    let sk = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket() failed")?;
    if let Some(size) = sndbuf {
        sk.set_send_buffer_size(size)
            .context("setsockopt(SO_SNDBUF) failed")?;
    }
    sk.connect(&addr.into())
        .with_context(|| format!("connect({addr}) failed"))?;
    let (peer, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    Ok((sk.into(), peer, addr))
}

/// The OS error number behind `error`, or `none` when Rust made the error itself.
fn os_code(error: &io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(|| "none".to_string(), |code| code.to_string())
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

fn parse_bytes(text: &str) -> Result<usize> {
    Ok(program_support::parse_number("BYTES", text, 1..=MAX_BYTES))
}
