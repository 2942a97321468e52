//! Part 2, MSG_WAITALL: wait until the whole buffer is full, and the three cases where
//! recv returns less anyway.
//!
//! Python: `sk.recv(10, socket.MSG_WAITALL)`.
//! Rust:   `Socket::recv_with_flags(buf, MSG_WAITALL)` in socket2; std has no flag,
//!         and `Read::read_exact` is the loop that does the same job portably.

use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::flags::{self, MSG_WAITALL};
use crate::loopback::{bytes, tcp_pair};

pub fn show() -> Result<()> {
    println!("2. MSG_WAITALL: wait for the whole buffer");
    // Ten bytes, sent as two sends of five, 100 ms apart.
    for (name, flag) in [("recv(10)", 0), ("recv(10, MSG_WAITALL)", MSG_WAITALL)] {
        let (client, server) = tcp_pair()?;
        let sender = thread::spawn(move || -> std::io::Result<()> {
            client.send(b"abcde")?;
            thread::sleep(Duration::from_millis(100));
            client.send(b"fghij")?;
            Ok(())
        });
        let mut buf = [0u8; 10];
        let n = flags::recv(&server, &mut buf, flag).with_context(|| format!("{name} failed"))?;
        println!(
            "   two sends of 5 bytes: {name:<21} returned {n:>2} bytes {}",
            bytes(&buf[..n])
        );
        join(sender)?;
    }
    still_less()
}

/// What MSG_WAITALL cannot promise: the peer closes, the timeout runs out, a signal
/// comes (that one in signal.rs).
fn still_less() -> Result<()> {
    // ANCHOR: less
    // The peer sends 3 bytes and closes its side: 3 bytes, then 0 (the end).
    let (client, server) = tcp_pair()?;
    client.send(b"abc").context("send failed")?;
    client
        .shutdown(Shutdown::Write)
        .context("shutdown(SHUT_WR) failed")?;
    let mut buf = [0u8; 10];
    let n = flags::recv(&server, &mut buf, MSG_WAITALL).context("recv(MSG_WAITALL) failed")?;
    println!(
        "   peer sent 3 bytes and closed:  recv(10, MSG_WAITALL) returned {n} bytes {}",
        bytes(&buf[..n])
    );

    // The peer sends 3 bytes and goes quiet; settimeout(0.2) ends the wait.
    let (client, server) = tcp_pair()?;
    client.send(b"abc").context("send failed")?;
    server
        .set_read_timeout(Some(Duration::from_millis(200)))
        .context("settimeout failed")?;
    let start = Instant::now();
    let n = flags::recv(&server, &mut buf, MSG_WAITALL).context("recv(MSG_WAITALL) failed")?;
    println!(
        "   peer sent 3 bytes, timeout 0.2: recv(10, MSG_WAITALL) returned {n} bytes {} after {:.1?}",
        bytes(&buf[..n]),
        start.elapsed()
    );
    // ANCHOR_END: less
    drop(client);
    crate::signal::show()?;
    println!("   (a count below 10 is not a whole message: check it, every time)");
    Ok(())
}

fn join(sender: thread::JoinHandle<std::io::Result<()>>) -> Result<()> {
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the sending thread panicked"))?
        .context("send from the client failed")
}
