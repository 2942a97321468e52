//! Part 4 of the demo: a closed port. A connected UDP socket hears about it, an
//! unconnected one does not.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::sockets::{bind_loopback, is_timeout, os_code};

/// How long the demo waits for an answer that will not come, in part 4.
const DEMO_TIMEOUT: Duration = Duration::from_millis(300);

/// Part 4: a port where nobody listens, seen from an unconnected and a connected
/// UDP socket.
pub fn closed_port() -> Result<()> {
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
