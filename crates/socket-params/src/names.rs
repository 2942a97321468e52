//! The names Python gives the families, types and protocols, beside the values
//! socket2 uses for them.

use socket2::{Domain, Type};

/// SOCK_RDM, "reliably delivered messages". socket2 has no constant for it, since
/// hardly any system offers it; its number is 4 on Linux, macOS, the BSDs and Windows.
const SOCK_RDM: i32 = 4;

// ANCHOR: params
/// The families to try, with Python's names: `socket.AF_INET` and so on.
pub const FAMILIES: [(&str, Domain); 3] = [
    ("AF_INET", Domain::IPV4),
    ("AF_INET6", Domain::IPV6),
    ("AF_UNIX", Domain::UNIX),
];

/// The types to try. std's TcpStream and UdpSocket cover the first two; socket2's
/// "all" feature adds RAW and SEQPACKET, and any number is a Type.
pub fn types() -> [(&'static str, Type); 5] {
    [
        ("SOCK_STREAM", Type::STREAM),
        ("SOCK_DGRAM", Type::DGRAM),
        ("SOCK_RAW", Type::RAW),
        ("SOCK_RDM", Type::from(SOCK_RDM)),
        ("SOCK_SEQPACKET", Type::SEQPACKET),
    ]
}
// ANCHOR_END: params

/// The names Python's `socket.getprotobyname` knows these numbers by. (Only the
/// systems with SO_PROTOCOL need it: the others cannot name the chosen protocol.)
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "fuchsia",
    windows
))]
pub fn protocol_name(number: i32) -> &'static str {
    match number {
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        58 => "ipv6-icmp",
        132 => "sctp",
        136 => "udplite",
        262 => "mptcp",
        _ => "?",
    }
}

pub fn type_name(kind: Type) -> String {
    types()
        .into_iter()
        .find(|(_, known)| *known == kind)
        .map_or_else(
            || format!("type {}", i32::from(kind)),
            |(name, _)| name.into(),
        )
}
