//! Grades exercise 11, the UDP echo server that answers each sender at its own
//! address.
//!
//! The same file grades the reference answer (solutions/11-udp-datagrams). Each test
//! starts the server on 127.0.0.1:0, reads its `listening on ADDR` line, and plays
//! one or two clients with UDP sockets of its own.

use std::net::{SocketAddr, UdpSocket};

use test_support::{DEADLINE, Program, Running, program_under_test};

const CHAPTER: &str = "the book's chapter \"UDP: sendto and recvfrom\" \
    (book/src/udp-datagrams.md), and exercises/11-udp-datagrams/hint.md";

fn start() -> (Running, SocketAddr) {
    start_on("127.0.0.1:0")
}

fn start_on(local: &str) -> (Running, SocketAddr) {
    let program: Program = program_under_test!(CHAPTER);
    program.start_server(&[local])
}

/// A client's UDP socket on loopback, with a deadline on every read.
fn client() -> UdpSocket {
    client_on("127.0.0.1:0")
}

/// A client's UDP socket on `local` (port 0), with a deadline on every read.
fn client_on(local: &str) -> UdpSocket {
    let sk = UdpSocket::bind(local).unwrap_or_else(|e| panic!("bind {local}: {e}"));
    sk.set_read_timeout(Some(DEADLINE))
        .expect("set_read_timeout");
    sk
}

fn send(server: &mut Running, sk: &UdpSocket, addr: SocketAddr, data: &[u8]) {
    if let Err(e) = sk.send_to(data, addr) {
        server.fail(&format!("sendto({addr}) failed: {e}"));
    }
}

/// Receives the next datagram on `sk` and fails unless it is `expected`, from the
/// server at `addr`. `sent` describes what was sent, for the message.
#[track_caller]
fn expect_reply(
    server: &mut Running,
    sk: &UdpSocket,
    addr: SocketAddr,
    sent: &str,
    expected: &[u8],
) {
    let me = sk.local_addr().expect("local_addr");
    let mut buffer = vec![0u8; 65_536];
    let (n, from) = match sk.recv_from(&mut buffer) {
        Ok(received) => received,
        Err(e) => server.fail(&format!(
            "The client at {me} sent {sent} and waited {DEADLINE:?} for the reply, \
             b\"{}\", but no datagram came ({e}). The reply must go to the address \
             recv_from returned with the datagram: that sender's own address.",
            shorten(expected)
        )),
    };
    let reply = &buffer[..n];
    if from != addr {
        server.fail(&format!(
            "The client at {me} got a datagram from {from}, not from the server's address \
             {addr}. Reply with the socket you received on."
        ));
    }
    if reply != expected {
        server.fail(&format!(
            "The client at {me} sent {sent}; the reply should be exactly one datagram, \
             b\"{}\" ({} bytes), but it was b\"{}\" ({} bytes).",
            shorten(expected),
            expected.len(),
            shorten(reply),
            reply.len()
        ));
    }
}

/// Some bytes, escaped, and shortened when long.
fn shorten(data: &[u8]) -> String {
    let text = data.escape_ascii().to_string();
    if text.len() > 60 {
        format!("{}…", &text[..60])
    } else {
        text
    }
}

#[test]
fn answers_each_sender_at_its_own_address() {
    let (mut server, addr) = start();
    let a = client();
    let b = client();
    // Interleaved: a, b, a, b. Each must get its own replies and nobody else's.
    for (sk, data) in [
        (&a, "a: first"),
        (&b, "b: first"),
        (&a, "a: second"),
        (&b, "b: second"),
    ] {
        send(&mut server, sk, addr, data.as_bytes());
    }
    expect_reply(&mut server, &a, addr, "\"a: first\"", b"A: FIRST");
    expect_reply(&mut server, &a, addr, "\"a: second\"", b"A: SECOND");
    expect_reply(&mut server, &b, addr, "\"b: first\"", b"B: FIRST");
    expect_reply(&mut server, &b, addr, "\"b: second\"", b"B: SECOND");
}

#[test]
fn keeps_each_datagram_whole_and_apart() {
    let (mut server, addr) = start();
    let sk = client();
    // Three datagrams before reading any reply: three replies, never one glued or
    // split reply.
    let messages = ["one", "two two", "three three three"];
    for message in messages {
        send(&mut server, &sk, addr, message.as_bytes());
    }
    for message in messages {
        let expected = message.to_ascii_uppercase();
        expect_reply(
            &mut server,
            &sk,
            addr,
            &format!("{message:?}"),
            expected.as_bytes(),
        );
    }
}

#[test]
fn answers_an_empty_datagram_with_an_empty_one() {
    let (mut server, addr) = start();
    let sk = client();
    send(&mut server, &sk, addr, b"");
    expect_reply(
        &mut server,
        &sk,
        addr,
        "an empty datagram (0 bytes: with UDP a message of its own, not the end of anything)",
        b"",
    );
    send(&mut server, &sk, addr, b"and then");
    expect_reply(&mut server, &sk, addr, "\"and then\"", b"AND THEN");
}

#[test]
fn a_datagram_larger_than_1024_bytes_comes_back_whole() {
    let (mut server, addr) = start();
    let sk = client();
    let big: Vec<u8> = b"udp! ".iter().copied().cycle().take(5000).collect();
    send(&mut server, &sk, addr, &big);
    expect_reply(
        &mut server,
        &sk,
        addr,
        "a datagram of 5000 bytes (is the buffer big enough? recv_from cuts what does not \
         fit)",
        &big.to_ascii_uppercase(),
    );
}

/// The largest payload one UDP datagram carries over IPv4: 65,535 bytes of IP
/// packet, less 20 of IP header and 8 of UDP header.
const LARGEST_OVER_IPV4: usize = 65_507;
/// Over IPv6 the 40-byte header is not counted in the packet's length: 65,535
/// less the 8 of the UDP header.
const LARGEST_OVER_IPV6: usize = 65_527;

/// Sends one datagram of `size` bytes and expects all of it back, upper-cased.
fn check_whole(server: &mut Running, sk: &UdpSocket, addr: SocketAddr, size: usize, why: &str) {
    let big: Vec<u8> = b"datagram ".iter().copied().cycle().take(size).collect();
    send(server, sk, addr, &big);
    expect_reply(
        server,
        sk,
        addr,
        &format!("one datagram of {size} bytes ({why})"),
        &big.to_ascii_uppercase(),
    );
}

#[test]
fn the_largest_datagram_comes_back_whole() {
    let (mut server, addr) = start();
    let sk = client();
    check_whole(
        &mut server,
        &sk,
        addr,
        LARGEST_OVER_IPV4,
        "the largest IPv4 allows; a buffer of 4 or 8 KiB cuts it, and recv_from drops \
         the rest without a word",
    );
    send(&mut server, &sk, addr, b"and a small one");
    expect_reply(
        &mut server,
        &sk,
        addr,
        "\"and a small one\"",
        b"AND A SMALL ONE",
    );
}

#[test]
fn answers_on_ipv6_even_the_largest_datagram() {
    let (mut server, addr) = start_on("[::1]:0");
    let sk = client_on("[::1]:0");
    send(&mut server, &sk, addr, b"hello over six");
    expect_reply(
        &mut server,
        &sk,
        addr,
        "\"hello over six\"",
        b"HELLO OVER SIX",
    );
    check_whole(
        &mut server,
        &sk,
        addr,
        LARGEST_OVER_IPV6,
        "the largest IPv6 allows, 20 bytes more than IPv4's 65,507; make the buffer big \
         enough for any datagram, 65,536 bytes",
    );
}

#[test]
fn echoes_bytes_that_are_not_utf8_and_goes_on() {
    let (mut server, addr) = start();
    let sk = client();
    send(&mut server, &sk, addr, b"caf\xe9 \xff");
    expect_reply(
        &mut server,
        &sk,
        addr,
        "b\"caf\\xe9 \\xff\" (not UTF-8: only the ASCII letters change)",
        b"CAF\xe9 \xff",
    );
    send(&mut server, &sk, addr, b"still there?");
    expect_reply(&mut server, &sk, addr, "\"still there?\"", b"STILL THERE?");
}

#[test]
fn names_each_sender() {
    let (mut server, addr) = start();
    let sk = client();
    let me = sk.local_addr().expect("local_addr").to_string();
    send(&mut server, &sk, addr, b"who am i");
    expect_reply(&mut server, &sk, addr, "\"who am i\"", b"WHO AM I");
    server.wait_for_line_containing(
        &me,
        &format!("a line naming the sender, {me} (recv_from returns it)"),
    );
}
