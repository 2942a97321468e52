//! peer plays each part the chapters ask of it: checked over real sockets.

use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{Program, accept_within, connect, loopback_listener, program_under_test};

const CHAPTER: &str = "book/src/troubleshooting.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn connect_sends_the_lines_prints_the_reply_and_ends_with_a_fin() {
    let (listener, addr) = loopback_listener();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("peer connected");
        let mut got = Vec::new();
        // read_to_end returns only at the FIN peer sends when its input ends.
        conn.read_to_end(&mut got).expect("read until the FIN");
        conn.write_all(&got.to_ascii_uppercase()).expect("reply");
        got
    });
    let run = program().run(&["connect", &addr.to_string()], "hello\nsecond line\n");
    assert_eq!(server.join().unwrap(), b"hello\nsecond line\n");
    run.assert_success()
        .assert_stdout(
            predicate::eq("HELLO\nSECOND LINE\n"),
            "the reply, unchanged",
        )
        .assert_stderr(
            predicate::str::contains("sent a FIN")
                .and(predicate::str::contains("closed the connection")),
            "says how the connection ended",
        );
}

#[test]
fn slow_sends_one_byte_at_a_time() {
    let (listener, addr) = loopback_listener();
    let mut running = program().spawn(&["slow", &addr.to_string(), "20"]);
    let (mut conn, _) = accept_within(&listener).expect("peer connected");
    running.stdin().write_all(b"abcd\n").unwrap();
    running.close_stdin();
    let start = Instant::now();
    let mut reads = Vec::new();
    let mut buffer = [0u8; 64];
    loop {
        let n = conn.read(&mut buffer).expect("read within the deadline");
        if n == 0 {
            break;
        }
        reads.push(buffer[..n].to_vec());
    }
    assert_eq!(reads.concat(), b"abcd\n");
    assert!(
        reads.iter().all(|r| r.len() == 1),
        "one byte per recv: {reads:?}"
    );
    assert!(
        start.elapsed() >= Duration::from_millis(60),
        "20 ms between bytes"
    );
    drop(conn); // peer waits for the server to close, as after any FIN it sends
    running.finish().assert_success();
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Windows drops a connection reset before accept() (accept fails with WSAECONNRESET, as Microsoft documents); this test accepts after the reset, which Linux allows"
)]
fn reset_ends_with_an_rst() {
    let (listener, addr) = loopback_listener();
    let run = program().run(&["reset", &addr.to_string()], "");
    run.assert_success().assert_stderr(
        predicate::str::contains("reset the connection"),
        "says it reset",
    );
    let (mut conn, _) = accept_within(&listener).expect("peer connected");
    let mut buffer = [0u8; 16];
    let error = conn.read(&mut buffer).expect_err("an RST, not a FIN");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
}

#[test]
fn listen_accepts_and_then_says_nothing() {
    let (mut server, addr) = program().start_server(&["listen", "127.0.0.1:0"]);
    let mut client = connect(addr);
    client.write_all(b"anyone there?\n").unwrap();
    server.wait_for_line_containing("reading nothing, answering nothing", "the accept");
    client
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buffer = [0u8; 16];
    let error = client
        .read(&mut buffer)
        .expect_err("no answer, and no close");
    assert!(
        matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{error}"
    );
}

#[test]
fn sink_reads_everything_and_counts_it() {
    let (mut server, addr) = program().start_server(&["sink", "127.0.0.1:0"]);
    let mut client = connect(addr);
    client.write_all(&vec![b'x'; 300_000]).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    server.wait_for_line_containing("300000 bytes, then the end of the stream", "the count");
}

#[test]
fn bad_arguments_print_usage_and_exit_2() {
    for args in [
        &[][..],
        &["talk"],
        &["connect", "nowhere"],
        &["slow", "127.0.0.1:1", "0"],
        &["listen", "127.0.0.1:0", "x"],
    ] {
        let run = program().run(args, "");
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", run.stderr);
        run.assert_stderr(predicate::str::contains("usage: peer"), "usage");
    }
    program().run(&["--help"], "").assert_success();
}
