//! Part 4 of the demo: length-prefixed frames give the messages back, whatever the
//! pieces they arrive in.

use std::net::TcpStream;
use std::thread;

use anyhow::Result;

use crate::MESSAGES;
use crate::frames::{encode_frame, read_frame};
use crate::pair::{connected_pair, join, send};

/// Part 4: frames, sent one byte per send and then all in one send.
pub fn length_prefix() -> Result<()> {
    println!("4. A length prefix: 4 bytes, big-endian, then the message");
    let frame = encode_frame(MESSAGES[0].as_bytes())?;
    println!(
        "   the frame for {:?} is b\"{}\"",
        MESSAGES[0],
        frame.escape_ascii()
    );
    for one_byte_per_send in [true, false] {
        let (writer, reader) = connected_pair()?;
        if one_byte_per_send {
            println!("   Three frames, sent one byte per send:");
        } else {
            println!("   The same three frames, sent in one send:");
        }
        let writer = thread::spawn(move || -> Result<()> {
            let mut writer = writer;
            let mut all = Vec::new();
            for message in MESSAGES {
                all.extend(encode_frame(message.as_bytes())?);
            }
            if one_byte_per_send {
                for byte in all {
                    send(&mut writer, &[byte])?;
                }
            } else {
                send(&mut writer, &all)?;
            }
            Ok(()) // dropping the writer closes the connection: the end of the stream
        });
        print_frames(reader)?;
        join(writer)?;
    }
    Ok(())
}

/// Reads frames until the peer closes, and prints each message.
fn print_frames(mut reader: TcpStream) -> Result<()> {
    // ANCHOR: read_loop
    loop {
        match read_frame(&mut reader)? {
            Some(payload) => {
                let text = utf8_text::decode(&payload)?;
                println!("   read_frame: {} bytes, {text:?}", payload.len());
            }
            None => {
                println!("   read_frame: the peer closed the connection between two frames");
                return Ok(());
            }
        }
    }
    // ANCHOR_END: read_loop
}
