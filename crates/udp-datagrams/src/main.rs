//! Python's `sendto` and `recvfrom`: UDP, where every send is one datagram.
//!
//! Run it:  cargo run -p udp-datagrams                      the demo, on loopback, by itself
//!          cargo run -p udp-datagrams -- server [ADDR]     an upper-casing echo server
//!          cargo run -p udp-datagrams -- client [ADDR]     sends each line of stdin to ADDR
//!
//! ADDR defaults to 127.0.0.1:9999, the first article's address (a UDP port is not a
//! TCP port: the two may be in use at once). With no arguments it shows, in well
//! under a second:
//!   1. each sendto is one datagram, and each recvfrom returns exactly one;
//!   2. recvfrom says who sent the datagram, so a server can answer each sender;
//!   3. a datagram larger than the buffer is cut, and the rest is lost;
//!   4. a closed port: a connected UDP socket hears about it, an unconnected one
//!      does not.

use std::io::{BufRead, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const USAGE: &str = "usage: udp-datagrams [server [ADDR] | client [ADDR]]";
/// A buffer no UDP datagram can overflow: the largest payload is 65,507 bytes over
/// IPv4 and 65,527 over IPv6.
const MAX_DATAGRAM: usize = 65_536;
/// How long the client waits for each reply: UDP may lose a datagram, and nobody
/// sends it again.
const REPLY_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the demo waits for an answer that will not come, in part 4.
const DEMO_TIMEOUT: Duration = Duration::from_millis(300);

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => demo(),
        ["server"] => server(parse_addr(DEFAULT_ADDR)?),
        ["server", addr] => server(parse_addr(addr)?),
        ["client"] => client(parse_addr(DEFAULT_ADDR)?),
        ["client", addr] => client(parse_addr(addr)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn demo() -> Result<()> {
    boundaries()?;
    who_sent_it()?;
    cut_by_a_small_buffer()?;
    closed_port()
}

/// Part 1: three datagrams out, three datagrams in, and an empty one.
fn boundaries() -> Result<()> {
    println!("1. Each sendto is one datagram, and each recvfrom returns one");
    let (a, a_addr) = bind_loopback("a")?;
    let (b, b_addr) = bind_loopback("b")?;
    println!("   a is {a_addr}, b is {b_addr} (each bound to port 0, so the kernel chose)");

    // ANCHOR: boundaries
    // a.sendto(data, b_addr): no connection, no handshake. Each call hands the
    // kernel one datagram, addressed to b, and returns at once.
    let messages: [&[u8]; 4] = [b"one", b"two two", b"three three three", b""];
    for data in messages {
        let sent = a
            .send_to(data, b_addr)
            .with_context(|| format!("sendto({b_addr}) from a failed"))?;
        println!(
            "   a: sendto(b\"{}\", b) sent {sent} bytes",
            data.escape_ascii()
        );
    }
    // data, addr = b.recvfrom(1024): one datagram per call, whole, however many are
    // waiting. The kernel kept them apart; it never glues two together.
    let mut buffer = [0u8; 1024];
    for _ in messages {
        let (n, from) = b
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom(1024) on b ({b_addr}) failed"))?;
        let who = if from == a_addr { "a" } else { "someone else" };
        println!(
            "   b: recvfrom(1024) returned {n} bytes b\"{}\" from {from}, that is {who}",
            buffer[..n].escape_ascii()
        );
    }
    // ANCHOR_END: boundaries
    println!(
        "   (0 bytes is an empty datagram, a message of its own. From a TCP socket,\n    \
         recv returns 0 bytes only at the end of the stream.)"
    );
    Ok(())
}

/// Part 2: two senders, one receiver that answers each at the address recvfrom gave.
fn who_sent_it() -> Result<()> {
    println!("2. recvfrom says who sent it, so the receiver can answer");
    let (a, a_addr) = bind_loopback("a")?;
    let (c, c_addr) = bind_loopback("c")?;
    let (b, b_addr) = bind_loopback("b")?;
    println!("   a is {a_addr}, c is {c_addr}");
    for (sender, name) in [(&a, "a"), (&c, "c")] {
        let data = format!("hello from {name}");
        sender
            .send_to(data.as_bytes(), b_addr)
            .with_context(|| format!("sendto({b_addr}) from {name} failed"))?;
        println!("   {name}: sendto(b\"{data}\", b)");
    }

    // ANCHOR: answer
    let mut buffer = [0u8; MAX_DATAGRAM];
    for _ in 0..2 {
        // data, addr = b.recvfrom(65536)
        let (n, from) = b
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom on b ({b_addr}) failed"))?;
        let reply = buffer[..n].to_ascii_uppercase();
        // b.sendto(data.upper(), addr): the reply goes to whoever sent this one.
        b.send_to(&reply, from)
            .with_context(|| format!("sendto({from}) from b failed"))?;
        println!(
            "   b: recvfrom returned b\"{}\" from {from}; sendto(b\"{}\", {from})",
            buffer[..n].escape_ascii(),
            reply.escape_ascii()
        );
    }
    // ANCHOR_END: answer
    for (sender, name) in [(&a, "a"), (&c, "c")] {
        let (n, from) = sender
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom on {name} failed"))?;
        let who = if from == b_addr { "b" } else { "someone else" };
        println!(
            "   {name}: recvfrom returned b\"{}\" from {who}",
            buffer[..n].escape_ascii()
        );
    }
    Ok(())
}

/// Part 3: a datagram that does not fit the buffer.
fn cut_by_a_small_buffer() -> Result<()> {
    println!("3. A datagram larger than the buffer is cut");
    let (a, _) = bind_loopback("a")?;
    let (b, b_addr) = bind_loopback("b")?;
    for data in [&b"abcdefghijklmnopqrstuvwxyz"[..], b"next"] {
        a.send_to(data, b_addr)
            .with_context(|| format!("sendto({b_addr}) from a failed"))?;
        println!(
            "   a: sendto(b\"{}\", b), {} bytes",
            data.escape_ascii(),
            data.len()
        );
    }

    // ANCHOR: cut
    // b.recvfrom(10), twice. The first datagram is 26 bytes: the kernel copies the
    // first 10 and throws the other 16 away. The next call gets the next datagram.
    let mut small = [0u8; 10];
    for _ in 0..2 {
        match b.recv_from(&mut small) {
            Ok((n, _)) => println!(
                "   b: recvfrom(10) returned {n} bytes: b\"{}\"",
                small[..n].escape_ascii()
            ),
            // Windows fills the buffer too, but says so with an error, WSAEMSGSIZE.
            Err(error) if error.raw_os_error() == Some(10040) => println!(
                "   b: recvfrom(10) failed with WSAEMSGSIZE (10040): the datagram was cut \
                 to b\"{}\"",
                small.escape_ascii()
            ),
            Err(error) => return Err(error).context(format!("recvfrom(10) on {b_addr} failed")),
        }
    }
    // ANCHOR_END: cut
    // Linux said nothing of the cut; Windows said so with WSAEMSGSIZE, but the 16
    // letters are gone there too.
    let told = if cfg!(windows) {
        "only the error said so"
    } else {
        "nothing said so"
    };
    println!(
        "   (the other 16 letters are gone: {told}, and no later recvfrom\n    \
         returns them. Use a buffer larger than any datagram you expect.)"
    );
    Ok(())
}

/// Part 4: a port where nobody listens, seen from an unconnected and a connected
/// UDP socket.
fn closed_port() -> Result<()> {
    println!("4. Sending to a closed port");
    // ANCHOR: closed_port
    // A closed port, kept closed: `guard` is bound to it, so no other program can be
    // given it, and connected to itself, so the kernel delivers it nothing but
    // datagrams from its own address. Every other datagram to that port finds no
    // socket to take it, and the kernel answers with ICMP "port unreachable".
    let (guard, closed) = bind_loopback("guard")?;
    guard
        .connect(closed)
        .with_context(|| format!("connect({closed}) of the guard socket failed"))?;

    // An unconnected socket: sendto succeeds, and the ICMP error that comes back is
    // not reported to it. recvfrom just waits, here until its timeout.
    let (loose, _) = bind_loopback("unconnected")?;
    loose
        .send_to(b"anyone there?", closed)
        .with_context(|| format!("sendto({closed}) failed"))?;
    println!("   unconnected: sendto(b\"anyone there?\", {closed}) succeeded");
    loose
        .set_read_timeout(Some(DEMO_TIMEOUT))
        .context("settimeout failed")?;
    let mut buffer = [0u8; 1024];
    let start = Instant::now();
    report(
        "   unconnected: recvfrom(1024)",
        loose.recv_from(&mut buffer).map(|(n, _)| n),
        start,
    );

    // A connected UDP socket: connect() sends nothing, it only fixes the peer. Now
    // the kernel passes the ICMP error on, and the next call fails with it.
    let (sk, _) = bind_loopback("connected")?;
    sk.connect(closed)
        .with_context(|| format!("connect({closed}) failed"))?;
    sk.send(b"anyone there?")
        .with_context(|| format!("send to {closed} failed"))?;
    println!("   connected:   connect({closed}), then send(b\"anyone there?\") succeeded");
    sk.set_read_timeout(Some(DEMO_TIMEOUT))
        .context("settimeout failed")?;
    let start = Instant::now();
    report("   connected:   recv(1024)", sk.recv(&mut buffer), start);
    // ANCHOR_END: closed_port
    Ok(())
}

/// Prints how a read in part 4 ended.
fn report(call: &str, result: std::io::Result<usize>, start: Instant) {
    match result {
        Ok(n) => println!("{call} returned {n} bytes, from a closed port?"),
        Err(error) if is_timeout(&error) => println!(
            "{call} gave up after {:.1?}: no reply, and no error either",
            start.elapsed()
        ),
        Err(error) => println!(
            "{call} failed after {:.1?}: {error} (kind {:?}, OS code {})",
            start.elapsed(),
            error.kind(),
            os_code(&error)
        ),
    }
}

/// `udp-datagrams server [ADDR]`: answers each datagram, upper-cased, to its sender.
fn server(addr: SocketAddr) -> Result<()> {
    // ANCHOR: server
    // sk = socket.socket(AF_INET, SOCK_DGRAM); sk.bind(addr). No listen(), no
    // accept(): one socket receives from everybody.
    let sk = UdpSocket::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = sk.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    let mut buffer = vec![0u8; MAX_DATAGRAM];
    loop {
        // data, addr = sk.recvfrom(65536)
        let (n, peer) = match sk.recv_from(&mut buffer) {
            Ok(received) => received,
            // Windows reports an ICMP "port unreachable", caused by an earlier reply
            // to a client that has gone, on the next recvfrom. It is about that old
            // client, not about this socket: go on.
            Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                eprintln!("recvfrom on {bound}: {error} (an earlier client has gone)");
                continue;
            }
            Err(error) => return Err(error).context(format!("recvfrom on {bound} failed")),
        };
        let data = &buffer[..n];
        // Like Python's bytes.upper(): only ASCII letters change, so any bytes will do.
        let reply = data.to_ascii_uppercase();
        println!("{peer}: {} -> {}", show(data), show(&reply));
        // sk.sendto(data.upper(), addr): back to the sender, at its own address.
        if let Err(error) = sk.send_to(&reply, peer) {
            eprintln!("sendto({peer}) failed: {error}");
        }
    }
    // ANCHOR_END: server
}

/// `udp-datagrams client [ADDR]`: each line of stdin is one datagram; prints each
/// reply, or says that none came.
fn client(addr: SocketAddr) -> Result<()> {
    // ANCHOR: client
    // sk = socket.socket(AF_INET, SOCK_DGRAM). Binding to port 0 of "any address"
    // is what Python's first sendto does by itself.
    let any: SocketAddr = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    }
    .parse()?;
    let sk = UdpSocket::bind(any).with_context(|| format!("bind({any}) failed"))?;
    // sk.settimeout(1.0): a reply may never come.
    sk.set_read_timeout(Some(REPLY_TIMEOUT))
        .context("settimeout failed")?;

    let mut buffer = vec![0u8; MAX_DATAGRAM];
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin failed")?;
        // sk.sendto(line.encode(), addr)
        sk.send_to(line.as_bytes(), addr)
            .with_context(|| format!("sendto({addr}) failed"))?;
        if let Some(n) = wait_for_reply(&sk, addr, &mut buffer)? {
            match utf8_text::decode(&buffer[..n]) {
                Ok(text) => println!("reply from {addr}: {text:?}"),
                Err(error) => println!("reply from {addr}: {error:#}"),
            }
        }
    }
    // ANCHOR_END: client
    Ok(())
}

// ANCHOR: wait_for_reply
/// The size of the reply from `addr`, or `None` when none came (after saying so).
fn wait_for_reply(sk: &UdpSocket, addr: SocketAddr, buffer: &mut [u8]) -> Result<Option<usize>> {
    loop {
        // data, server = sk.recvfrom(65536). An unconnected socket takes datagrams
        // from anybody, so check who sent this one.
        match sk.recv_from(buffer) {
            Ok((n, from)) if from == addr => return Ok(Some(n)),
            Ok((_, from)) => println!("ignored a datagram from {from}, which is not {addr}"),
            Err(error) if is_timeout(&error) => {
                println!(
                    "no reply from {addr} within {REPLY_TIMEOUT:?}: the datagram or its reply \
                     was lost, or nobody is there (UDP cannot tell which)"
                );
                return Ok(None);
            }
            // Windows: an ICMP "port unreachable" for this or an earlier datagram.
            Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                println!("{addr} is not there: {error}");
                return Ok(None);
            }
            Err(error) => return Err(error).context(format!("recvfrom from {addr} failed")),
        }
    }
}
// ANCHOR_END: wait_for_reply

/// Some bytes, as quoted text when they are UTF-8 and as escaped bytes when not.
fn show(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format!("b\"{}\" (not UTF-8)", data.escape_ascii()),
    }
}

/// A UDP socket on 127.0.0.1, on a port the kernel chooses, and that port.
fn bind_loopback(name: &str) -> Result<(UdpSocket, SocketAddr)> {
    let sk = UdpSocket::bind("127.0.0.1:0")
        .with_context(|| format!("bind(127.0.0.1:0) for {name} failed"))?;
    let addr = sk
        .local_addr()
        .with_context(|| format!("getsockname() of {name} failed"))?;
    Ok((sk, addr))
}

/// Whether a read failed because its timeout ran out: WouldBlock on Unix (EAGAIN),
/// TimedOut on Windows.
fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// The OS error number behind `error`, or `none` when Rust made the error itself.
fn os_code(error: &std::io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(|| "none".to_string(), |code| code.to_string())
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, DEFAULT_ADDR))
}
