//! Segments grouped into connections and written the way the second article draws
//! the handshake: the client's first sequence number is A, the server's is B, and
//! every later number is shown as A+n or B+n beside its absolute value.

use std::fmt::Write;
use std::net::SocketAddrV4;
use std::time::Duration;

use crate::capture::Seen;
use crate::wire::{self, ACK, RST, SYN};

/// The segments of one connection, in the order they crossed the wire.
#[derive(Debug)]
pub struct Connection {
    pub client: SocketAddrV4,
    pub server: SocketAddrV4,
    pub segments: Vec<Seen>,
}

impl Connection {
    /// The client's initial sequence number A, from its SYN.
    pub fn a(&self) -> Option<u32> {
        self.segments
            .iter()
            .find(|s| s.src == self.client && s.tcp.flags & (SYN | ACK) == SYN)
            .map(|s| s.tcp.seq)
    }

    /// The server's initial sequence number B, from its SYN/ACK.
    pub fn b(&self) -> Option<u32> {
        self.segments
            .iter()
            .find(|s| s.src == self.server && s.tcp.flags & (SYN | ACK) == SYN | ACK)
            .map(|s| s.tcp.seq)
    }
}

/// Splits `seen` into connections: the side that sent the first SYN is the client
/// (or, without a SYN, the sender of the first segment).
pub fn connections(seen: &[Seen]) -> Vec<Connection> {
    let mut out: Vec<Connection> = Vec::new();
    for segment in seen {
        let same = |c: &&mut Connection| {
            (c.client, c.server) == (segment.src, segment.dst)
                || (c.client, c.server) == (segment.dst, segment.src)
        };
        // A new SYN from a port whose connection already closed starts a new one.
        let fresh_syn = segment.tcp.flags & (SYN | ACK) == SYN;
        match out.iter_mut().rev().find(same) {
            Some(c) if !(fresh_syn && c.segments.iter().any(|s| s.tcp.flags & RST != 0)) => {
                c.segments.push(segment.clone())
            }
            _ => out.push(Connection {
                client: segment.src,
                server: segment.dst,
                segments: vec![segment.clone()],
            }),
        }
    }
    out
}

/// A number relative to an initial one: `A`, `A+1`, `B+7`.
fn relative(value: u32, initial: Option<u32>, name: char) -> String {
    match initial {
        Some(start) => match value.wrapping_sub(start) {
            0 => format!("({name})"),
            n => format!("({name}+{n})"),
        },
        None => String::new(),
    }
}

/// A time since the connection's first segment: `+0.000ms`, `+1.012s`.
fn since(start: Duration) -> String {
    if start >= Duration::from_secs(1) {
        format!("+{:.3}s", start.as_secs_f64())
    } else {
        format!("+{:.3}ms", start.as_secs_f64() * 1000.0)
    }
}

// ANCHOR: show_segment
/// One line per segment: time, direction, flags, seq and ack, window, length, data.
pub fn show(connection: &Connection) -> String {
    let (a, b) = (connection.a(), connection.b());
    let mut text = format!(
        "client {} -> server {}\n",
        connection.client, connection.server
    );
    let Some(first) = connection.segments.first() else {
        return text;
    };
    for s in &connection.segments {
        let from_client = s.src == connection.client;
        let (who, mine, theirs, me, them) = if from_client {
            ("client > server", a, b, 'A', 'B')
        } else {
            ("server > client", b, a, 'B', 'A')
        };
        let seq = format!("seq={} {}", s.tcp.seq, relative(s.tcp.seq, mine, me));
        let ack = if s.tcp.flags & ACK != 0 {
            format!("ack={} {}", s.tcp.ack, relative(s.tcp.ack, theirs, them))
        } else {
            String::new()
        };
        let _ = write!(
            text,
            "  {:<10} {who}  {:<8} {seq:<18} {ack:<18} win={} len={}",
            since(s.at.duration_since(first.at)),
            wire::flag_names(s.tcp.flags),
            s.tcp.window,
            s.tcp.data.len()
        );
        if !s.tcp.data.is_empty() {
            let _ = write!(text, "  {}", quoted(&s.tcp.data));
        }
        text.push('\n');
    }
    text
}
// ANCHOR_END: show_segment

/// Data as a quoted string, cut after 32 bytes.
fn quoted(data: &[u8]) -> String {
    let shown = String::from_utf8_lossy(&data[..data.len().min(32)]).into_owned();
    let more = if data.len() > 32 { "..." } else { "" };
    format!("{shown:?}{more}")
}

// ANCHOR: check
/// The article's arithmetic, checked on the real numbers: the SYN/ACK acknowledges
/// A+1 and the client's ACK carries seq A+1 and acknowledges B+1.
pub fn check_handshake(connection: &Connection) -> Option<String> {
    let (a, b) = (connection.a()?, connection.b()?);
    let syn_ack = connection
        .segments
        .iter()
        .find(|s| s.src == connection.server && s.tcp.flags & (SYN | ACK) == SYN | ACK)?;
    let ack = connection
        .segments
        .iter()
        .find(|s| s.src == connection.client && s.tcp.flags & (SYN | ACK) == ACK)?;
    let fine = syn_ack.tcp.ack == a.wrapping_add(1)
        && ack.tcp.seq == a.wrapping_add(1)
        && ack.tcp.ack == b.wrapping_add(1);
    Some(if fine {
        "handshake: SYN/ACK ack = A+1, ACK seq = A+1 and ack = B+1: the numbers check out".into()
    } else {
        format!(
            "handshake: the numbers do NOT check out: A={a} B={b}, SYN/ACK ack={}, \
             ACK seq={} ack={}",
            syn_ack.tcp.ack, ack.tcp.seq, ack.tcp.ack
        )
    })
}
// ANCHOR_END: check

/// Every connection, shown, with its handshake checked.
pub fn show_all(seen: &[Seen]) -> String {
    let mut text = String::new();
    let all = connections(seen);
    if all.is_empty() {
        text.push_str("no TCP segment crossed loopback\n");
    }
    for (n, connection) in all.iter().enumerate() {
        let _ = write!(text, "connection {}: {}", n + 1, show(connection));
        if let Some(check) = check_handshake(connection) {
            let _ = writeln!(text, "  {check}");
        }
    }
    text
}
