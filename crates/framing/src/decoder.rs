//! A UTF-8 decoder for text that arrives in pieces: it keeps the first bytes of an
//! unfinished character until the rest arrives.

use anyhow::{Result, bail};

// ANCHOR: decoder
/// Text that arrives in pieces, as UTF-8. Python's twin is
/// `codecs.getincrementaldecoder('utf-8')()`.
#[derive(Default)]
pub struct Utf8Decoder {
    /// The first bytes of a character whose other bytes have not arrived yet.
    pub pending: Vec<u8>,
}

impl Utf8Decoder {
    /// The text that `bytes` complete. An unfinished character at the end is kept
    /// for the next call; bytes that no UTF-8 text contains are an error.
    pub fn push(&mut self, bytes: &[u8]) -> Result<String> {
        self.pending.extend_from_slice(bytes);
        let end = match std::str::from_utf8(&self.pending) {
            // error_len() is None: the data stops in the middle of a character,
            // which may be whole once its other bytes arrive. Decode up to it.
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            // All valid, or bytes that are wrong whatever follows: decode() says which.
            _ => self.pending.len(),
        };
        let tail = self.pending.split_off(end);
        let text = utf8_text::decode(&self.pending).map(str::to_owned);
        self.pending = tail;
        text
    }

    /// At the end of the stream, an unfinished character will never be finished.
    pub fn finish(&self) -> Result<()> {
        if !self.pending.is_empty() {
            bail!(
                "the text ended in the middle of a character: b\"{}\"",
                self.pending.escape_ascii()
            );
        }
        Ok(())
    }
}
// ANCHOR_END: decoder

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoder_copes_with_a_cut_at_every_position() {
        let text = "a é 你 😀";
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let mut decoder = Utf8Decoder::default();
            let mut out = decoder.push(&bytes[..cut]).unwrap();
            out += &decoder.push(&bytes[cut..]).unwrap();
            decoder.finish().unwrap();
            assert_eq!(out, text, "cut at {cut}");
        }
    }

    #[test]
    fn the_decoder_refuses_bytes_that_are_never_utf8() {
        let mut decoder = Utf8Decoder::default();
        let error = decoder.push(b"ok\xff").unwrap_err().to_string();
        assert!(
            error.contains("byte 2 starts an invalid sequence"),
            "{error}"
        );
    }
}
