//! Exercise 11, solved: a UDP echo server that answers each sender at its own
//! address.

use std::net::{SocketAddr, UdpSocket};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// Larger than any UDP datagram (65,507 bytes of payload over IPv4, 65,527 over
/// IPv6), so recv_from never cuts one.
const MAX_DATAGRAM: usize = 65_536;

fn main() -> Result<()> {
    let addr = address_from_args()?;

    // sk = socket(AF_INET, SOCK_DGRAM); sk.bind(addr)
    let sk = UdpSocket::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    let bound = sk.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    let mut buffer = vec![0u8; MAX_DATAGRAM];
    loop {
        // data, peer = sk.recvfrom(65536): one whole datagram, and who sent it.
        let (n, peer) = sk
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom on {bound} failed"))?;
        let reply = buffer[..n].to_ascii_uppercase();
        // sk.sendto(data.upper(), peer): one reply, to that sender.
        // A reply that cannot be sent is that sender's problem, not everybody's.
        if let Err(error) = sk.send_to(&reply, peer) {
            eprintln!("sendto({peer}) failed: {error}");
            continue;
        }
        println!(
            "{peer}: {n} bytes b\"{}\" -> b\"{}\"",
            buffer[..n].escape_ascii(),
            reply.escape_ascii()
        );
    }
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: solution-udp-datagrams [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
