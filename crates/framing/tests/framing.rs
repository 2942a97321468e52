//! framing: the demo, and the client that sends length-prefixed frames.

use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{
    Program, accept_within, loopback_listener, program_under_test, read_until_closed,
};

const CHAPTER: &str = "book/src/framing.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn the_demo_merges_splits_cuts_and_then_frames() {
    let start = Instant::now();
    let run = program().run(&[], "");
    let elapsed = start.elapsed();
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("recv(1024) returned 17 bytes: b\"applebananacherry\""),
            "part 1: three sends, one recv",
        )
        .assert_stdout(
            predicate::str::contains("recv(1024) returned 1024 bytes\n")
                .count(2)
                .and(predicate::str::contains("recv(1024) returned 952 bytes")),
            "part 2: one send, three recvs",
        )
        .assert_stdout(
            predicate::str::contains("the data ends in the middle of a character")
                .and(predicate::str::contains("\"你\", keeping b\"\\xe5\""))
                .and(predicate::str::contains("\"好\", keeping b\"\"")),
            "part 3: decoding each piece fails, the incremental decoder copes",
        )
        .assert_stdout(
            predicate::str::contains("read_frame: 20 bytes, \"你好，世界 😀\"")
                .count(2)
                .and(predicate::str::contains("between two frames").count(2)),
            "part 4: whole messages, whether sent byte by byte or at once",
        )
        .assert_stdout(
            predicate::str::contains("larger than the limit of 65536 bytes")
                .and(predicate::str::contains("3 of its 10 bytes had arrived")),
            "part 5: clear errors",
        )
        .assert_stdout(
            predicate::str::contains("read_until(b'\\n'): \"你好，世界 😀\""),
            "part 6: lines",
        );
    assert!(elapsed < Duration::from_millis(1900), "took {elapsed:?}");
}

#[test]
fn the_client_sends_each_line_as_one_frame() {
    let (listener, addr) = loopback_listener();
    let server = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("the client connects");
        read_until_closed(&mut conn).expect("the client closes")
    });
    program()
        .run(&["client", &addr.to_string()], "hello\n你好\n\n")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("sent a frame of 4 + 6 bytes: \"你好\""),
            "says what it sent",
        );
    let received = server.join().expect("the server thread");
    let expected: Vec<u8> = [
        &b"\0\0\0\x05hello"[..],
        b"\0\0\0\x06",
        "你好".as_bytes(),
        b"\0\0\0\0",
    ]
    .concat();
    assert_eq!(received, expected);
}

#[test]
fn a_client_with_nobody_to_talk_to_is_a_clean_error() {
    let closed = test_support::closed_port();
    program()
        .run(&["client", &closed.addr.to_string()], "hello\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains(closed.addr.to_string()),
            "name the address",
        );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["client", "127.0.0.1:1", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
