//! The headers on the wire, read and written by hand.
//!
//! A crate such as etherparse would decode these too, but the lesson *is* the layout:
//! which byte holds the flags, why the sequence number takes four, what a checksum
//! adds up. Forty lines of offsets, each named after RFC 791 (IPv4), RFC 793 (TCP) and
//! RFC 792 (ICMP), read better here than a library's types would.

use std::net::{Ipv4Addr, SocketAddrV4};

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_TCP: u8 = 6;

/// TCP's flag bits, in byte 13 of its header.
pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

// ANCHOR: checksum
/// The Internet checksum (RFC 1071) over the concatenation of `parts`: add the data
/// as big-endian 16-bit words (an odd last byte padded with a zero), fold every carry
/// back into the low 16 bits, and invert. Each part but the last must have an even
/// length (a pseudo-header and a TCP header have).
pub fn internet_checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        for pair in part.chunks(2) {
            let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
            sum += u32::from(word);
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
// ANCHOR_END: checksum

/// An IPv4 packet: the header fields the course shows, and what it carries.
#[derive(Clone, Debug)]
pub struct Ipv4<'a> {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub ttl: u8,
    pub header_len: usize,
    pub payload: &'a [u8],
}

// ANCHOR: parse_ipv4
/// Reads an IPv4 header; `None` if `packet` is not a whole IPv4 packet.
pub fn parse_ipv4(packet: &[u8]) -> Option<Ipv4<'_>> {
    let version = packet.first()? >> 4;
    let header_len = usize::from(packet[0] & 0x0f) * 4; // IHL counts 32-bit words
    if version != 4 || header_len < 20 || packet.len() < header_len {
        return None;
    }
    let total_len = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    let end = total_len.clamp(header_len, packet.len());
    Some(Ipv4 {
        ttl: packet[8],
        protocol: packet[9],
        src: Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]),
        dst: Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]),
        header_len,
        payload: &packet[header_len..end],
    })
}
// ANCHOR_END: parse_ipv4

/// A TCP segment: ports, numbers, flags, window, and its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tcp {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub window: u16,
    pub data: Vec<u8>,
}

// ANCHOR: parse_tcp
/// Reads a TCP header and its data; `None` if `segment` is too short.
pub fn parse_tcp(segment: &[u8]) -> Option<Tcp> {
    let be16 = |at: usize| u16::from_be_bytes([segment[at], segment[at + 1]]);
    let be32 = |at: usize| u32::from_be_bytes(segment[at..at + 4].try_into().unwrap_or([0; 4]));
    if segment.len() < 20 {
        return None;
    }
    let header_len = usize::from(segment[12] >> 4) * 4; // data offset, in 32-bit words
    if header_len < 20 || segment.len() < header_len {
        return None;
    }
    Some(Tcp {
        src_port: be16(0),
        dst_port: be16(2),
        seq: be32(4),
        ack: be32(8),
        flags: segment[13],
        window: be16(14),
        data: segment[header_len..].to_vec(),
    })
}
// ANCHOR_END: parse_tcp

/// The flags as the articles write them: `SYN`, `SYN/ACK`, `PSH/ACK`, `FIN/ACK`, `RST`.
pub fn flag_names(flags: u8) -> String {
    let names: Vec<&str> = [
        (SYN, "SYN"),
        (FIN, "FIN"),
        (RST, "RST"),
        (PSH, "PSH"),
        (ACK, "ACK"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, name)| *name)
    .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join("/")
    }
}

// ANCHOR: build_ipv4
/// A 20-byte IPv4 header (no options) for `payload_len` bytes of `protocol`.
pub fn ipv4_header(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, payload_len: usize) -> [u8; 20] {
    let total_len = (20 + payload_len) as u16;
    let mut header = [0u8; 20];
    header[0] = 0x45; // version 4, IHL 5 words (20 bytes)
    header[2..4].copy_from_slice(&total_len.to_be_bytes());
    header[4..6].copy_from_slice(&0x5253u16.to_be_bytes()); // identification: any
    header[6] = 0x40; // flags: don't fragment
    header[8] = 64; // time to live
    header[9] = protocol;
    header[12..16].copy_from_slice(&src.octets());
    header[16..20].copy_from_slice(&dst.octets());
    let checksum = internet_checksum(&[&header]); // computed with its own field 0
    header[10..12].copy_from_slice(&checksum.to_be_bytes());
    header
}
// ANCHOR_END: build_ipv4

// ANCHOR: build_syn
/// A 20-byte TCP header with only SYN set, sequence number `seq`, and its checksum,
/// which covers a *pseudo-header* of the addresses too.
pub fn tcp_syn(src: SocketAddrV4, dst: SocketAddrV4, seq: u32) -> [u8; 20] {
    let mut tcp = [0u8; 20];
    tcp[0..2].copy_from_slice(&src.port().to_be_bytes());
    tcp[2..4].copy_from_slice(&dst.port().to_be_bytes());
    tcp[4..8].copy_from_slice(&seq.to_be_bytes());
    // ack (8..12) stays 0: a SYN acknowledges nothing
    tcp[12] = 5 << 4; // data offset: 5 words, no options
    tcp[13] = SYN;
    tcp[14..16].copy_from_slice(&64240u16.to_be_bytes()); // window
    let checksum = internet_checksum(&[&pseudo_header(src, dst, tcp.len()), &tcp]);
    tcp[16..18].copy_from_slice(&checksum.to_be_bytes());
    tcp
}

/// What TCP's checksum covers besides the segment: source and destination address,
/// a zero, the protocol number and the segment's length.
pub fn pseudo_header(src: SocketAddrV4, dst: SocketAddrV4, tcp_len: usize) -> [u8; 12] {
    let mut pseudo = [0u8; 12];
    pseudo[0..4].copy_from_slice(&src.ip().octets());
    pseudo[4..8].copy_from_slice(&dst.ip().octets());
    pseudo[9] = PROTO_TCP;
    pseudo[10..12].copy_from_slice(&(tcp_len as u16).to_be_bytes());
    pseudo
}
// ANCHOR_END: build_syn

// ANCHOR: icmp_echo
/// An ICMP echo request (type 8, code 0) with its checksum.
pub fn icmp_echo_request(id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut message = vec![8, 0, 0, 0];
    message.extend_from_slice(&id.to_be_bytes());
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(data);
    let checksum = internet_checksum(&[&message]);
    message[2..4].copy_from_slice(&checksum.to_be_bytes());
    message
}
// ANCHOR_END: icmp_echo

/// Bytes as hexadecimal pairs, 20 to a line, each line indented by `indent`.
pub fn hex_lines(bytes: &[u8], indent: &str) -> String {
    bytes
        .chunks(20)
        .map(|line| {
            let pairs: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
            format!("{indent}{}", pairs.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_of_rfc_1071s_example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (before inverting).
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(internet_checksum(&[&data]), !0xddf2);
    }

    #[test]
    fn a_header_with_its_checksum_sums_to_zero() {
        let header = ipv4_header(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, PROTO_TCP, 20);
        assert_eq!(internet_checksum(&[&header]), 0);
        let ip = parse_ipv4(&header).unwrap();
        assert_eq!((ip.protocol, ip.header_len, ip.ttl), (PROTO_TCP, 20, 64));
    }

    #[test]
    fn a_syn_reads_back_and_its_checksum_checks() {
        let src = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 40000);
        let dst = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9999);
        let syn = tcp_syn(src, dst, 1_000_000);
        let tcp = parse_tcp(&syn).unwrap();
        assert_eq!(
            (tcp.src_port, tcp.dst_port, tcp.seq),
            (40000, 9999, 1_000_000)
        );
        assert_eq!(flag_names(tcp.flags), "SYN");
        assert_eq!(internet_checksum(&[&pseudo_header(src, dst, 20), &syn]), 0);
    }

    #[test]
    fn an_odd_byte_is_padded_and_echo_requests_check() {
        assert_eq!(internet_checksum(&[&[0x12]]), !0x1200);
        let echo = icmp_echo_request(7, 1, b"abc");
        assert_eq!(internet_checksum(&[&echo]), 0);
    }

    #[test]
    fn flags_are_named_as_the_articles_do() {
        assert_eq!(flag_names(SYN | ACK), "SYN/ACK");
        assert_eq!(flag_names(FIN | ACK), "FIN/ACK");
        assert_eq!(flag_names(RST | ACK), "RST/ACK");
    }
}
