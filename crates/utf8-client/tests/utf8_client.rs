//! utf8-client sends its greeting in UTF-8, prints the reply, and reports bad bytes.

use std::io::{Read, Write};
use std::thread;

use predicates::prelude::*;
use test_support::{
    Program, accept_within, loopback_listener, program_under_test, python_script, python3,
};

const CHAPTER: &str = "book/src/text-and-bytes.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// Runs the client against a one-shot server that answers with `reply`; returns what
/// the client did and what it sent.
fn run_against(reply: &'static [u8]) -> (test_support::Finished, Vec<u8>) {
    let (listener, addr) = loopback_listener();
    let server = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("the client connects");
        let mut buffer = [0u8; 1024];
        let n = conn.read(&mut buffer).unwrap();
        conn.write_all(reply).unwrap();
        buffer[..n].to_vec()
    });
    let finished = program().run(&[&addr.to_string()], "");
    (finished, server.join().unwrap())
}

#[test]
fn sends_its_greeting_and_prints_the_reply() {
    let (finished, sent) = run_against("收到，謝謝！".as_bytes());
    let sent = String::from_utf8(sent).expect("the greeting is UTF-8");
    assert!(sent.starts_with("你好"), "sent: {sent}");
    finished.assert_success().assert_stdout(
        predicate::str::contains("received 18 bytes, 6 characters: 收到，謝謝！"),
        "the reply, decoded, with its byte and character counts",
    );
}

#[test]
fn an_invalid_reply_is_reported_with_its_bytes() {
    let (finished, _) = run_against(b"\xe4\xbd\xa0\xff");
    finished.assert_clean_error().assert_stderr(
        predicate::str::contains("the reply")
            .and(predicate::str::contains("b\"\\xe4\\xbd\\xa0\\xff\"")),
        "the error shows the bytes",
    );
}

#[test]
fn no_reply_is_a_clear_error() {
    let (finished, _) = run_against(b"");
    finished.assert_clean_error().assert_stderr(
        predicate::str::contains("closed the connection without replying"),
        "says what happened",
    );
}

#[test]
#[cfg_attr(wine, ignore = "runs python3; CI's Wine has no Windows python3")]
fn talks_to_the_articles_python_server() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    let script = python_script("article2_server.py");
    let (server, addr) = python.start_server(&[&script, "0"]);
    program()
        .run(&[&addr.to_string(), "你好，Python！"], "")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("已收到您的資訊"),
            "the Python server's reply",
        );
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("你好，Python！"),
        "the Python server printed the greeting",
    );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:1", "hi", "extra"]);
}
