//! listen-backlog fills a listener's accept queue by itself, and watches its own
//! queue when run as a server.

use std::net::TcpStream;
use std::time::Instant;

use predicates::prelude::*;
use test_support::{DEADLINE, Program, program_under_test};

const CHAPTER: &str = "book/src/listen-backlog.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn the_demo_fills_the_queue_and_drains_it() {
    let start = Instant::now();
    let run = program().run(&[], "");
    let elapsed = start.elapsed();
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("connect #1: connected after"),
            "connect() completes with nobody in accept()",
        )
        .assert_stdout(
            predicate::str::contains("accept() #1:")
                .and(predicate::str::contains("from connect #1")),
            "accept() takes the oldest connection first",
        )
        .assert_stdout(
            predicate::str::contains("a new client gets in again"),
            "part 3 runs",
        );
    // Linux: listen(2) admits 3, drops the 4th SYN, and /proc shows the queue.
    #[cfg(target_os = "linux")]
    run.assert_stdout(
        predicate::str::contains("connect #3: connected after")
            .and(predicate::str::contains("; accept queue: 3"))
            .and(predicate::str::contains("connect #4: no answer within"))
            .and(predicate::str::contains(
                "listen(2) let 3 connections complete",
            ))
            .and(predicate::str::contains("from connect #3; accept queue: 0"))
            .and(predicate::str::contains("connect #5: connected after")),
        "on Linux: 3 connections for listen(2), the 4th times out, and the queue drains to 0",
    );
    // One connect that waits 0.3 s, and little else. The bound is the test's own
    // deadline, so that a machine busy with other builds does not fail it; a demo
    // that hangs is stopped at that deadline anyway.
    assert!(elapsed < test_support::DEADLINE, "took {elapsed:?}");
}

#[test]
fn as_a_server_it_never_accepts() {
    let (mut server, addr) = program().start_server(&["127.0.0.1:0", "1"]);
    server.wait_for_line_containing("never calls accept()", "what the server does");
    // With nobody calling accept(), two connections still complete: the kernel
    // made them, and listen(1) has room for 1 + 1 on Linux.
    let first = TcpStream::connect_timeout(&addr, DEADLINE).expect("connect #1");
    let second = TcpStream::connect_timeout(&addr, DEADLINE).expect("connect #2");
    #[cfg(target_os = "linux")]
    server.wait_for_line_containing("accept queue: 2", "the queue's length, 2, once both are in");
    drop((first, second));
    assert!(server.is_running(), "the server is still running");
}

#[test]
fn bad_arguments_are_clean_errors() {
    program()
        .run(&["127.0.0.1:0", "lots"], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("BACKLOG"), "names the bad BACKLOG");
    program()
        .run(&["nowhere"], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("usage"), "shows the usage");
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:0", "5", "extra"]);
}
