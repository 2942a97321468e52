//! Python's `socket.socket(family, type, proto)`: which families and types go
//! together, and which protocol the kernel picks when proto is 0.
//!
//! Run it:  cargo run -p socket-params
//!
//! 1. It asks for a socket of every family (AF_INET, AF_INET6, AF_UNIX) with every
//!    type (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET) and proto 0,
//!    and prints one row for each: `created` with the protocol the kernel chose (the
//!    socket option SO_PROTOCOL), or the error the kernel gave, by number and name,
//!    with a line saying why.
//! 2. It asks for raw sockets again, this time naming their protocol (ICMP), where
//!    the answer depends on who runs the program: a raw socket needs the privilege
//!    CAP_NET_RAW, which root has and an ordinary user has not.
//! 3. It shows what the type changes, on pairs of connected Unix sockets: three
//!    sends, then one recv. A stream hands over all the bytes at once; a datagram
//!    or a SOCK_SEQPACKET socket hands over one message. (Unix only.)
//!
//! Every row is what this run observed; nothing is assumed. Run it as root and as
//! an ordinary user, or on Linux and on macOS, and the rows differ.

mod edges;
mod names;
mod raw;
mod refusals;
mod table;

use anyhow::Result;

fn main() -> Result<()> {
    // No arguments: it tries every family with every type by itself. `--help` and
    // any argument: the usage (program-support).
    program_support::Args::new("usage: socket-params   (no arguments)").finish();
    table::every_family_and_type();
    raw::raw_with_a_protocol();
    edges::message_edges()
}
