//! timeouts shows each kind of timeout by itself, and probes a server when asked.

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{Program, accept_within, closed_port, loopback_listener, program_under_test};

const CHAPTER: &str = "book/src/timeouts.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn the_demo_shows_each_timeout_by_itself_and_quickly() {
    let start = Instant::now();
    let run = program().run(&[], "");
    let elapsed = start.elapsed();
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("read timeout gave up after"),
            "part 1: the read gives up",
        )
        .assert_stdout(
            predicate::str::contains("kind WouldBlock, OS code")
                .or(predicate::str::contains("kind TimedOut, OS code")),
            "part 1 shows the error's kind and OS code",
        )
        .assert_stdout(
            predicate::str::contains("is refused: kind InvalidInput"),
            "part 3: a zero timeout is refused",
        )
        .assert_stdout(
            predicate::str::contains("set_nonblocking(true), then recv(1024): failed after"),
            "part 3: the non-blocking read fails at once",
        )
        .assert_stdout(
            predicate::str::contains("b\"worth the wait\""),
            "part 3: with no timeout, the read waits for the late peer",
        );
    // Linux drops a SYN when the accept queue is full, so there the connect must
    // time out; elsewhere the demo may instead say why it did not.
    #[cfg(target_os = "linux")]
    run.assert_stdout(
        predicate::str::contains("gave up after").count(2),
        "part 2: the connect gives up too",
    );
    // Three waits of about 0.3 s, 0.3 s and 0.2 s, and no more.
    assert!(elapsed < Duration::from_millis(1900), "took {elapsed:?}");
}

#[test]
fn probing_a_silent_server_gives_up_after_millis() {
    let (_listener, addr) = loopback_listener();
    let start = Instant::now();
    let run = program().run(&[&addr.to_string(), "250"], "");
    let elapsed = start.elapsed();
    run.assert_success().assert_stdout(
        predicate::str::contains("recv(1024): gave up after"),
        "a server that says nothing: the read gives up",
    );
    if elapsed < Duration::from_millis(240) || elapsed > Duration::from_millis(1500) {
        run.fail(&format!(
            "asked to wait 250 ms, it finished after {elapsed:?}"
        ));
    }
}

#[test]
fn probing_a_talking_server_prints_what_it_says() {
    let (listener, addr) = loopback_listener();
    let server = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("the probe connects");
        conn.write_all(b"hello from the server").unwrap();
        // Stay connected until the probe has read and closed.
        let _ = test_support::read_until_closed(&mut conn);
    });
    program()
        .run(&[&addr.to_string(), "2000"], "")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("b\"hello from the server\""),
            "the probe prints what the server sent",
        );
    server.join().unwrap();
}

#[test]
fn bad_arguments_are_clean_errors() {
    let closed = closed_port();
    let addr = closed.addr.to_string();
    program()
        .run(&[&addr, "0"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("at least 1"),
            "a zero timeout is refused, with the reason",
        );
    program()
        .run(&["nowhere"], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("usage"), "shows the usage");
    program()
        .run(&[&addr], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains(format!("connect({addr}) failed")),
            "a refused connect names the address",
        );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:1", "500", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
