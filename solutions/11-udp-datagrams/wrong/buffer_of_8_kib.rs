//! Wrong: receives into a buffer of 8 KiB, "plenty for a message"
//! Caught by: the_largest_datagram_comes_back_whole
//!
//! A UDP datagram may carry up to 65,507 bytes over IPv4. recv_from cuts a larger
//! one to the buffer's size and the rest is lost, silently. The chapter: a buffer
//! of 65,536 bytes holds any datagram.

use std::net::{SocketAddr, UdpSocket};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// Plenty for any message.
const MAX_DATAGRAM: usize = 8192;

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
