//! Wrong: connect()s the socket to the first sender, then replies with send()
//! Caught by: answers_each_sender_at_its_own_address
//!
//! connect() on a UDP socket fixes its peer: from then on the kernel drops every
//! datagram from anyone else, and every reply goes to the first client, whoever
//! asked. The chapter:
//! a UDP server keeps one unconnected socket and answers with sendto(peer).

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
    let mut connected = false;
    loop {
        // data, peer = sk.recvfrom(65536): one whole datagram, and who sent it.
        let (n, peer) = sk
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom on {bound} failed"))?;
        let reply = buffer[..n].to_ascii_uppercase();
        // Python: sk.connect(peer) once, then sk.send(reply) for ever after.
        if !connected {
            sk.connect(peer)
                .with_context(|| format!("connect({peer}) failed"))?;
            connected = true;
        }
        // sk.sendto(data.upper(), peer): one reply, to that sender.
        // A reply that cannot be sent is that sender's problem, not everybody's.
        if let Err(error) = sk.send(&reply) {
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
