//! Part 4, MSG_TRUNC (Linux): the true length of a datagram that did not fit, and on
//! TCP, bytes thrown away unread.
//!
//! Python: `sk.recv(10, socket.MSG_TRUNC)`; `sk.recvmsg(10)` returns `msg_flags`,
//!         where `msg_flags & socket.MSG_TRUNC` says "cut".
//! Rust:   `Socket::recv_with_flags(buf, MSG_TRUNC)` in socket2; `recv_from_vectored`
//!         (recvmsg) returns `RecvFlags`, and `is_truncated()` tests MSG_TRUNC.

use anyhow::Result;

pub fn show() -> Result<()> {
    println!("4. MSG_TRUNC: the true length of a datagram, and bytes thrown away");
    #[cfg(target_os = "linux")]
    {
        linux::udp()?;
        linux::tcp()?;
    }
    #[cfg(not(target_os = "linux"))]
    println!(
        "   (Linux only: elsewhere recv takes no MSG_TRUNC; recvmsg's msg_flags still \
         report a cut datagram)"
    );
    Ok(())
}

#[cfg(target_os = "linux")]
mod linux {
    use anyhow::{Context, Result};

    use crate::flags::{self, MSG_PEEK, MSG_TRUNC};
    use crate::loopback::{bytes, tcp_pair, udp_pair};

    pub fn udp() -> Result<()> {
        let (a, b, _) = udp_pair()?;
        let letters = b"abcdefghijklmnopqrstuvwxyz";
        for _ in 0..3 {
            a.send(letters).context("send of 26 bytes failed")?;
        }
        println!("   UDP: three datagrams of 26 bytes, read with a buffer of 10");
        let mut buf = [0u8; 10];

        // ANCHOR: udp
        // Without the flag: 10, the buffer's size. The other 16 bytes are gone, and
        // nothing says so.
        let n = flags::recv(&b, &mut buf, 0).context("recv(10) failed")?;
        println!(
            "   recv(10)            returned {n:>2}: {}",
            bytes(&buf[..n])
        );
        // With MSG_TRUNC: the datagram's true length, though only 10 bytes were copied.
        let n = flags::recv(&b, &mut buf, MSG_TRUNC).context("recv(10, MSG_TRUNC) failed")?;
        println!(
            "   recv(10, MSG_TRUNC) returned {n:>2}: {} (only {} copied)",
            bytes(&buf),
            buf.len()
        );
        // recvmsg reports the cut in its flags, MSG_TRUNC again, but as an answer.
        let (n, got, _) = flags::recvmsg(&b, &mut buf).context("recvmsg(10) failed")?;
        println!(
            "   recvmsg(10)         returned {n:>2}, and msg_flags has MSG_TRUNC: {}",
            got.is_truncated()
        );
        // ANCHOR_END: udp

        // ANCHOR: size
        // MSG_PEEK | MSG_TRUNC with an empty buffer: the size of the next datagram,
        // which stays queued, so the buffer can be made to fit.
        a.send(b"exactly 21 bytes long").context("send failed")?;
        let size = flags::recv(&b, &mut [], MSG_PEEK | MSG_TRUNC)
            .context("recv(0, MSG_PEEK | MSG_TRUNC) failed")?;
        let mut fitted = vec![0u8; size];
        let n = flags::recv(&b, &mut fitted, 0).context("recv failed")?;
        println!(
            "   recv(0, MSG_PEEK | MSG_TRUNC) said {size}; recv({size}) then took {}",
            bytes(&fitted[..n])
        );
        // ANCHOR_END: size
        Ok(())
    }

    pub fn tcp() -> Result<()> {
        let (client, server) = tcp_pair()?;
        client
            .send(b"0123456789keep")
            .context("send of 14 bytes failed")?;
        // ANCHOR: tcp
        // On TCP, MSG_TRUNC takes the bytes off the stream without copying them: the
        // buffer keeps its dots. A cheap way to skip what you do not want.
        let mut buf = [b'.'; 10];
        let n = flags::recv(&server, &mut buf, MSG_TRUNC).context("recv(10, MSG_TRUNC) failed")?;
        println!(
            "   TCP: recv(10, MSG_TRUNC) returned {n}, and the buffer is still {}",
            bytes(&buf)
        );
        let mut rest = [0u8; 1024];
        let n = flags::recv(&server, &mut rest, 0).context("recv failed")?;
        println!("   TCP: the next recv(1024) returned {}", bytes(&rest[..n]));
        // ANCHOR_END: tcp
        Ok(())
    }
}
