//! Part 2's idea: one function writes to a file and to a socket, another reads
//! from both, since `File` and `TcpStream` are both `std::io::Write` and `Read`.

use std::io::{self, Read, Write};

/// Sends one line: the same code for a file and a socket, since both are Write.
pub fn send_line(to: &mut impl Write, line: &str) -> io::Result<()> {
    to.write_all(format!("{line}\n").as_bytes())
}

/// Python's `recv(1024)`, or `f.read(1024)`: one read of at most 1024 bytes, the
/// same code for a file and a socket, since both are Read.
pub fn recv(from: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut buffer = [0u8; 1024];
    let n = from.read(&mut buffer)?;
    Ok(buffer[..n].to_vec())
}
