//! Part 2 of the demo: Python's `socket(AF_UNIX, SOCK_DGRAM)`, with `sendto` and
//! `recvfrom`.

use std::os::unix::net::UnixDatagram;
use std::path::Path;

use anyhow::{Context, Result};

use super::{PATIENCE, path_of};

/// Part 2: datagrams between two named sockets, and from an unnamed one.
pub fn datagrams(dir: &Path) -> Result<()> {
    println!("2. socket(AF_UNIX, SOCK_DGRAM): datagrams, sendto and recvfrom");
    // ANCHOR: datagrams
    let a_path = dir.join("a.dgram");
    let b_path = dir.join("b.dgram");
    // a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); a.bind(a_path)
    let a = UnixDatagram::bind(&a_path)
        .with_context(|| format!("bind({}) failed", a_path.display()))?;
    let b = UnixDatagram::bind(&b_path)
        .with_context(|| format!("bind({}) failed", b_path.display()))?;
    for path in [&a_path, &b_path] {
        program_support::remove_on_stop_signal(path)
            .with_context(|| format!("lstat({}) after bind failed", path.display()))?;
    }
    b.set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    // a.sendto(b'one', b_path); a.sendto(b'two', b_path)
    for data in [&b"one"[..], b"two"] {
        a.send_to(data, &b_path)
            .with_context(|| format!("sendto({}) failed", b_path.display()))?;
    }
    println!("   a.sendto(b\"one\", b), then a.sendto(b\"two\", b)");
    // data, addr = b.recvfrom(1024): one datagram per call, whole, in order.
    let mut buffer = [0u8; 1024];
    for _ in 0..2 {
        let (n, from) = b.recv_from(&mut buffer).context("recvfrom(1024) failed")?;
        let from = path_of(&from).unwrap_or_else(|| "an unnamed socket".into());
        println!(
            "   b.recvfrom(1024): b\"{}\" from {from}",
            buffer[..n].escape_ascii()
        );
    }
    // A socket that never called bind() has no name: it can send, but nobody can
    // answer it.
    let c = UnixDatagram::unbound().context("socket(AF_UNIX, SOCK_DGRAM) failed")?;
    c.send_to(b"who am I?", &b_path)
        .with_context(|| format!("sendto({}) failed", b_path.display()))?;
    let (n, from) = b.recv_from(&mut buffer).context("recvfrom(1024) failed")?;
    let from = path_of(&from).unwrap_or_else(|| "None: a sender with no name, so no reply".into());
    println!(
        "   b.recvfrom(1024): b\"{}\" from {from}",
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: datagrams
    Ok(())
}
