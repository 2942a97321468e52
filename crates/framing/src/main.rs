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

mod client;
mod cut_character;
mod decoder;
mod frames;
mod gone_wrong;
mod length_prefix;
mod lines;
mod merge;
mod pair;
mod split;

use std::net::SocketAddr;

use anyhow::Result;

const DEFAULT_ADDR: &str = "127.0.0.1:8088";
const USAGE: &str = "usage: framing [client [ADDR]]";
/// The messages parts 4 and 6 send: ASCII, Chinese ("banana", "hello, world") and
/// an emoji, so that characters of one to four bytes cross the connection.
pub const MESSAGES: [&str; 3] = ["apple", "香蕉", "你好，世界 😀"];

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
            merge::three_sends_one_recv()?;
            split::one_send_several_recvs()?;
            cut_character::a_character_cut_in_two()?;
            length_prefix::length_prefix()?;
            gone_wrong::frames_gone_wrong()?;
            lines::one_message_per_line()
        }
        ["client"] => client::client(parse_addr(DEFAULT_ADDR)?),
        ["client", addr] => client::client(parse_addr(addr)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, DEFAULT_ADDR))
}
