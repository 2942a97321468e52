//! Python's `sendto` and `recvfrom`: UDP, where every send is one datagram.
//!
//! Run it:  cargo run -p udp-datagrams                      the demo, on loopback, by itself
//!          cargo run -p udp-datagrams -- server [ADDR]     an upper-casing echo server
//!          cargo run -p udp-datagrams -- client [ADDR]     sends each line of stdin to ADDR
//!
//! ADDR defaults to 127.0.0.1:9999, the first article's address (a UDP port is not a
//! TCP port: the two may be in use at once). With no arguments it shows, in well
//! under a second:
//!   1. each sendto is one datagram, and each recvfrom returns exactly one;
//!   2. recvfrom says who sent the datagram, so a server can answer each sender;
//!   3. a datagram larger than the buffer is cut, and the rest is lost;
//!   4. a closed port: a connected UDP socket hears about it, an unconnected one
//!      does not.

mod answer;
mod boundaries;
mod client;
mod closed_port;
mod cut;
mod server;
mod sockets;

use std::net::SocketAddr;

use anyhow::Result;

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const USAGE: &str = "usage: udp-datagrams [server [ADDR] | client [ADDR]]";
/// A buffer no UDP datagram can overflow: the largest payload is 65,507 bytes over
/// IPv4 and 65,527 over IPv6.
pub const MAX_DATAGRAM: usize = 65_536;

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => demo(),
        ["server"] => server::server(parse_addr(DEFAULT_ADDR)?),
        ["server", addr] => server::server(parse_addr(addr)?),
        ["client"] => client::client(parse_addr(DEFAULT_ADDR)?),
        ["client", addr] => client::client(parse_addr(addr)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn demo() -> Result<()> {
    boundaries::boundaries()?;
    answer::who_sent_it()?;
    cut::cut_by_a_small_buffer()?;
    closed_port::closed_port()
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, DEFAULT_ADDR))
}
