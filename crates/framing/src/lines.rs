//! Part 6 of the demo: the other common framing, one message per line.

use std::io::{BufRead, BufReader};
use std::thread;

use anyhow::{Context, Result, bail};

use crate::MESSAGES;
use crate::pair::{connected_pair, join, send};

/// Part 6: newline-delimited messages, one byte per send.
pub fn one_message_per_line() -> Result<()> {
    println!("6. The other way: one message per line");
    let (mut writer, reader) = connected_pair()?;
    let writer = thread::spawn(move || -> Result<()> {
        for message in MESSAGES {
            for &byte in message.as_bytes().iter().chain(b"\n") {
                send(&mut writer, &[byte])?;
            }
        }
        Ok(())
    });
    // ANCHOR: lines
    // Python: for line in conn.makefile('rb'). BufReader keeps what arrived past
    // the newline for the next line. A newline byte, 0x0A, is never part of a
    // longer UTF-8 character, so a line ends at a character boundary.
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).context("recv failed")?;
        if n == 0 {
            println!("   read_until: the peer closed the connection between two lines");
            break;
        }
        let Some(message) = line.strip_suffix(b"\n") else {
            bail!("the peer closed the connection in the middle of a line");
        };
        println!("   read_until(b'\\n'): {:?}", utf8_text::decode(message)?);
    }
    // ANCHOR_END: lines
    join(writer)
}
