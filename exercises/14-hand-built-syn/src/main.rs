//! Exercise 14: a TCP SYN built by hand, sent with IP_HDRINCL.
//!
//! Run it:  cargo run -p exercise-hand-built-syn [-- checksum HEX | syn SRC DST SEQ]
//!
//! * `checksum HEX`: prints the Internet checksum of the bytes HEX, as 4 hex digits;
//! * `syn SRC DST SEQ`: prints the 40 bytes of your IPv4 header + TCP SYN, in hex;
//! * no arguments: enters a private network namespace, listens on its loopback,
//!   sends your SYN there through a raw socket and says what came back.
//!
//! Your part is the three functions at the top. The rest is given.

use std::net::{Ipv4Addr, SocketAddrV4};

/// The Internet checksum (RFC 1071) of `data`.
fn checksum(data: &[u8]) -> u16 {
    // TODO 1: the Internet checksum (RFC 1071). Add `data` up as big-endian 16-bit
    // words in a u32 (an odd last byte is the high half of a word whose low half is
    // 0), fold every carry above bit 15 back into the low 16 bits until none is
    // left, and return the sum inverted (`!`).
    let _ = data;
    todo!("the Internet checksum of data (TODO 1)")
}

/// A 20-byte IPv4 header for a TCP segment of `tcp_len` bytes.
fn ipv4_header(src: Ipv4Addr, dst: Ipv4Addr, tcp_len: usize) -> [u8; 20] {
    // TODO 2: version 4 and IHL 5 (one byte: 0x45), the total length (header and
    // TCP, big-endian, bytes 2..4), a time to live (byte 8), protocol 6 (TCP, byte 9),
    // the addresses (bytes 12..16 and 16..20); then the checksum of the header, computed
    // while its own field (10..12) is still 0, written there big-endian.
    let _ = (src, dst, tcp_len);
    todo!("the 20-byte IPv4 header (TODO 2)")
}

/// A 20-byte TCP header with only SYN set, sequence number `seq`, and its checksum.
fn tcp_syn(src: SocketAddrV4, dst: SocketAddrV4, seq: u32) -> [u8; 20] {
    // TODO 3: source and destination port (bytes 0..2, 2..4), `seq` (4..8), all
    // big-endian; the acknowledgement stays 0; data offset 5 words in the high half
    // of byte 12; only SYN (0x02) in byte 13; a window (14..16) that is not 0. The
    // checksum (16..18) covers a pseudo-header first: source address, destination
    // address, a zero byte, protocol 6, the TCP length (20) as two bytes; then the
    // TCP header itself, its checksum field still 0.
    let _ = (src, dst, seq);
    todo!("the 20-byte TCP SYN (TODO 3)")
}

// ---- Given: the program around your three functions. ----

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: hand-built-syn [checksum HEX | syn SRC DST SEQ]";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["-h" | "--help"] => println!("{USAGE}"),
        ["checksum", hex] => println!("{:04x}", checksum(&parse_hex(hex)?)),
        ["syn", src, dst, seq] => {
            let (src, dst) = (parse_addr(src)?, parse_addr(dst)?);
            let seq: u32 = seq
                .parse()
                .with_context(|| format!("bad SEQ {seq:?}\n{USAGE}"))?;
            let tcp = tcp_syn(src, dst, seq);
            let ip = ipv4_header(*src.ip(), *dst.ip(), tcp.len());
            let hex: Vec<String> = ip.iter().chain(&tcp).map(|b| format!("{b:02x}")).collect();
            println!("{}", hex.join(""));
        }
        [] => send_for_real()?,
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
    Ok(())
}

fn parse_hex(hex: &str) -> Result<Vec<u8>> {
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("bad HEX {hex:?}: an even number of hexadecimal digits\n{USAGE}");
    }
    Ok((0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect())
}

fn parse_addr(text: &str) -> Result<SocketAddrV4> {
    text.parse()
        .with_context(|| format!("bad address {text:?} (IPv4 ADDR:PORT)\n{USAGE}"))
}

#[cfg(not(target_os = "linux"))]
fn send_for_real() -> Result<()> {
    println!("hand-built-syn: {}", packet_trace::LINUX_ONLY);
    Ok(())
}

/// Sends your SYN to a listener in a private namespace and reports the answers.
#[cfg(target_os = "linux")]
fn send_for_real() -> Result<()> {
    use packet_trace::wire::{self, ACK, RST, SYN};
    use socket2::Protocol;
    use std::io::{ErrorKind, Read};
    use std::net::{SocketAddr, TcpListener};
    use std::time::{Duration, Instant};

    packet_trace::enter()?;
    let listener = TcpListener::bind("127.0.0.1:0").context("bind 127.0.0.1:0")?;
    let SocketAddr::V4(server) = listener.local_addr()? else {
        bail!("not IPv4")
    };
    println!("listening on {server}");
    let us = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 40000);
    let seq = 1_000_000;
    let raw = || packet_trace::raw_socket(Protocol::TCP);
    let watch = raw().context("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)")?;
    watch.set_read_timeout(Some(Duration::from_millis(100)))?;
    let send = raw().context("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)")?;
    packet_trace::set_header_included(&send).context("setsockopt(IP_HDRINCL)")?;
    let tcp = tcp_syn(us, server, seq);
    let packet = [
        &ipv4_header(*us.ip(), *server.ip(), tcp.len())[..],
        &tcp[..],
    ]
    .concat();
    send.send_to(&packet, &SocketAddr::V4(server).into())
        .context("sendto (your IPv4 header + SYN)")?;
    println!("sent your SYN from {us} to {server}, seq={seq}");
    let started = Instant::now();
    let (mut answered, mut reset) = (false, false);
    let mut buffer = [0u8; 65536];
    while !(answered && reset) && started.elapsed() < Duration::from_secs(1) {
        let len = match (&watch).read(&mut buffer) {
            Ok(len) => len,
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e).context("recvfrom (raw TCP socket)"),
        };
        let Some(t) = wire::parse_ipv4(&buffer[..len]).and_then(|ip| wire::parse_tcp(ip.payload))
        else {
            continue;
        };
        if (t.src_port, t.dst_port) == (server.port(), us.port()) && t.flags == SYN | ACK {
            println!("got SYN/ACK from {server}: ack={} (your seq + 1)", t.ack);
            answered = t.ack == seq + 1;
        } else if (t.src_port, t.dst_port) == (us.port(), server.port()) && t.flags & RST != 0 {
            println!("the kernel sent RST from {us}: no socket of ours asked for it");
            reset = true;
        }
    }
    if !answered {
        println!(
            "no SYN/ACK within 1 s: the kernel dropped your packet without a word. \
             A wrong checksum, length or address is dropped silently."
        );
    }
    Ok(())
}
