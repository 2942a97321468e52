//! Grades exercise 14, the hand-built SYN: the Internet checksum, an IPv4 header and
//! a TCP SYN, byte by byte, and then the real thing: the kernel must answer your SYN.
//!
//! The same file grades the reference answer (solutions/14-hand-built-syn). The
//! first tests read what `checksum HEX` and `syn SRC DST SEQ` print and check every
//! field with a checksum of their own. The last one runs the program with no
//! arguments: it enters a private user and network namespace (Linux; this machine
//! and CI allow it, so it never skips here) and sends your packet on its loopback.

use test_support::{Finished, Program, program_under_test};

const CHAPTER: &str = "the book's chapter \"Packets on the wire\" \
    (book/src/packets-on-the-wire.md), and exercises/14-hand-built-syn/hint.md";

fn run(args: &[&str]) -> Finished {
    let program: Program = program_under_test!(CHAPTER);
    let finished = program.run(args, "");
    finished.assert_success();
    finished
}

fn checksum_of(hex: &str) -> String {
    run(&["checksum", hex]).stdout.trim().to_string()
}

/// The test's own Internet checksum, to check the fields the program fills in.
fn reference_sum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for pair in data.chunks(2) {
        sum += u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The 40 bytes `syn SRC DST SEQ` prints.
fn syn_packet(src: &str, dst: &str, seq: u32) -> (Finished, Vec<u8>) {
    let finished = run(&["syn", src, dst, &seq.to_string()]);
    let hex = finished.stdout.trim().to_string();
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    if bytes.len() != 40 || hex.len() != 80 {
        finished.fail(&format!(
            "`syn {src} {dst} {seq}` should print 40 bytes as 80 hex digits (20 of IPv4 \
             header, 20 of TCP header), on one line; it printed {hex:?}"
        ));
    }
    (finished, bytes)
}

#[test]
fn checksum_of_rfc_1071s_example() {
    // RFC 1071, section 3: these words add up to 0xddf2; the checksum is its inverse.
    let got = checksum_of("0001f203f4f5f6f7");
    assert_eq!(
        got, "220d",
        "the checksum of 00 01 f2 03 f4 f5 f6 f7 is !0xddf2 = 0x220d: add the 16-bit \
         words, fold the carries, invert. Yours: {got}. See {CHAPTER}"
    );
}

#[test]
fn checksum_folds_every_carry() {
    // ffff + ffff = 1fffe: the carry goes back in (fffe + 1 = ffff), then 0001 more
    // makes 10000, whose carry goes back in again: 0001. Inverted: fffe.
    let got = checksum_of("ffffffff0001");
    assert_eq!(
        got, "fffe",
        "a carry out of the top bit is added back at the bottom (one's complement \
         addition), every time. With wrapping u16 additions the carries are lost. \
         Yours: {got} for ff ff ff ff 00 01. See {CHAPTER}"
    );
}

#[test]
fn checksum_pads_an_odd_byte() {
    let got = checksum_of("0102ab");
    assert_eq!(
        got,
        format!("{:04x}", reference_sum(&[1, 2, 0xab])),
        "an odd last byte counts as the HIGH half of a last word, its low half 0 \
         (ab becomes ab00). Yours: {got} for 01 02 ab. See {CHAPTER}"
    );
}

#[test]
fn ipv4_header_is_right() {
    for (src, dst) in [
        ("127.0.0.1:40000", "127.0.0.1:9999"),
        ("10.1.2.3:1234", "192.168.7.9:80"),
    ] {
        let (finished, p) = syn_packet(src, dst, 1_000_000);
        let problems = [
            (
                p[0] == 0x45,
                "byte 0 must be 0x45: version 4, header length 5 words",
            ),
            (
                p[2..4] == [0, 40],
                "bytes 2..4: the total length, 40 (header + TCP), big-endian",
            ),
            (p[8] > 0, "byte 8, the time to live, must not be 0"),
            (p[9] == 6, "byte 9: the protocol, 6 for TCP"),
            (
                reference_sum(&p[..20]) == 0,
                "bytes 10..12: the header's checksum is wrong",
            ),
        ];
        let ip = |s: &str| {
            s.split(':')
                .next()
                .unwrap_or("")
                .parse::<std::net::Ipv4Addr>()
                .unwrap()
        };
        let addresses = p[12..16] == ip(src).octets() && p[16..20] == ip(dst).octets();
        for (fine, what) in problems
            .into_iter()
            .chain([(addresses, "bytes 12..20: the addresses")])
        {
            if !fine {
                finished.fail(&format!(
                    "the IPv4 header from {src} to {dst}: {what}. Got {:02x?}",
                    &p[..20]
                ));
            }
        }
    }
}

#[test]
fn tcp_syn_is_right() {
    let (finished, p) = syn_packet("10.1.2.3:1234", "192.168.7.9:80", 0x0102_0304);
    let t = &p[20..];
    let problems = [
        (
            t[0..4] == [0x04, 0xd2, 0, 80],
            "bytes 0..4: the ports, 1234 and 80, big-endian",
        ),
        (
            t[4..8] == [1, 2, 3, 4],
            "bytes 4..8: the sequence number, big-endian",
        ),
        (
            t[8..12] == [0; 4],
            "bytes 8..12: a SYN acknowledges nothing: 0",
        ),
        (
            t[12] >> 4 == 5,
            "byte 12: data offset 5 (words) in its high half",
        ),
        (
            t[13] == 0x02,
            "byte 13: the flags, SYN (0x02) and nothing else",
        ),
        (
            t[14..16] != [0, 0],
            "bytes 14..16: a window of 0 would let nobody send",
        ),
    ];
    for (fine, what) in problems {
        if !fine {
            finished.fail(&format!("the TCP SYN: {what}. Got {t:02x?}"));
        }
    }
}

#[test]
fn tcp_checksum_covers_the_pseudo_header() {
    let (finished, p) = syn_packet("10.1.2.3:1234", "192.168.7.9:80", 7);
    let mut covered = Vec::new();
    covered.extend_from_slice(&p[12..20]); // source and destination address
    covered.extend_from_slice(&[0, 6, 0, 20]);
    covered.extend_from_slice(&p[20..]);
    if reference_sum(&covered) != 0 {
        finished.fail(&format!(
            "the TCP checksum (bytes 16..18 of the TCP header) must cover a pseudo-header \
             of both addresses, a zero, protocol 6 and the TCP length, then the TCP header. \
             Got {:02x?}",
            &p[20..]
        ));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_kernel_answers_your_syn() {
    let finished = run(&[]);
    if !finished.stdout.contains("got SYN/ACK") || !finished.stdout.contains("ack=1000001") {
        finished.fail(
            "your SYN went to a listening port on loopback, and no SYN/ACK came back: the \
             kernel drops a packet whose checksum, length or addresses are wrong, without \
             a word. Trace it: cargo run -p packet-trace -- target/debug/exercise-hand-built-syn",
        );
    }
    if !finished.stdout.contains("the kernel sent RST") {
        finished.fail("the kernel should have answered the SYN/ACK with RST");
    }
}
