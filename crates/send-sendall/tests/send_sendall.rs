//! send-sendall shows send, sendall and a broken connection by itself, and sends a
//! whole message to a server when asked.

use std::io::Read;
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{Program, accept_within, closed_port, loopback_listener, program_under_test};

const CHAPTER: &str = "book/src/send-sendall.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn the_demo_shows_send_sendall_and_a_hang_up() {
    let start = Instant::now();
    let run = program().run(&[], "");
    let elapsed = start.elapsed();
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("send(16777216 bytes) returned"),
            "part 1: one send of 16 MiB",
        )
        .assert_stdout(
            predicate::str::contains("send() the rest: kind WouldBlock"),
            "part 1: a non-blocking send with no room fails with WouldBlock",
        )
        .assert_stdout(
            predicate::str::contains("the peer read 8388608 bytes, every one in order")
                .count(if cfg!(windows) { 1 } else { 2 }),
            "part 2: write_all delivers every byte, blocking and (not on Windows) with a timeout",
        )
        .assert_stdout(
            predicate::str::contains("sendall() failed: kind"),
            "part 3: the hang-up is an error",
        )
        .assert_stdout(
            predicate::str::contains("still running"),
            "part 3: the program survives it",
        );
    // On Linux the hang-up is a reset first (the peer closed with data unread),
    // and a broken pipe after that.
    #[cfg(target_os = "linux")]
    run.assert_stdout(
        predicate::str::contains("kind ConnectionReset, OS code 104")
            .and(predicate::str::contains("kind BrokenPipe, OS code 32")),
        "part 3 on Linux: ECONNRESET, then EPIPE",
    );
    // Windows (run here under Wine) fails a send whose SO_SNDTIMEO runs out with
    // WSAETIMEDOUT instead of returning a short count, as Microsoft documents.
    #[cfg(windows)]
    run.assert_stdout(
        predicate::str::contains("write_all failed after")
            .and(predicate::str::contains("OS code 10060")),
        "part 2 on Windows: the timed-out send is WSAETIMEDOUT",
    );
    assert!(elapsed < Duration::from_millis(1900), "took {elapsed:?}");
}

#[test]
fn sends_every_byte_to_a_server() {
    let (listener, addr) = loopback_listener();
    let server = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("the program connects");
        let mut data = Vec::new();
        conn.read_to_end(&mut data)
            .expect("read until the program closes");
        data
    });
    program()
        .run(&[&addr.to_string(), "3000000"], "")
        .assert_success()
        .assert_stdout(
            predicate::str::contains(format!("sendall: sent 3000000 bytes to {addr} in")),
            "says what it sent, and to whom",
        );
    let data = server.join().unwrap();
    assert_eq!(data.len(), 3_000_000);
    assert!(data.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
}

#[test]
fn bad_arguments_and_a_closed_port_are_clean_errors() {
    let closed = closed_port();
    let addr = closed.addr.to_string();
    program()
        .run(&[&addr, "many"], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("BYTES"), "names the bad BYTES");
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
    program.assert_help_and_usage_errors(&["127.0.0.1:1", "1024", "extra"]);
}

#[test]
fn a_huge_byte_count_is_a_usage_error_not_a_panic() {
    let program = test_support::program_under_test!("crates/program-support");
    for bytes in ["18446744073709551615", "99999999999", "-1"] {
        let run = program.run(&["127.0.0.1:1", bytes], "");
        if run.status.code() != Some(2) || run.stderr.contains("panicked") {
            run.fail(&format!(
                "BYTES {bytes}: a usage error (exit 2), never a panic or an abort."
            ));
        }
    }
}
