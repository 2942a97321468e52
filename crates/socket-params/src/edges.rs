//! Part 3: what the type changes, on pairs of connected Unix sockets.

use anyhow::Result;
#[cfg(unix)]
use socket2::{Domain, Socket, Type};

/// Part 3: three sends, then one recv, on a connected pair of Unix sockets of each
/// type that keeps a connection or messages.
#[cfg(unix)]
pub fn message_edges() -> Result<()> {
    use anyhow::Context;
    use std::io::Read;

    println!("3. What the type changes: send three messages, then recv(1024) once");
    for (type_name, kind) in [
        ("SOCK_STREAM", Type::STREAM),
        ("SOCK_DGRAM", Type::DGRAM),
        ("SOCK_SEQPACKET", Type::SEQPACKET),
    ] {
        // ANCHOR: edges
        // a, b = socket.socketpair(socket.AF_UNIX, kind): two connected sockets
        let (a, b) = Socket::pair(Domain::UNIX, kind, None)
            .with_context(|| format!("socketpair(AF_UNIX, {type_name}) failed"))?;
        for message in [&b"one"[..], b"two", b"three"] {
            a.send(message)
                .with_context(|| format!("send on a {type_name} pair failed"))?;
        }
        let mut buffer = [0u8; 1024];
        let n = (&b)
            .read(&mut buffer)
            .with_context(|| format!("recv(1024) on a {type_name} pair failed"))?;
        // ANCHOR_END: edges
        let received = &buffer[..n];
        let note = match received {
            b"one" => "one message, as it was sent",
            b"onetwothree" => "all three, run together: the edges are lost",
            _ => "some of the bytes",
        };
        println!(
            "   {type_name:<15} recv(1024) -> {:<16} {note}",
            format!("b\"{}\"", received.escape_ascii())
        );
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn message_edges() -> Result<()> {
    println!("3. (Unix socket pairs are Unix only: skipped here)");
    Ok(())
}
