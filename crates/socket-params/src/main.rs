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

use std::io;

use anyhow::Result;
use connect_ex::errno_name;
use socket2::{Domain, Protocol, Socket, Type};

/// SOCK_RDM, "reliably delivered messages". socket2 has no constant for it, since
/// hardly any system offers it; its number is 4 on Linux, macOS, the BSDs and Windows.
const SOCK_RDM: i32 = 4;

// ANCHOR: params
/// The families to try, with Python's names: `socket.AF_INET` and so on.
const FAMILIES: [(&str, Domain); 3] = [
    ("AF_INET", Domain::IPV4),
    ("AF_INET6", Domain::IPV6),
    ("AF_UNIX", Domain::UNIX),
];

/// The types to try. std's TcpStream and UdpSocket cover the first two; socket2's
/// "all" feature adds RAW and SEQPACKET, and any number is a Type.
fn types() -> [(&'static str, Type); 5] {
    [
        ("SOCK_STREAM", Type::STREAM),
        ("SOCK_DGRAM", Type::DGRAM),
        ("SOCK_RAW", Type::RAW),
        ("SOCK_RDM", Type::from(SOCK_RDM)),
        ("SOCK_SEQPACKET", Type::SEQPACKET),
    ]
}
// ANCHOR_END: params

fn main() -> Result<()> {
    // No arguments: it tries every family with every type by itself. `--help` and
    // any argument: the usage (program-support).
    program_support::Args::new("usage: socket-params   (no arguments)").finish();
    every_family_and_type();
    raw_with_a_protocol();
    message_edges()
}

/// The protocol part 1 asks for: None is proto 0, the family's default for the type.
/// (*Break it on purpose* in the chapter sets it to `Some(Protocol::UDP)`.)
const PROTO: Option<Protocol> = None;

/// Part 1: the table of `socket(family, type, 0)`.
fn every_family_and_type() {
    match PROTO {
        None => {
            println!("1. socket(family, type, 0): proto 0 asks the kernel to choose the protocol")
        }
        Some(protocol) => println!(
            "1. socket(family, type, {}): every family and type asked for this protocol",
            i32::from(protocol)
        ),
    }
    println!("   {:<9} {:<15} result", "family", "type");
    for (family_name, family) in FAMILIES {
        for (type_name, kind) in types() {
            // ANCHOR: try_one
            // socket.socket(family, type, 0): PROTO is None, proto 0, "you choose".
            let outcome = Socket::new(family, kind, PROTO);
            // ANCHOR_END: try_one
            print!("   {family_name:<9} {type_name:<15} ");
            match outcome {
                Ok(socket) => println!("{}", describe_created(&socket, family, kind)),
                Err(error) => {
                    println!("failed   {}", describe_error(&error));
                    if let Some(why) = why_refused(&error, family, type_name, PROTO) {
                        println!("   {:<25} ({why})", "");
                    }
                }
            }
            // The socket, if one was made, is dropped here: close().
        }
    }
}

// ANCHOR: created
/// What a socket that was created turned out to be: the protocol proto 0 chose
/// (SO_PROTOCOL), and its type (SO_TYPE) when that is not the type asked for.
fn describe_created(socket: &Socket, family: Domain, asked: Type) -> String {
    let mut text = format!("created  {}", protocol_chosen(socket, family));
    match socket.r#type() {
        // SO_TYPE: the kernel may make something else than what was asked.
        Ok(actual) if actual != asked => {
            text.push_str(&format!(", but SO_TYPE says {}", type_name(actual)));
            if family == Domain::UNIX && asked == Type::RAW {
                text.push_str(&format!(
                    "\n   {:<25} (Linux quietly makes an AF_UNIX SOCK_RAW a SOCK_DGRAM)",
                    ""
                ));
            }
        }
        Ok(_) => {}
        Err(error) => text.push_str(&format!(", SO_TYPE unreadable: {error}")),
    }
    text
}
// ANCHOR_END: created

/// The protocol the kernel chose for `socket`, read back with SO_PROTOCOL. (Python's
/// `sk.proto` only repeats the 0 you passed; `sk.getsockopt(socket.SOL_SOCKET,
/// socket.SO_PROTOCOL)` asks the kernel, as this does.)
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "fuchsia",
    windows
))]
fn protocol_chosen(socket: &Socket, family: Domain) -> String {
    match socket.protocol() {
        Ok(Some(protocol)) => {
            let number = i32::from(protocol);
            format!("SO_PROTOCOL {number} ({})", protocol_name(number))
        }
        // 0: a Unix socket has no protocol numbers to choose from.
        Ok(None) if family == Domain::UNIX => "SO_PROTOCOL 0 (AF_UNIX has none)".into(),
        Ok(None) => "SO_PROTOCOL 0".into(),
        Err(error) => format!("SO_PROTOCOL unreadable: {}", describe_error(&error)),
    }
}

/// macOS and most BSDs have no SO_PROTOCOL: the protocol chosen cannot be read back.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "fuchsia",
    windows
)))]
fn protocol_chosen(_socket: &Socket, _family: Domain) -> String {
    "(this system cannot report the protocol: it has no SO_PROTOCOL)".into()
}

/// The names Python's `socket.getprotobyname` knows these numbers by. (Only the
/// systems with SO_PROTOCOL need it: the others cannot name the chosen protocol.)
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "fuchsia",
    windows
))]
fn protocol_name(number: i32) -> &'static str {
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

fn type_name(kind: Type) -> String {
    types()
        .into_iter()
        .find(|(_, known)| *known == kind)
        .map_or_else(
            || format!("type {}", i32::from(kind)),
            |(name, _)| name.into(),
        )
}

/// An OS error as `93 EPROTONOSUPPORT  Protocol not supported`.
fn describe_error(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => {
            let name = errno_name(code).unwrap_or_else(|| "(no name)".into());
            let full = error.to_string();
            let message = full
                .strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&full);
            format!("{code} {name}  {message}")
        }
        None => error.to_string(),
    }
}

// ANCHOR: why
/// Why the kernel refused, for the refusals this table meets. Keyed on the error's
/// name, so the reason printed is always the one the kernel gave. `asked` is the
/// protocol the call named (None: proto 0).
fn why_refused(
    error: &io::Error,
    family: Domain,
    type_name: &str,
    asked: Option<Protocol>,
) -> Option<&'static str> {
    let name = errno_name(error.raw_os_error()?)?;
    // Windows' names are the same with WSA in front: WSAESOCKTNOSUPPORT.
    let name = name.strip_prefix("WSA").unwrap_or(&name);
    let over_ip = family != Domain::UNIX;
    if asked.is_some() && matches!(name, "EPROTONOSUPPORT" | "EPROTOTYPE") {
        // A protocol was named, and the family has no protocol of that number for
        // this type (it may well offer the type with another one).
        return Some("the family has no such protocol for this type");
    }
    Some(match (name, type_name) {
        ("EPROTONOSUPPORT", "SOCK_RAW") => "a raw socket has no default protocol: see part 2",
        ("ESOCKTNOSUPPORT" | "EPROTONOSUPPORT", "SOCK_RDM") => {
            "nothing here offers SOCK_RDM; on Linux only AF_TIPC does"
        }
        ("ESOCKTNOSUPPORT" | "EPROTONOSUPPORT", "SOCK_SEQPACKET") if over_ip => {
            "over IP this type is SCTP, and this system has no SCTP available"
        }
        ("EPERM" | "EACCES", _) => "raw sockets need CAP_NET_RAW, which root has",
        ("EAFNOSUPPORT", _) => "this system does not offer the family at all",
        ("ESOCKTNOSUPPORT" | "EPROTOTYPE" | "EPROTONOSUPPORT", _) => {
            "this family does not offer this type"
        }
        _ => return None,
    })
}
// ANCHOR_END: why

/// Part 2: raw sockets, with the protocol named.
fn raw_with_a_protocol() {
    println!("2. socket(family, SOCK_RAW, proto): a raw socket must name its protocol");
    println!("   CAP_NET_RAW: {}", cap_net_raw());
    let attempts = [
        ("AF_INET", Domain::IPV4, "IPPROTO_ICMP", Protocol::ICMPV4),
        ("AF_INET6", Domain::IPV6, "IPPROTO_ICMPV6", Protocol::ICMPV6),
    ];
    for (family_name, family, protocol_name, protocol) in attempts {
        let call = format!("socket({family_name}, SOCK_RAW, {protocol_name})");
        // ANCHOR: raw
        // socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        match Socket::new(family, Type::RAW, Some(protocol)) {
            Ok(socket) => println!(
                "   {call:<42} created  {}",
                protocol_chosen(&socket, family)
            ),
            Err(error) => {
                println!("   {call:<42} failed   {}", describe_error(&error));
                if let Some(why) = why_refused(&error, family, "SOCK_RAW", Some(protocol)) {
                    println!("   {:<42} ({why})", "");
                }
            }
        }
        // ANCHOR_END: raw
    }
}

/// Whether this process holds CAP_NET_RAW, the privilege raw sockets need: bit 13
/// of the effective capabilities that /proc/self/status lists.
#[cfg(target_os = "linux")]
fn cap_net_raw() -> String {
    const CAP_NET_RAW: u32 = 13;
    let status = match std::fs::read_to_string("/proc/self/status") {
        Ok(status) => status,
        Err(error) => return format!("unknown (reading /proc/self/status failed: {error})"),
    };
    let effective = status
        .lines()
        .find_map(|line| line.strip_prefix("CapEff:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok());
    match effective {
        Some(bits) if bits & (1 << CAP_NET_RAW) != 0 => {
            "yes, this process has it (root, or granted), so raw sockets may be created".into()
        }
        Some(_) => {
            "no, this process lacks it (an ordinary user), so raw sockets are refused".into()
        }
        None => "unknown (no CapEff line in /proc/self/status)".into(),
    }
}

#[cfg(not(target_os = "linux"))]
fn cap_net_raw() -> String {
    "not checked (Linux only); elsewhere raw sockets usually need root or an administrator".into()
}

/// Part 3: three sends, then one recv, on a connected pair of Unix sockets of each
/// type that keeps a connection or messages.
#[cfg(unix)]
fn message_edges() -> Result<()> {
    use anyhow::Context;
    use std::io::Read;

    println!("3. What the type changes: send three messages, then recv(1024) once");
    for (type_name, kind) in [
        ("SOCK_STREAM", Type::STREAM),
        ("SOCK_DGRAM", Type::DGRAM),
        ("SOCK_SEQPACKET", Type::SEQPACKET),
    ] {
        // ANCHOR: edges
        // a, b = socket.socketpair(socket.AF_UNIX, kind): two connected sockets
        let (a, b) = Socket::pair(Domain::UNIX, kind, None)
            .with_context(|| format!("socketpair(AF_UNIX, {type_name}) failed"))?;
        for message in [&b"one"[..], b"two", b"three"] {
            a.send(message)
                .with_context(|| format!("send on a {type_name} pair failed"))?;
        }
        let mut buffer = [0u8; 1024];
        let n = (&b)
            .read(&mut buffer)
            .with_context(|| format!("recv(1024) on a {type_name} pair failed"))?;
        // ANCHOR_END: edges
        let received = &buffer[..n];
        let note = match received {
            b"one" => "one message, as it was sent",
            b"onetwothree" => "all three, run together: the edges are lost",
            _ => "some of the bytes",
        };
        println!(
            "   {type_name:<15} recv(1024) -> {:<16} {note}",
            format!("b\"{}\"", received.escape_ascii())
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn message_edges() -> Result<()> {
    println!("3. (Unix socket pairs are Unix only: skipped here)");
    Ok(())
}
