//! utf8-server decodes what it receives, replies in UTF-8, and reports bad bytes.

use std::io::Write;

use predicates::prelude::*;
use test_support::{
    Program, connect, program_under_test, python_script, python3, read_until_closed,
};

const CHAPTER: &str = "book/src/text-and-bytes.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

fn send_and_read_reply(message: &[u8]) -> (test_support::Running, Vec<u8>) {
    let (server, addr) = program().start_server(&["127.0.0.1:0"]);
    let mut client = connect(addr);
    client.write_all(message).unwrap();
    let reply = read_until_closed(&mut client).expect("the server closes the connection");
    (server, reply)
}

#[test]
fn prints_the_greeting_and_replies_in_utf8() {
    let greeting = "你好，伺服器！";
    let (server, reply) = send_and_read_reply(greeting.as_bytes());
    let reply = String::from_utf8(reply).expect("the reply is UTF-8");
    assert!(reply.starts_with("你好"), "reply: {reply}");
    server.finish().assert_success().assert_stdout(
        predicate::str::contains(format!("received 21 bytes, 7 characters: {greeting}")),
        "7 characters, 3 bytes each",
    );
}

#[test]
fn invalid_utf8_is_reported_with_its_bytes() {
    let (server, reply) = send_and_read_reply(b"ok \xff\xfe");
    assert!(reply.is_empty(), "no reply to bytes that are not text");
    server.finish().assert_clean_error().assert_stderr(
        predicate::str::contains("not valid UTF-8")
            .and(predicate::str::contains("b\"ok \\xff\\xfe\"")),
        "the error says what is wrong and shows the bytes",
    );
}

#[test]
fn a_character_cut_in_two_is_explained() {
    let cut = &"好".as_bytes()[..2];
    let (server, _) = send_and_read_reply(cut);
    server.finish().assert_clean_error().assert_stderr(
        predicate::str::contains("ends in the middle of a character"),
        "an incomplete character is not the same mistake as a bad byte",
    );
}

#[test]
#[cfg_attr(wine, ignore = "runs python3; CI's Wine has no Windows python3")]
fn the_articles_python_client_talks_to_it() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    let (server, addr) = program().start_server(&["127.0.0.1:0"]);
    let script = python_script("article2_client.py");
    python
        .run(&[&script, &addr.port().to_string()], "")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("客戶端,已收到您的資訊!"),
            "the Python client prints the reply",
        );
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("www.linuxidc.com伺服器!"),
        "the Rust server prints the Python client's greeting",
    );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:0", "extra"]);
}
