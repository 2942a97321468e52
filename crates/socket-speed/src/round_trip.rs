//! Round trips of the first article's exchange: the client sends b"hello", the
//! server's recv(1024) gets it, and it sends back b"HELLO". A round trip moves five
//! bytes each way, so what it measures is the fixed cost: system calls, the
//! kernel's TCP work, and waking the thread that waits on the other side.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use anyhow::{Context, Result, bail};

use crate::measure::{Budget, STALL, Timed, join};

const MESSAGE: &[u8; 5] = b"hello";
const REPLY: &[u8; 5] = b"HELLO";

/// The four ways the benchmark makes round trips.
pub struct RoundTrips {
    /// One connection, the message in one send().
    pub one_send: Timed,
    /// One connection, the message in two send()s, Nagle's algorithm on (the default).
    pub two_sends: Timed,
    /// The same with TCP_NODELAY, which turns Nagle's algorithm off.
    pub two_sends_nodelay: Timed,
    /// A new connection for each round trip, as the article's client does.
    pub new_connection: Timed,
}

/// Measures the four, in order, and hands each to `show` as soon as it has it.
pub fn measure(budget: Budget, mut show: impl FnMut(&str, &Timed)) -> Result<RoundTrips> {
    let mut each = |label: &str, round: fn(Budget) -> Result<Timed>| -> Result<Timed> {
        let best = budget.best_of(round, Timed::per_second)?;
        show(label, &best);
        Ok(best)
    };
    Ok(RoundTrips {
        one_send: each("one connection, one send() per message", |b| {
            one_connection(b, Sends::One)
        })?,
        two_sends: each("one connection, two send()s per message", |b| {
            one_connection(b, Sends::Two { nodelay: false })
        })?,
        two_sends_nodelay: each("the same with TCP_NODELAY", |b| {
            one_connection(b, Sends::Two { nodelay: true })
        })?,
        new_connection: each(
            "a new connection per round trip, as the article's client",
            new_connection_each,
        )?,
    })
}

#[derive(Clone, Copy)]
enum Sends {
    One,
    Two { nodelay: bool },
}

// ANCHOR: one_connection
/// Many round trips on one connection.
fn one_connection(budget: Budget, sends: Sends) -> Result<Timed> {
    let (listener, addr) = listen()?;
    let server = thread::spawn(move || -> Result<()> {
        let (mut conn, peer) = listener
            .accept()
            .with_context(|| format!("accept() on {addr} failed"))?;
        conn.set_read_timeout(Some(STALL))
            .context("set_read_timeout failed")?;
        // The article's server, in a loop: recv, upper-case, send back.
        while let Some(message) = recv_five(&mut conn, peer)? {
            conn.write_all(&message.to_ascii_uppercase())
                .with_context(|| format!("send to {peer} failed"))?;
        }
        Ok(())
    });

    let mut sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    sk.set_read_timeout(Some(STALL))
        .context("set_read_timeout failed")?;
    if let Sends::Two { nodelay: true } = sends {
        // sk.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1): send small segments at once.
        sk.set_nodelay(true)
            .context("setsockopt(TCP_NODELAY) failed")?;
    }
    let timed = budget.repeat(|| {
        match sends {
            // sk.sendall(b"hello")
            Sends::One => sk.write_all(MESSAGE),
            // sk.sendall(b"he"); sk.sendall(b"llo"): a header, then a body, say.
            // With Nagle on, the kernel holds b"llo" back until the server has
            // acknowledged b"he", and the server delays that acknowledgement.
            Sends::Two { .. } => sk
                .write_all(&MESSAGE[..2])
                .and_then(|()| sk.write_all(&MESSAGE[2..])),
        }
        .with_context(|| format!("send to {addr} failed"))?;
        recv_reply(&mut sk, addr)
    })?;
    // sk.close(): the server's recv returns b'' and its loop ends.
    drop(sk);
    join(server, "server")?;
    Ok(timed)
}
// ANCHOR_END: one_connection

// ANCHOR: new_connection
/// A new connection for every round trip: connect, send, recv, close; the server
/// accepts, recv(1024), sends, closes. The article's client and server, exactly.
fn new_connection_each(budget: Budget) -> Result<Timed> {
    let (listener, addr) = listen()?;
    let server = thread::spawn(move || -> Result<()> {
        loop {
            let (mut conn, peer) = listener
                .accept()
                .with_context(|| format!("accept() on {addr} failed"))?;
            conn.set_read_timeout(Some(STALL))
                .context("set_read_timeout failed")?;
            // A client that connects and sends nothing is the signal to stop.
            let Some(message) = recv_five(&mut conn, peer)? else {
                return Ok(());
            };
            conn.write_all(&message.to_ascii_uppercase())
                .with_context(|| format!("send to {peer} failed"))?;
            // conn.close(), when `conn` goes out of scope.
        }
    });

    let timed = budget.repeat(|| {
        // Each round trip pays for a handshake (SYN, SYN/ACK, ACK), an accept(),
        // two more sockets' worth of kernel memory, and a close of both ends.
        let mut sk = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
        sk.set_read_timeout(Some(STALL))
            .context("set_read_timeout failed")?;
        sk.write_all(MESSAGE)
            .with_context(|| format!("send to {addr} failed"))?;
        recv_reply(&mut sk, addr)
    })?;
    // Connect and close at once, sending nothing: the server's signal to stop.
    TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    join(server, "server")?;
    Ok(timed)
}
// ANCHOR_END: new_connection

fn listen() -> Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    Ok((listener, addr))
}

/// recv(1024) until the five bytes of a message (or a reply) are in; None if the
/// other end closed before sending anything. One recv gets all five when they were
/// sent in one piece; when they came in two, this waits for the second, as a
/// server that reads a header and then a body would.
fn recv_five(conn: &mut TcpStream, peer: SocketAddr) -> Result<Option<[u8; 5]>> {
    let mut buffer = [0_u8; 1024];
    let mut got = 0;
    while got < MESSAGE.len() {
        let n = conn
            .read(&mut buffer[got..])
            .with_context(|| format!("recv(1024) from {peer} failed"))?;
        if n == 0 {
            if got == 0 {
                return Ok(None);
            }
            bail!("{peer} closed the connection in the middle of a message");
        }
        got += n;
    }
    if got > MESSAGE.len() {
        bail!("{peer} sent {got} bytes where 5 were expected");
    }
    let mut five = [0_u8; 5];
    five.copy_from_slice(&buffer[..5]);
    Ok(Some(five))
}

/// The client's recv: the whole reply, which must be b"HELLO".
fn recv_reply(sk: &mut TcpStream, addr: SocketAddr) -> Result<()> {
    match recv_five(sk, addr)? {
        Some(reply) if &reply == REPLY => Ok(()),
        Some(reply) => bail!(
            "{addr} replied b\"{}\", not b\"HELLO\"",
            reply.escape_ascii()
        ),
        None => bail!("{addr} closed the connection without replying"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_kind_of_round_trip_completes() {
        let mut shown = Vec::new();
        let trips = measure(Budget(Duration::from_millis(3)), |label, timed| {
            shown.push((label.to_string(), timed.count))
        })
        .unwrap();
        assert_eq!(shown.len(), 4, "{shown:?}");
        for timed in [
            trips.one_send,
            trips.two_sends,
            trips.two_sends_nodelay,
            trips.new_connection,
        ] {
            assert!(timed.count >= 1 && timed.per_second() > 0.0);
        }
    }
}
