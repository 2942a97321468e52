//! Part 1 of the demo: three sends that arrive as one recv. The reader decides how
//! the sends are grouped, not the writer.

use std::thread;
use std::time::Duration;

use anyhow::Result;

use crate::pair::{connected_pair, recv, send};

/// How long the busy reader of part 1 is busy.
const BUSY: Duration = Duration::from_millis(100);
const WORDS: [&str; 3] = ["apple", "banana", "cherry"];

/// Part 1: the reader decides how the sends are grouped, not the writer.
pub fn three_sends_one_recv() -> Result<()> {
    println!("1. Three sends, one recv");
    let (mut writer, mut reader) = connected_pair()?;
    let mut buffer = [0u8; 1024];
    // ANCHOR: merge
    println!("   A reader that keeps up gets each send by itself:");
    for word in WORDS {
        // sk.send(word), then conn.recv(1024), then the next send.
        send(&mut writer, word.as_bytes())?;
        let n = recv(&mut reader, &mut buffer)?;
        println!(
            "   send(b\"{word}\"), then recv(1024) returned b\"{}\"",
            buffer[..n].escape_ascii()
        );
    }
    println!("   A reader that is busy for {BUSY:?} while the same three sends arrive:");
    for word in WORDS {
        send(&mut writer, word.as_bytes())?;
    }
    println!("   send(b\"apple\"), send(b\"banana\"), send(b\"cherry\")");
    thread::sleep(BUSY); // busy elsewhere; meanwhile the kernel queues what arrives
    let n = recv(&mut reader, &mut buffer)?;
    println!(
        "   recv(1024) returned {n} bytes: b\"{}\". Where does each message end?",
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: merge
    Ok(())
}
