//! Wrong: sizes the buffer at 65,507 bytes, the largest UDP payload over IPv4
//! Caught by: answers_on_ipv6_even_the_largest_datagram
//!
//! Over IPv6 the header is not counted in the packet length, so a datagram may
//! carry 65,527 bytes, and the last 20 are cut off. The chapter: 65,536 bytes
//! holds a datagram of either family.

use std::net::{SocketAddr, UdpSocket};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// The largest UDP payload: 65,535 less 20 bytes of IP and 8 of UDP header.
const MAX_DATAGRAM: usize = 65_507;

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

/// The optional first argument, ADDR, or the article's address.
fn address_from_args() -> Result<SocketAddr> {
    let text = std::env::args().nth(1).unwrap_or(DEFAULT_ADDR.into());
    text.parse()
        .with_context(|| format!("usage: [ADDR]: {text:?} is not an address like {DEFAULT_ADDR}"))
}
