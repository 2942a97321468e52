//! Part 3 of the demo: a datagram larger than the buffer is cut, and the rest is lost.

use anyhow::{Context, Result};

use crate::sockets::bind_loopback;

/// Part 3: a datagram that does not fit the buffer.
pub fn cut_by_a_small_buffer() -> Result<()> {
    println!("3. A datagram larger than the buffer is cut");
    let (a, _) = bind_loopback("a")?;
    let (b, b_addr) = bind_loopback("b")?;
    for data in [&b"abcdefghijklmnopqrstuvwxyz"[..], b"next"] {
        a.send_to(data, b_addr)
            .with_context(|| format!("sendto({b_addr}) from a failed"))?;
        println!(
            "   a: sendto(b\"{}\", b), {} bytes",
            data.escape_ascii(),
            data.len()
        );
    }

    // ANCHOR: cut
    // b.recvfrom(10), twice. The first datagram is 26 bytes: the kernel copies the
    // first 10 and throws the other 16 away. The next call gets the next datagram.
    let mut small = [0u8; 10];
    for _ in 0..2 {
        match b.recv_from(&mut small) {
            Ok((n, _)) => println!(
                "   b: recvfrom(10) returned {n} bytes: b\"{}\"",
                small[..n].escape_ascii()
            ),
            // Windows fills the buffer too, but says so with an error, WSAEMSGSIZE.
            Err(error) if error.raw_os_error() == Some(10040) => println!(
                "   b: recvfrom(10) failed with WSAEMSGSIZE (10040): the datagram was cut \
                 to b\"{}\"",
                small.escape_ascii()
            ),
            Err(error) => return Err(error).context(format!("recvfrom(10) on {b_addr} failed")),
        }
    }
    // ANCHOR_END: cut
    // Linux said nothing of the cut; Windows said so with WSAEMSGSIZE, but the 16
    // letters are gone there too.
    let told = if cfg!(windows) {
        "only the error said so"
    } else {
        "nothing said so"
    };
    println!(
        "   (the other 16 letters are gone: {told}, and no later recvfrom\n    \
         returns them. Use a buffer larger than any datagram you expect.)"
    );
    Ok(())
}
