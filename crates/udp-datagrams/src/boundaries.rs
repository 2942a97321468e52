//! Part 1 of the demo: each sendto is one datagram, and each recvfrom returns one.

use anyhow::{Context, Result};

use crate::sockets::bind_loopback;

/// Part 1: three datagrams out, three datagrams in, and an empty one.
pub fn boundaries() -> Result<()> {
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
