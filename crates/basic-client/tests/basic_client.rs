//! basic-client does what the first article's client does, and fails cleanly.

use std::io::{Read, Write};
use std::thread;

use predicates::prelude::*;
use test_support::{
    Program, accept_within, closed_port, loopback_listener, program_under_test, python_script,
    python3,
};

const CHAPTER: &str = "book/src/first-server-and-client.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[test]
fn sends_the_trimmed_line_and_prints_the_reply() {
    let (listener, addr) = loopback_listener();
    let server = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("the client connects");
        let mut buffer = [0u8; 1024];
        let n = conn.read(&mut buffer).unwrap();
        conn.write_all(&buffer[..n].to_ascii_uppercase()).unwrap();
        // Keep the connection open until the client closes it: the client must not
        // wait for the end of the stream, only for one recv.
        let mut rest = Vec::new();
        conn.read_to_end(&mut rest).unwrap();
        buffer[..n].to_vec()
    });
    program()
        .run(&[&addr.to_string()], "  hi there \n")
        .assert_success()
        .assert_stdout(predicate::eq(">> HI THERE\n"), "prompt, then the reply");
    assert_eq!(server.join().unwrap(), b"hi there");
}

#[test]
fn no_server_is_a_clear_error() {
    let closed = closed_port();
    let addr = closed.addr;
    program()
        .run(&[&addr.to_string()], "hello\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains(format!("connect({addr}) failed"))
                .and(predicate::str::contains("refused")),
            "the error names the call, the address and the reason",
        );
}

#[test]
fn an_empty_line_is_a_clear_error() {
    let (_listener, addr) = loopback_listener();
    program()
        .run(&[&addr.to_string()], "   \n")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("nothing to send"), "says why");
}

#[test]
#[cfg_attr(wine, ignore = "runs python3; CI's Wine has no Windows python3")]
fn talks_to_the_articles_python_server() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    let script = python_script("article1_server.py");
    let (server, addr) = python.start_server(&[&script, "0"]);
    program()
        .run(&[&addr.to_string()], "hello from rust\n")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("HELLO FROM RUST"),
            "the Python server's reply",
        );
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("read_data b'hello from rust'"),
        "the Python server received the line",
    );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:1", "extra"]);
}

/// An error from main reads the same whatever RUST_BACKTRACE says.
#[test]
fn an_error_has_no_backtrace_even_with_rust_backtrace_set() {
    let program = test_support::program_under_test!("crates/program-support");
    let closed = test_support::closed_port();
    let addr = closed.addr.to_string();
    let run = program.run_with_env(&[&addr], "", &[("RUST_BACKTRACE", "1")]);
    run.assert_clean_error();
    if run.stderr.to_lowercase().contains("backtrace") {
        run.fail("With RUST_BACKTRACE=1 the error came with a backtrace; it should read the same as without.");
    }
}
