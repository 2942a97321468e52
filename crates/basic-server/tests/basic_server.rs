//! basic-server does what the first article's server does, and fails cleanly.

use std::io::Write;
use std::net::Shutdown;

use predicates::prelude::*;
use test_support::{
    Program, connect, program_under_test, python_script, python3, read_until_closed,
};

const CHAPTER: &str = "book/src/first-server-and-client.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn upper_cases_one_message_then_exits() {
    let (server, addr) = program().start_server(&["127.0.0.1:0"]);
    let mut client = connect(addr);
    client.write_all(b"hello, socket").unwrap();
    let reply = read_until_closed(&mut client).expect("the server replies and closes");
    assert_eq!(reply, b"HELLO, SOCKET");
    let client_addr = client.local_addr().unwrap().to_string();
    server
        .finish()
        .assert_success()
        .assert_stdout(
            predicate::str::contains(format!("accept: connection from {client_addr}")),
            "accept() returns the client's address; the server prints it",
        )
        .assert_stdout(
            predicate::str::contains("recv(1024): 13 bytes: b\"hello, socket\""),
            "the server shows what recv returned",
        );
}

#[test]
fn a_client_that_sends_nothing_gets_nothing() {
    let (server, addr) = program().start_server(&["127.0.0.1:0"]);
    let mut client = connect(addr);
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_until_closed(&mut client), Some(Vec::new()));
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("without sending anything"),
        "an empty recv means the client closed its side",
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let (_first, addr) = program().start_server(&["127.0.0.1:0"]);
    program()
        .run(&[&addr.to_string()], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains(format!("bind({addr}) failed")),
            "the error names the call and the address",
        );
}

#[test]
fn a_bad_address_is_a_clear_error() {
    program()
        .run(&["localhost-9999"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("\"localhost-9999\" is not an address"),
            "the error quotes the argument",
        );
}

#[test]
#[cfg_attr(wine, ignore = "runs python3; CI's Wine has no Windows python3")]
fn the_articles_python_client_talks_to_it() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    let (server, addr) = program().start_server(&["127.0.0.1:0"]);
    let script = python_script("article1_client.py");
    python
        .run(&[&script, &addr.port().to_string()], "hello from python\n")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("HELLO FROM PYTHON"),
            "the Python client prints the Rust server's reply",
        );
    server.finish().assert_success();
}

#[test]
fn restarts_at_once_on_the_same_port() {
    // The server closes the connection first, so that connection waits in TIME_WAIT
    // on the server's port; SO_REUSEADDR lets a new listener bind there anyway.
    let (server, addr) = program().start_server(&["127.0.0.1:0"]);
    let mut client = connect(addr);
    client.write_all(b"once").unwrap();
    assert_eq!(
        read_until_closed(&mut client).as_deref(),
        Some(&b"ONCE"[..])
    );
    server.finish().assert_success();
    let (_again, again_addr) = program().start_server(&[&addr.to_string()]);
    assert_eq!(again_addr, addr);
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:0", "extra"]);
}
