//! `udp-datagrams server [ADDR]`: the first article's upper-casing echo server, over
//! UDP. One socket, and a loop of recvfrom and sendto.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};

use anyhow::{Context, Result};

use crate::MAX_DATAGRAM;

/// `udp-datagrams server [ADDR]`: answers each datagram, upper-cased, to its sender.
pub fn server(addr: SocketAddr) -> Result<()> {
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

/// Some bytes, as quoted text when they are UTF-8 and as escaped bytes when not.
fn show(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format!("b\"{}\" (not UTF-8)", data.escape_ascii()),
    }
}
