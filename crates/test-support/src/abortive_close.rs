//! A peer that resets the connection instead of closing it politely.
//!
//! Dropping a `TcpStream` closes it the polite way: the kernel sends what is still
//! buffered, then a FIN, and the other side reads the end of the stream (0 bytes).
//! A peer that crashes, or a program that sets `SO_LINGER` to 0 before closing,
//! aborts instead: the kernel throws away what it had not sent and answers with a
//! RST, and the other side's next read or write fails with ECONNRESET (Python's
//! `ConnectionResetError`). Real networks do this; a program must take it as an
//! error to report, never as a reason to panic.

use std::net::TcpStream;
use std::time::Duration;

/// Closes `stream` with a RST instead of a FIN: `SO_LINGER` on, with a time of 0,
/// then close. (Python: `sk.setsockopt(SOL_SOCKET, SO_LINGER, struct.pack("ii", 1, 0))`
/// then `sk.close()`.)
pub fn reset(stream: TcpStream) {
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .expect("setsockopt(SO_LINGER, 0)");
    drop(stream);
}
