//! The protocol every mode speaks, and how a conversation ends.
//!
//! The client sends lines of UTF-8 text, each ended by `\n` (a `\r` before it is
//! dropped too). For every line the server sends back the same line upper-cased
//! (Python's `str.upper()`, so `é` becomes `É`), ended by `\n`, on the same
//! connection, for as long as the client stays. A last line without `\n` is answered
//! when the client closes its sending side.
//!
//! When the server ends a conversation itself, it first sends one line that starts
//! with `error: ` (in lower case, so no upper-cased reply can look like it) and says
//! why, then closes the connection: a line longer than the cap, a line that is not
//! UTF-8, a client idle for too long, a server shutting down.

use std::fmt;
use std::io;
use std::time::Duration;

// ANCHOR: session
/// What the server knows about one client's conversation: the start of a line
/// whose `\n` has not arrived yet, and how many lines it has answered.
pub struct Session {
    partial: Vec<u8>,
    max_line: usize,
    lines: u64,
}

impl Session {
    pub fn new(max_line: usize) -> Self {
        Session {
            partial: Vec::new(),
            max_line,
            lines: 0,
        }
    }

    /// Takes the bytes one recv() returned, whatever they are: part of a line,
    /// several lines, a line and a half. Appends to `replies` the answer to every
    /// line they complete, and keeps the rest for later. Refuses to keep more than
    /// `max_line` bytes of a line: the cap on what one client can make us store.
    pub fn received(&mut self, mut data: &[u8], replies: &mut Vec<u8>) -> Result<(), Ending> {
        while let Some(end) = data.iter().position(|&byte| byte == b'\n') {
            let (line, rest) = (&data[..end], &data[end + 1..]);
            self.check_length(line.len())?;
            if self.partial.is_empty() {
                self.answer(line, replies)?;
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.answer(&whole, replies)?;
            }
            data = rest;
        }
        self.check_length(data.len())?;
        self.partial.extend_from_slice(data);
        Ok(())
    }

    /// The client closed its sending side (recv() returned 0): a last line without
    /// `\n` still gets its answer.
    pub fn finished(&mut self, replies: &mut Vec<u8>) -> Result<(), Ending> {
        if !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            self.answer(&last, replies)?;
        }
        Ok(())
    }

    /// How many lines this client has had answered.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    fn check_length(&self, more: usize) -> Result<(), Ending> {
        if self.partial.len() + more > self.max_line {
            return Err(Ending::TooLong { max: self.max_line });
        }
        Ok(())
    }

    fn answer(&mut self, line: &[u8], replies: &mut Vec<u8>) -> Result<(), Ending> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // line.decode('utf-8'): the bytes must be text before they can be upper-cased.
        let text = std::str::from_utf8(line).map_err(|error| Ending::NotUtf8 {
            line: self.lines + 1,
            at: error.valid_up_to(),
        })?;
        replies.extend_from_slice(text.to_uppercase().as_bytes());
        replies.push(b'\n');
        self.lines += 1;
        Ok(())
    }
}
// ANCHOR_END: session

// ANCHOR: ending
/// Why a conversation ended.
#[derive(Debug)]
pub enum Ending {
    /// The client closed its side (recv() returned 0) and got every answer.
    ClientClosed,
    /// Nothing came from the client, and it took nothing from us, for this long.
    Idle(Duration),
    /// The client took none of its replies for this long: it sends, but never reads.
    NotReading(Duration),
    /// A line grew past the cap before its `\n` came.
    TooLong { max: usize },
    /// Line number `line` is not UTF-8; its first bad byte is at offset `at`.
    NotUtf8 { line: u64, at: usize },
    /// The server was asked to stop.
    ShuttingDown,
    /// A call failed: the client reset the connection, say.
    Failed(&'static str, io::Error),
}

impl Ending {
    /// The line the client gets before the server closes the connection, if any:
    /// a client that left, or whose connection broke, cannot hear one.
    pub fn farewell(&self) -> Option<String> {
        match self {
            Ending::ClientClosed | Ending::Failed(..) => None,
            _ => Some(format!("error: {self}\n")),
        }
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::ClientClosed => write!(f, "the client closed the connection"),
            Ending::Idle(after) => write!(f, "idle for {after:?}"),
            Ending::NotReading(after) => {
                write!(f, "did not read its replies for {after:?}")
            }
            Ending::TooLong { max } => write!(f, "line longer than {max} bytes"),
            Ending::NotUtf8 { line, at } => {
                write!(
                    f,
                    "line {line} is not valid UTF-8 (bad byte at offset {at})"
                )
            }
            Ending::ShuttingDown => write!(f, "the server is shutting down"),
            Ending::Failed(call, error) => write!(f, "{call} failed: {error}"),
        }
    }
}
// ANCHOR_END: ending

/// Whether a read or write failed because its timeout ran out: WouldBlock on Unix
/// (EAGAIN), TimedOut on Windows (WSAETIMEDOUT). See the chapter "Timeouts: settimeout".
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// "1 line", "2 lines".
pub fn plural(count: u64, thing: &str) -> String {
    match count {
        1 => format!("1 {thing}"),
        _ => format!("{count} {thing}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(session: &mut Session, data: &[u8]) -> (String, Option<String>) {
        let mut replies = Vec::new();
        let result = session.received(data, &mut replies);
        (
            String::from_utf8(replies).unwrap(),
            result.err().map(|e| e.to_string()),
        )
    }

    #[test]
    fn lines_may_arrive_in_any_pieces() {
        let mut session = Session::new(100);
        assert_eq!(feed(&mut session, b"hel"), (String::new(), None));
        assert_eq!(feed(&mut session, b"lo\nwor"), ("HELLO\n".into(), None));
        assert_eq!(
            feed(&mut session, b"ld\r\n\xc3"),
            ("WORLD\n".into(), None),
            "a \\r\\n ends a line too; half a UTF-8 character waits for the rest"
        );
        assert_eq!(
            feed(&mut session, b"\xa9t\xc3\xa9\n"),
            ("ÉTÉ\n".into(), None)
        );
        let mut replies = Vec::new();
        session.received(b"last", &mut replies).unwrap();
        session.finished(&mut replies).unwrap();
        assert_eq!(replies, b"LAST\n");
        assert_eq!(session.lines(), 4);
    }

    #[test]
    fn a_long_line_is_refused_after_the_lines_before_it_are_answered() {
        let mut session = Session::new(5);
        assert_eq!(feed(&mut session, b"12345\n"), ("12345\n".into(), None));
        assert_eq!(
            feed(&mut session, b"ok\n123456"),
            ("OK\n".into(), Some("line longer than 5 bytes".into()))
        );
        let mut session = Session::new(5);
        feed(&mut session, b"123");
        assert_eq!(
            feed(&mut session, b"456\n").1,
            Some("line longer than 5 bytes".into())
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        let mut session = Session::new(100);
        let (replies, error) = feed(&mut session, b"fine\nbad \xff byte\n");
        assert_eq!(replies, "FINE\n");
        assert_eq!(
            error.as_deref(),
            Some("line 2 is not valid UTF-8 (bad byte at offset 4)")
        );
    }
}
