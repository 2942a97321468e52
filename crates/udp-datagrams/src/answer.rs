//! Part 2 of the demo: recvfrom says who sent the datagram, so a server can answer
//! each sender at its own address.

use anyhow::{Context, Result};

use crate::MAX_DATAGRAM;
use crate::sockets::bind_loopback;

/// Part 2: two senders, one receiver that answers each at the address recvfrom gave.
pub fn who_sent_it() -> Result<()> {
    println!("2. recvfrom says who sent it, so the receiver can answer");
    let (a, a_addr) = bind_loopback("a")?;
    let (c, c_addr) = bind_loopback("c")?;
    let (b, b_addr) = bind_loopback("b")?;
    println!("   a is {a_addr}, c is {c_addr}");
    for (sender, name) in [(&a, "a"), (&c, "c")] {
        let data = format!("hello from {name}");
        sender
            .send_to(data.as_bytes(), b_addr)
            .with_context(|| format!("sendto({b_addr}) from {name} failed"))?;
        println!("   {name}: sendto(b\"{data}\", b)");
    }

    // ANCHOR: answer
    let mut buffer = [0u8; MAX_DATAGRAM];
    for _ in 0..2 {
        // data, addr = b.recvfrom(65536)
        let (n, from) = b
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom on b ({b_addr}) failed"))?;
        let reply = buffer[..n].to_ascii_uppercase();
        // b.sendto(data.upper(), addr): the reply goes to whoever sent this one.
        b.send_to(&reply, from)
            .with_context(|| format!("sendto({from}) from b failed"))?;
        println!(
            "   b: recvfrom returned b\"{}\" from {from}; sendto(b\"{}\", {from})",
            buffer[..n].escape_ascii(),
            reply.escape_ascii()
        );
    }
    // ANCHOR_END: answer
    for (sender, name) in [(&a, "a"), (&c, "c")] {
        let (n, from) = sender
            .recv_from(&mut buffer)
            .with_context(|| format!("recvfrom on {name} failed"))?;
        let who = if from == b_addr { "b" } else { "someone else" };
        println!(
            "   {name}: recvfrom returned b\"{}\" from {who}",
            buffer[..n].escape_ascii()
        );
    }
    Ok(())
}
