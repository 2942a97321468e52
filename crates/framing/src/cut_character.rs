//! Part 3 of the demo: a character cut in two between two recvs, and a decoder
//! that copes.

use anyhow::Result;

use crate::decoder::Utf8Decoder;
use crate::pair::{connected_pair, recv, send};

/// Part 3: `你好` in two pieces, cut in the middle of `好`.
pub fn a_character_cut_in_two() -> Result<()> {
    println!("3. A character cut in two");
    let (mut writer, mut reader) = connected_pair()?;
    let bytes = "你好".as_bytes();
    let pieces = [&bytes[..4], &bytes[4..]];
    let mut buffer = [0u8; 1024];

    println!("   Decoding each recv by itself, as the article's programs do:");
    for piece in pieces {
        send(&mut writer, piece)?;
        let n = recv(&mut reader, &mut buffer)?;
        let data = &buffer[..n];
        match utf8_text::decode(data) {
            Ok(text) => println!(
                "   recv(1024) returned b\"{}\": {text:?}",
                data.escape_ascii()
            ),
            Err(error) => println!(
                "   recv(1024) returned b\"{}\": {error:#}",
                data.escape_ascii()
            ),
        }
    }

    println!("   Decoding with a decoder that keeps an unfinished character for later:");
    let mut decoder = Utf8Decoder::default();
    for piece in pieces {
        send(&mut writer, piece)?;
        let n = recv(&mut reader, &mut buffer)?;
        let text = decoder.push(&buffer[..n])?;
        println!(
            "   recv(1024) returned b\"{}\": {text:?}, keeping b\"{}\"",
            buffer[..n].escape_ascii(),
            decoder.pending.escape_ascii()
        );
    }
    decoder.finish()
}
