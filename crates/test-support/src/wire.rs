//! What crossed the wire, in order, so that a failure can show it.
//!
//! A [`Wire`] is a connection (TCP or Unix) that writes down everything the test sends
//! and receives in a [`Transcript`]. A failing test passes the transcript to
//! [`Running::fail_exchange`](crate::Running::fail_exchange), and the learner sees
//! the exchange as it happened:
//!
//! ```text
//! -> b"hello" (5 bytes)
//! <- b"HELLO" (5 bytes)
//! <- end of stream: the program closed the connection
//! ```
//!
//! Bytes that are not printable ASCII are shown as escapes (`\xff`, `\n`), and a
//! chunk that is mostly not text is shown in hex as well. Long chunks are cut short.

use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};

use crate::DEADLINE;

/// One step of an exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The test sent these bytes to the program.
    Sent(Vec<u8>),
    /// The program sent these bytes to the test.
    Received(Vec<u8>),
    /// Anything else worth knowing, in words: "the program closed the connection".
    Note(String),
}

/// Everything that crossed the wire, in order. Consecutive receives are kept apart:
/// how the bytes were split is sometimes the lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    pub events: Vec<Event>,
}

impl Transcript {
    pub fn sent(&mut self, bytes: &[u8]) {
        self.events.push(Event::Sent(bytes.to_vec()));
    }
    pub fn received(&mut self, bytes: &[u8]) {
        self.events.push(Event::Received(bytes.to_vec()));
    }
    pub fn note(&mut self, text: impl Into<String>) {
        self.events.push(Event::Note(text.into()));
    }
    /// All the bytes the program sent, joined.
    pub fn all_received(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for event in &self.events {
            if let Event::Received(bytes) = event {
                all.extend_from_slice(bytes);
            }
        }
        all
    }
}

/// How many bytes of one chunk a failure message shows.
const SHOWN: usize = 160;

/// `b"..."` with escapes, cut at [`SHOWN`] bytes, plus hex when it is mostly not text.
pub fn show_bytes(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(SHOWN)];
    let mut text = format!("b\"{}\"", shown.escape_ascii());
    if bytes.len() > SHOWN {
        text.push_str("...");
    }
    text.push_str(&format!(
        " ({} byte{})",
        bytes.len(),
        if bytes.len() == 1 { "" } else { "s" }
    ));
    let not_text = shown
        .iter()
        .filter(|b| !(b.is_ascii_graphic() || b" \t\r\n".contains(b)))
        .count();
    if !shown.is_empty() && not_text * 4 > shown.len() {
        let hex: Vec<String> = shown.iter().take(48).map(|b| format!("{b:02x}")).collect();
        text.push_str(&format!(" hex: {}", hex.join(" ")));
        if shown.len() > 48 {
            text.push_str(" ...");
        }
    }
    text
}

impl fmt::Display for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for event in &self.events {
            match event {
                Event::Sent(bytes) => writeln!(f, "-> {}", show_bytes(bytes))?,
                Event::Received(bytes) => writeln!(f, "<- {}", show_bytes(bytes))?,
                Event::Note(text) => writeln!(f, "   ({text})")?,
            }
        }
        Ok(())
    }
}

/// A connection that records what crosses it. `S` is a `TcpStream` or a
/// `UnixStream`; set its deadlines before wrapping it (see [`Wire::connect`]).
pub struct Wire<S> {
    pub stream: S,
    pub transcript: Transcript,
}

impl Wire<TcpStream> {
    /// Connects to `addr` within [`DEADLINE`], with read and write deadlines set.
    pub fn connect(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect_timeout(&addr, DEADLINE)?;
        stream.set_read_timeout(Some(DEADLINE))?;
        stream.set_write_timeout(Some(DEADLINE))?;
        let mut wire = Wire::new(stream);
        wire.transcript.note(format!("connected to {addr}"));
        Ok(wire)
    }
}

/// How a read of the whole reply ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The program closed the connection (EOF).
    Closed,
    /// The program reset it (RST): it closed with unread data, or aborted.
    Reset,
    /// Nothing more came within the deadline, and the connection is still open.
    StillOpen,
}

impl<S: Read + Write> Wire<S> {
    pub fn new(stream: S) -> Self {
        Wire {
            stream,
            transcript: Transcript::default(),
        }
    }

    /// Sends all of `bytes` in one write call (recorded even if it fails).
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.transcript.sent(bytes);
        let result = self.stream.write_all(bytes);
        if let Err(error) = &result {
            self.transcript.note(format!("sending failed: {error}"));
        }
        result
    }

    /// One read of at most `max` bytes, as Python's `recv(max)`. `Ok(empty)` is EOF.
    pub fn recv(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut buffer = vec![0; max];
        match self.stream.read(&mut buffer) {
            Ok(0) => {
                self.transcript
                    .note("end of stream: the program closed the connection");
                Ok(Vec::new())
            }
            Ok(n) => {
                self.transcript.received(&buffer[..n]);
                Ok(buffer[..n].to_vec())
            }
            Err(error) => {
                self.transcript.note(describe_error(&error));
                Err(error)
            }
        }
    }

    /// Reads until the program closes the connection, or resets it, or the deadline
    /// passes; returns all it sent and how it ended.
    pub fn read_to_close(&mut self) -> (Vec<u8>, Ending) {
        let mut all = Vec::new();
        loop {
            match self.recv(64 * 1024) {
                Ok(bytes) if bytes.is_empty() => return (all, Ending::Closed),
                Ok(bytes) => all.extend_from_slice(&bytes),
                Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                    return (all, Ending::Reset);
                }
                Err(_) => return (all, Ending::StillOpen),
            }
        }
    }

    /// Reads until `wanted` bytes have come, the program closes, or the deadline
    /// passes; returns what came.
    pub fn read_exactly(&mut self, wanted: usize) -> Vec<u8> {
        let mut all = Vec::new();
        while all.len() < wanted {
            match self.recv(wanted - all.len()) {
                Ok(bytes) if !bytes.is_empty() => all.extend_from_slice(&bytes),
                _ => break,
            }
        }
        all
    }
}

fn describe_error(error: &io::Error) -> String {
    match error.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            format!("nothing more came within {DEADLINE:?}; the connection is still open")
        }
        ErrorKind::ConnectionReset => {
            "the program reset the connection (RST): it closed with data unread, or aborted"
                .to_string()
        }
        _ => format!("reading failed: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_shows_each_step_in_order_with_escapes() {
        let mut t = Transcript::default();
        t.sent(b"hi\n");
        t.received(b"HI\n");
        t.note("end of stream");
        assert_eq!(
            t.to_string(),
            "-> b\"hi\\n\" (3 bytes)\n<- b\"HI\\n\" (3 bytes)\n   (end of stream)\n"
        );
    }

    #[test]
    fn bytes_that_are_not_text_are_shown_in_hex_too() {
        let shown = show_bytes(&[0, 1, 0xff]);
        assert_eq!(shown, "b\"\\x00\\x01\\xff\" (3 bytes) hex: 00 01 ff");
    }

    #[test]
    fn long_chunks_are_cut_short() {
        let shown = show_bytes(&[b'a'; 5000]);
        assert!(shown.ends_with("\"... (5000 bytes)"), "{shown}");
        assert!(shown.len() < 200);
    }
}
