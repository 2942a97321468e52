//! blocking-toggle shows non-blocking calls returning at once and a blocking call
//! waiting, with its own client or with a real one.

use std::io::Write;

use predicates::prelude::*;
use test_support::{Finished, Program, connect, program_under_test};

const CHAPTER: &str = "book/src/blocking-toggle.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// The milliseconds that a line like `recv(1024) -> … after    0.004 ms …` reports.
fn millis(line: &str) -> f64 {
    line.split(" after ")
        .nth(1)
        .and_then(|rest| rest.trim_start().split(' ').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no `after N ms` in {line:?}"))
}

/// The lines of `run`'s stdout that start with `call` and contain `text`.
fn lines<'a>(run: &'a Finished, call: &str, text: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with(call) && l.contains(text))
        .collect()
}

#[test]
fn the_demo_shows_would_block_then_success_then_a_wait() {
    let run = program().run(&[], "");
    run.assert_success()
        .assert_stdout(
            predicate::str::starts_with("listening on 127.0.0.1:"),
            "a server's first line",
        )
        .assert_stdout(
            predicate::str::contains("WouldBlock (OS code"),
            "the error kind and the OS code",
        )
        .assert_stdout(
            predicate::str::contains("6 bytes b\"hello\\n\"")
                .and(predicate::str::contains("6 bytes b\"world\\n\"")),
            "both messages arrive",
        );

    let would_block = [
        lines(&run, "accept()", "WouldBlock"),
        lines(&run, "recv(1024)", "WouldBlock"),
    ];
    for found in would_block {
        assert_eq!(found.len(), 1, "one WouldBlock each:\n{}", run.stdout);
        // Microseconds in fact; the bound only says "it did not wait".
        assert!(
            millis(found[0]) < 100.0,
            "returned at once:\n{}",
            run.stdout
        );
    }
    let waited = lines(&run, "recv(1024)", "(it waited)");
    assert_eq!(waited.len(), 1, "one blocking recv:\n{}", run.stdout);
    // The client sends 300 ms after the call starts; the upper bound is generous.
    let took = millis(waited[0]);
    assert!((250.0..2000.0).contains(&took), "waited {took} ms");
}

#[test]
fn with_an_address_it_waits_for_a_real_client() {
    let (mut server, addr) = program().start_server(&["127.0.0.1:0"]);
    server.wait_for_line_containing("WouldBlock", "accept() saying WouldBlock");
    server.wait_for_line_containing("peer -- connect 127.0.0.1", "how to connect a client");

    let mut client = connect(addr);
    let me = client.local_addr().unwrap().to_string();
    server.wait_for_line_containing(&format!("connection from {me}"), "the accept");
    // Nothing sent yet, so the non-blocking recv has nothing to return.
    let line = server.next_line("the first recv");
    assert!(line.contains("WouldBlock"), "{line}");

    client.write_all(b"first line\n").unwrap();
    server.wait_for_line_containing("b\"first line\\n\"", "the first line received");
    server.wait_for_line_containing("waits for it", "the switch to blocking");
    client.write_all(b"second\n").unwrap();
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("7 bytes b\"second\\n\" after"),
        "the blocking recv returns the second line",
    );
}

#[test]
fn a_client_that_leaves_ends_the_demo_cleanly() {
    let (mut server, addr) = program().start_server(&["127.0.0.1:0"]);
    server.wait_for_line_containing("peer -- connect 127.0.0.1", "how to connect a client");
    let client = connect(addr);
    let me = client.local_addr().unwrap().to_string();
    server.wait_for_line_containing(&format!("connection from {me}"), "the accept");
    drop(client);
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("the client closed the connection"),
        "an empty recv means the client left",
    );
}

#[test]
fn a_bad_address_is_a_clear_error() {
    program()
        .run(&["nowhere"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("\"nowhere\" is not an address"),
            "the error quotes the argument",
        );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:0", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
