//! What `recv(1024)` does not promise: TCP carries a stream of bytes, not messages.
//!
//! Run it:  cargo run -p framing                   the demo, on loopback, by itself
//!          cargo run -p framing -- client [ADDR]  sends each line of stdin to ADDR as
//!                                                 one length-prefixed frame
//!
//! ADDR defaults to 127.0.0.1:8088, the second article's address, where exercise 15
//! listens. With no arguments it shows, in about a second:
//!   1. three sends that arrive as one recv;
//!   2. one send that takes several recvs;
//!   3. a character cut in two between two recvs, and a decoder that copes;
//!   4. a length prefix, which gives the messages back whatever the pieces;
//!   5. a frame that is too large, and a peer that hangs up in the middle of one;
//!   6. the other common framing: one message per line.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

const DEFAULT_ADDR: &str = "127.0.0.1:8088";
const USAGE: &str = "usage: framing [client [ADDR]]";
/// The largest message a reader accepts. Without a limit, four bytes from a
/// confused or hostile peer could make it allocate four gigabytes.
const MAX_FRAME: usize = 65_536;
/// How long the busy reader of part 1 is busy.
const BUSY: Duration = Duration::from_millis(100);
const WORDS: [&str; 3] = ["apple", "banana", "cherry"];
/// The messages parts 4 and 6 send: ASCII, Chinese ("banana", "hello, world") and
/// an emoji, so that characters of one to four bytes cross the connection.
const MESSAGES: [&str; 3] = ["apple", "香蕉", "你好，世界 😀"];

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {
            three_sends_one_recv()?;
            one_send_several_recvs()?;
            a_character_cut_in_two()?;
            length_prefix()?;
            frames_gone_wrong()?;
            one_message_per_line()
        }
        ["client"] => client(parse_addr(DEFAULT_ADDR)?),
        ["client", addr] => client(parse_addr(addr)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

/// Part 1: the reader decides how the sends are grouped, not the writer.
fn three_sends_one_recv() -> Result<()> {
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

/// Part 2: one send, read in several pieces.
fn one_send_several_recvs() -> Result<()> {
    println!("2. One send, several recvs");
    let (mut writer, mut reader) = connected_pair()?;
    let mut buffer = [0u8; 1024];
    // ANCHOR: split
    // sk.sendall(3000 bytes): one call, and on loopback even one TCP segment.
    send(&mut writer, &[b'x'; 3000])?;
    println!("   sendall of 3000 bytes, in one call");
    let mut total = 0;
    while total < 3000 {
        // conn.recv(1024): never more than 1024 bytes, whatever was sent.
        let n = recv(&mut reader, &mut buffer)?;
        println!("   recv(1024) returned {n} bytes");
        total += n;
    }
    // ANCHOR_END: split

    // A million bytes, with a buffer that could hold them all: the reader still
    // gets them in pieces, as they arrive.
    const BIG: usize = 1_000_000;
    let big_writer = thread::spawn(move || send(&mut writer, &vec![b'y'; BIG]));
    let mut big_buffer = vec![0u8; BIG];
    let (mut total, mut reads) = (0, 0);
    while total < BIG {
        let n = recv(&mut reader, &mut big_buffer)?;
        if n == 0 {
            bail!("the writer closed after {total} of {BIG} bytes");
        }
        total += n;
        reads += 1;
    }
    join(big_writer)?;
    println!("   sendall of {BIG} bytes, in one call, read with recv({BIG}):");
    if reads > 1 {
        println!("   the first recv returned only part of it; it took more than one to read all");
    } else {
        println!("   this time it all came in one recv; run it again and it may not");
    }
    Ok(())
}

/// Part 3: `你好` in two pieces, cut in the middle of `好`.
fn a_character_cut_in_two() -> Result<()> {
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

// ANCHOR: decoder
/// Text that arrives in pieces, as UTF-8. Python's twin is
/// `codecs.getincrementaldecoder('utf-8')()`.
#[derive(Default)]
struct Utf8Decoder {
    /// The first bytes of a character whose other bytes have not arrived yet.
    pending: Vec<u8>,
}

impl Utf8Decoder {
    /// The text that `bytes` complete. An unfinished character at the end is kept
    /// for the next call; bytes that no UTF-8 text contains are an error.
    fn push(&mut self, bytes: &[u8]) -> Result<String> {
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
    fn finish(&self) -> Result<()> {
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

/// Part 4: frames, sent one byte per send and then all in one send.
fn length_prefix() -> Result<()> {
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

// ANCHOR: frames
/// The frame for `message`: its length as 4 bytes, big-endian (Python's
/// `struct.pack('>I', len(message))`), then the message.
fn encode_frame(message: &[u8]) -> Result<Vec<u8>> {
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
fn read_frame(reader: &mut impl Read) -> Result<Option<Vec<u8>>> {
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
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> Result<usize> {
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

/// Part 5: a length prefix that is too large, and a peer that leaves mid-frame.
fn frames_gone_wrong() -> Result<()> {
    println!("5. When a frame goes wrong");
    let cases: [(&str, &[u8]); 2] = [
        ("a length prefix of 4294967295", b"\xff\xff\xff\xff"),
        ("10 bytes announced, 3 sent", b"\x00\x00\x00\x0aabc"),
    ];
    for (what, bytes) in cases {
        let (mut writer, mut reader) = connected_pair()?;
        send(&mut writer, bytes)?;
        drop(writer); // hang up
        match read_frame(&mut reader) {
            Ok(frame) => println!("   {what}: read_frame returned {frame:?}?"),
            Err(error) => println!("   {what}: read_frame failed: {error:#}"),
        }
    }
    Ok(())
}

/// Part 6: newline-delimited messages, one byte per send.
fn one_message_per_line() -> Result<()> {
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

/// `framing client [ADDR]`: each line of stdin becomes one frame.
fn client(addr: SocketAddr) -> Result<()> {
    let mut sk = TcpStream::connect(addr)
        .with_context(|| format!("connect({addr}) failed: is the server running?"))?;
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin failed")?;
        let frame = encode_frame(line.as_bytes())?;
        sk.write_all(&frame)
            .with_context(|| format!("send to {addr} failed"))?;
        println!("sent a frame of 4 + {} bytes: {line:?}", line.len());
    }
    // sk.close(): the end of the stream, between two frames.
    Ok(())
}

/// A connected pair on loopback: the writer, with Nagle's algorithm off
/// (TCP_NODELAY) so that each send leaves at once, and the reader.
fn connected_pair() -> Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let writer = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    writer
        .set_nodelay(true)
        .context("setsockopt(TCP_NODELAY) failed")?;
    let (reader, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;
    Ok((writer, reader))
}

/// Python's `sendall`.
fn send(writer: &mut TcpStream, data: &[u8]) -> Result<()> {
    writer
        .write_all(data)
        .with_context(|| format!("sendall of {} bytes failed", data.len()))
}

/// Python's `recv(len(buffer))`.
fn recv(reader: &mut TcpStream, buffer: &mut [u8]) -> Result<usize> {
    reader
        .read(buffer)
        .with_context(|| format!("recv({}) failed", buffer.len()))
}

fn join(writer: JoinHandle<Result<()>>) -> Result<()> {
    writer
        .join()
        .map_err(|_| anyhow!("the writer's thread panicked"))?
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, DEFAULT_ADDR))
}

#[cfg(test)]
mod tests {
    use super::*;

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
