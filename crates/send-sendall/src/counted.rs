//! A socket that counts its `write` calls, to show how many `write_all` makes.

use std::io::{self, Write};
use std::net::TcpStream;

// ANCHOR: counted
/// A socket that counts the `write` calls made on it: `write_all` calls `write`
/// until everything is sent, and this shows how many times that took.
pub struct Counted<'a> {
    pub socket: &'a TcpStream,
    pub calls: usize,
}

impl Write for Counted<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        let mut socket = self.socket;
        socket.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
// ANCHOR_END: counted
