//! Bytes that arrived on a socket, turned into text.
//!
//! A socket carries bytes, never text: Python makes you write
//! `data.decode('utf-8')`, and Rust makes you write `std::str::from_utf8(data)`.
//! Both can fail, because a peer may send anything. Python raises
//! `UnicodeDecodeError`; here the failure becomes an error message that shows the
//! offending bytes, so a program can report it instead of panicking.

use anyhow::{Result, anyhow};

// ANCHOR: decode
/// Python's `data.decode('utf-8')`: the bytes as text, or an error that says which
/// bytes are not UTF-8 and shows them (their ends, when there are many).
pub fn decode(data: &[u8]) -> Result<&str> {
    std::str::from_utf8(data).map_err(|error| {
        let good = error.valid_up_to();
        let problem = match error.error_len() {
            // Some bytes that can never start or continue a character.
            Some(len) => format!(
                "byte {good} starts an invalid sequence b\"{}\"",
                data[good..good + len].escape_ascii()
            ),
            // A character that was cut off: its first bytes are here, the rest is
            // not. recv(1024) returns whatever has arrived, and it may end mid-character.
            None => format!(
                "the data ends in the middle of a character (b\"{}\"); were the rest \
                 of its bytes still on their way?",
                data[good..].escape_ascii()
            ),
        };
        anyhow!(
            "{} bytes that are not valid UTF-8 (b\"{}\"): {problem}",
            data.len(),
            shortened(data)
        )
    })
}
// ANCHOR_END: decode

/// The bytes as Python writes them, with the middle left out when there are many, so
/// that a 1024-byte message still fits on a line.
fn shortened(data: &[u8]) -> String {
    const ENDS: usize = 8;
    if data.len() <= 3 * ENDS {
        return data.escape_ascii().to_string();
    }
    let (head, tail) = (&data[..ENDS], &data[data.len() - ENDS..]);
    format!("{} … {}", head.escape_ascii(), tail.escape_ascii())
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn chinese_text_decodes() {
        assert_eq!(decode("你好".as_bytes()).unwrap(), "你好");
    }

    #[test]
    fn an_invalid_byte_is_named_and_shown() {
        let message = decode(b"ok\xffno").unwrap_err().to_string();
        assert!(
            message.contains("byte 2 starts an invalid sequence b\"\\xff\""),
            "{message}"
        );
        assert!(message.contains("b\"ok\\xffno\""), "{message}");
    }

    #[test]
    fn a_character_cut_in_two_is_explained() {
        let cut = &"你".as_bytes()[..2];
        let message = decode(cut).unwrap_err().to_string();
        assert!(
            message.contains("ends in the middle of a character"),
            "{message}"
        );
        assert!(message.contains("b\"\\xe4\\xbd\""), "{message}");
    }

    #[test]
    fn many_bytes_are_shown_by_their_ends() {
        let mut data = vec![b'a'; 1000];
        data.push(0xff);
        let message = decode(&data).unwrap_err().to_string();
        assert!(
            message.contains("(b\"aaaaaaaa … aaaaaaa\\xff\")"),
            "{message}"
        );
    }
}
