//! udp-datagrams: the demo, the echo server and the client, over real UDP sockets.

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{DEADLINE, Program, program_under_test};

const CHAPTER: &str = "book/src/udp-datagrams.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// A UDP socket on loopback with a read deadline, as a test's client or server.
fn udp_socket() -> (UdpSocket, SocketAddr) {
    let sk = UdpSocket::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    sk.set_read_timeout(Some(DEADLINE))
        .expect("set_read_timeout");
    let addr = sk.local_addr().expect("local_addr");
    (sk, addr)
}

fn receive(sk: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = vec![0u8; 65_536];
    let (n, from) = sk
        .recv_from(&mut buffer)
        .expect("a reply within the deadline");
    (buffer[..n].to_vec(), from)
}

#[test]
fn the_demo_shows_boundaries_senders_cuts_and_a_closed_port() {
    let start = Instant::now();
    let run = program().run(&[], "");
    let elapsed = start.elapsed();
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("recvfrom(1024) returned 3 bytes b\"one\"")
                .and(predicate::str::contains("returned 7 bytes b\"two two\""))
                .and(predicate::str::contains(
                    "returned 17 bytes b\"three three three\"",
                )),
            "part 1: each recvfrom returns one datagram, whole",
        )
        .assert_stdout(
            predicate::str::contains("returned 0 bytes b\"\""),
            "part 1: the empty datagram arrives as one",
        )
        .assert_stdout(
            predicate::str::contains("a: recvfrom returned b\"HELLO FROM A\" from b").and(
                predicate::str::contains("c: recvfrom returned b\"HELLO FROM C\" from b"),
            ),
            "part 2: each sender gets its own answer",
        )
        .assert_stdout(
            predicate::str::contains("b\"abcdefghij\"")
                .and(predicate::str::contains("returned 4 bytes: b\"next\"")),
            "part 3: the datagram is cut, and the next one comes whole",
        )
        .assert_stdout(
            predicate::str::contains("unconnected: recvfrom(1024) gave up after"),
            "part 4: the unconnected socket hears nothing",
        );
    #[cfg(target_os = "linux")]
    run.assert_stdout(
        predicate::str::contains("recv(1024) failed after").and(predicate::str::contains(
            "kind ConnectionRefused, OS code 111",
        )),
        "part 4: the connected socket gets ECONNREFUSED",
    );
    assert!(elapsed < Duration::from_millis(1900), "took {elapsed:?}");
}

#[test]
fn the_server_answers_each_sender_at_its_own_address() {
    let (mut server, addr) = program().start_server(&["server", "127.0.0.1:0"]);
    let (a, a_addr) = udp_socket();
    let (b, _) = udp_socket();
    for (sk, data) in [(&a, "a one"), (&b, "b one"), (&a, "a two"), (&b, "")] {
        sk.send_to(data.as_bytes(), addr).expect("sendto");
    }
    for (sk, expected) in [(&a, "A ONE"), (&a, "A TWO"), (&b, "B ONE"), (&b, "")] {
        let (reply, from) = receive(sk);
        if reply != expected.as_bytes() || from != addr {
            server.fail(&format!(
                "expected {expected:?} from {addr}, got {:?} from {from}",
                String::from_utf8_lossy(&reply)
            ));
        }
    }
    server.wait_for_line_containing(&a_addr.to_string(), "a line naming the sender");
}

#[test]
fn the_server_echoes_bytes_that_are_not_utf8_and_goes_on() {
    let (mut server, addr) = program().start_server(&["server", "127.0.0.1:0"]);
    let (sk, _) = udp_socket();
    sk.send_to(b"caf\xe9 \xff", addr).expect("sendto");
    let (reply, _) = receive(&sk);
    assert_eq!(reply, b"CAF\xe9 \xff");
    server.wait_for_line_containing("(not UTF-8)", "a line saying the datagram is not UTF-8");
    sk.send_to(b"still there?", addr).expect("sendto");
    assert_eq!(receive(&sk).0, b"STILL THERE?");
}

#[test]
fn the_client_prints_each_reply_and_explains_one_that_is_not_utf8() {
    let (fake_server, addr) = udp_socket();
    let mut client = program().spawn(&["client", &addr.to_string()]);
    client
        .stdin()
        .write_all("hello\n你好\n".as_bytes())
        .expect("stdin");

    let (data, from) = receive(&fake_server);
    assert_eq!(data, b"hello");
    fake_server.send_to(b"\xff\xfe", from).expect("sendto");
    let line = client.wait_for_line_containing("reply from", "the first reply");
    if !line.contains("not valid UTF-8") {
        client.fail("a reply that is not UTF-8 should be explained, not printed");
    }

    let (data, from) = receive(&fake_server);
    assert_eq!(data, "你好".as_bytes());
    fake_server
        .send_to("你好!".as_bytes(), from)
        .expect("sendto");
    let line = client.wait_for_line_containing("reply from", "the second reply");
    assert!(line.ends_with("\"你好!\""), "{line}");

    client.close_stdin();
    client.finish().assert_success();
}

#[test]
fn the_client_gives_up_on_a_reply_that_never_comes() {
    let (silent, addr) = udp_socket();
    let start = Instant::now();
    let run = program().run(&["client", &addr.to_string()], "anyone?\n");
    run.assert_success().assert_stdout(
        predicate::str::contains(format!("no reply from {addr} within 1s")),
        "a lost reply: the client says so and goes on",
    );
    assert!(start.elapsed() >= Duration::from_millis(950));
    assert_eq!(receive(&silent).0, b"anyone?");
}

#[test]
fn a_bad_address_is_a_clean_error() {
    program()
        .run(&["server", "nowhere"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("\"nowhere\" is not an address"),
            "say which argument is wrong",
        );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["server", "127.0.0.1:0", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
