//! Length-prefixed frames: 4 bytes of length, big-endian, then the message. This is
//! how the reader finds where each message ends.

use std::io::{ErrorKind, Read};

use anyhow::{Context, Result, bail};

/// The largest message a reader accepts. Without a limit, four bytes from a
/// confused or hostile peer could make it allocate four gigabytes.
pub const MAX_FRAME: usize = 65_536;

// ANCHOR: frames
/// The frame for `message`: its length as 4 bytes, big-endian (Python's
/// `struct.pack('>I', len(message))`), then the message.
pub fn encode_frame(message: &[u8]) -> Result<Vec<u8>> {
    if message.len() > MAX_FRAME {
        bail!(
            "a message of {} bytes is larger than the limit of {MAX_FRAME} bytes",
            message.len()
        );
    }
    let length = u32::try_from(message.len())?;
    let mut frame = Vec::with_capacity(4 + message.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(message);
    // One buffer, so one send: the prefix and the message leave together.
    Ok(frame)
}

/// Reads one frame and returns its message, or `None` when the peer closed the
/// connection between two frames, which is how a conversation ends.
pub fn read_frame(reader: &mut impl Read) -> Result<Option<Vec<u8>>> {
    let mut prefix = [0u8; 4];
    match read_full(reader, &mut prefix)? {
        0 => return Ok(None),
        4 => {}
        got => bail!(
            "the peer closed the connection in the middle of a frame: {got} of the 4 bytes \
             of its length prefix had arrived"
        ),
    }
    let length = usize::try_from(u32::from_be_bytes(prefix))?;
    // Check before allocating or reading: the prefix came from the peer.
    if length > MAX_FRAME {
        bail!("a frame of {length} bytes is larger than the limit of {MAX_FRAME} bytes");
    }
    let mut message = vec![0u8; length];
    let got = read_full(reader, &mut message)?;
    if got < length {
        bail!(
            "the peer closed the connection in the middle of a frame: {got} of its \
             {length} bytes had arrived"
        );
    }
    Ok(Some(message))
}

/// Reads until `buffer` is full or the stream ends, and returns how many bytes it
/// read: `read_exact`, except that it says how far it got.
pub fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        // recv(len(buffer) - filled): whatever has arrived, at least one byte.
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break, // the peer closed the connection
            Ok(n) => filled += n,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error).context("recv failed"),
        }
    }
    Ok(filled)
}
// ANCHOR_END: frames

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MESSAGES;

    /// A reader that hands out one byte per read, like the slowest network.
    struct OneByteAtATime<'a>(&'a [u8]);

    impl Read for OneByteAtATime<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            if buffer.is_empty() {
                return Ok(0);
            }
            buffer[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn frames_come_out_whole_one_byte_at_a_time() {
        let mut stream = Vec::new();
        for message in MESSAGES {
            stream.extend(encode_frame(message.as_bytes()).unwrap());
        }
        let mut reader = OneByteAtATime(&stream);
        for message in MESSAGES {
            assert_eq!(
                read_frame(&mut reader).unwrap().unwrap(),
                message.as_bytes()
            );
        }
        assert!(read_frame(&mut reader).unwrap().is_none());
    }

    #[test]
    fn a_cut_prefix_is_an_error_not_the_end() {
        let error = read_frame(&mut &b"\0\0"[..]).unwrap_err().to_string();
        assert!(error.contains("2 of the 4 bytes"), "{error}");
    }

    #[test]
    fn the_largest_frame_is_accepted_and_one_more_byte_is_not() {
        let largest = vec![b'z'; MAX_FRAME];
        let frame = encode_frame(&largest).unwrap();
        assert_eq!(read_frame(&mut &frame[..]).unwrap().unwrap(), largest);
        assert!(encode_frame(&[b'z'; MAX_FRAME + 1]).is_err());
        let too_large = u32::try_from(MAX_FRAME + 1).unwrap().to_be_bytes();
        assert!(read_frame(&mut &too_large[..]).is_err());
    }
}
