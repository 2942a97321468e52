//! Part 2: raw sockets, with their protocol named. Whether the kernel allows one
//! depends on who runs the program.

use socket2::{Domain, Protocol, Socket, Type};

use crate::refusals::{describe_error, why_refused};
use crate::table::protocol_chosen;

/// Part 2: raw sockets, with the protocol named.
pub fn raw_with_a_protocol() {
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
