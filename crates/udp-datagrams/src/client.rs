//! `udp-datagrams client [ADDR]`: sends each line of stdin as one datagram and prints
//! each reply, or says that none came.

use std::io::{BufRead, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::MAX_DATAGRAM;
use crate::sockets::is_timeout;

/// How long the client waits for each reply: UDP may lose a datagram, and nobody
/// sends it again.
const REPLY_TIMEOUT: Duration = Duration::from_secs(1);

/// `udp-datagrams client [ADDR]`: each line of stdin is one datagram; prints each
/// reply, or says that none came.
pub fn client(addr: SocketAddr) -> Result<()> {
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
