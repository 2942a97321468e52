//! socket-as-file shows a socket as a file descriptor: its number, what /proc says
//! it is, reading and writing it as a File, and closing it. The tests check each
//! claim against the kernel: the demo's numbers must fit together, and the client's
//! descriptor must be, in /proc/PID/fd, the socket it says it is.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::thread::{self, JoinHandle};

use predicates::prelude::*;
use test_support::{Program, accept_within, loopback_listener, program_under_test};

const CHAPTER: &str = "book/src/sockets-are-files.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[cfg(target_os = "linux")]
/// The number after `fileno() ` and the `socket:[...]` or path after `-> ` in `line`.
fn fileno_and_target(line: &str) -> (u32, String) {
    let number = line
        .split("fileno() ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `fileno() N,` in {line:?}"));
    let target = line
        .split(" -> ")
        .nth(1)
        .unwrap_or_else(|| panic!("no ` -> ` in {line:?}"))
        .to_string();
    (number, target)
}

#[cfg(target_os = "linux")]
fn line_starting<'a>(run: &'a test_support::Finished, start: &str, nth: usize) -> &'a str {
    run.stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(start))
        .nth(nth)
        .unwrap_or_else(|| run.fail(&format!("no line starting with {start:?} (#{nth})")))
}

#[cfg(target_os = "linux")]
#[test]
fn the_demo_numbers_fit_together() {
    let run = program().run(&[], "");
    run.assert_success();
    let (file_fd, file_target) = fileno_and_target(line_starting(&run, "open(path)", 0));
    let (listen_fd, listen_target) = fileno_and_target(line_starting(&run, "listen()", 0));
    let (connect_fd, connect_target) = fileno_and_target(line_starting(&run, "connect()", 0));
    let (accept_fd, accept_target) = fileno_and_target(line_starting(&run, "accept()", 0));
    // One table, lowest free number first: four numbers in a row.
    if [listen_fd, connect_fd, accept_fd] != [file_fd + 1, file_fd + 2, file_fd + 3] {
        run.fail("the file and the three sockets should have consecutive numbers");
    }
    if file_target.starts_with("socket:") {
        run.fail("the file's /proc link should be its path");
    }
    let sockets = [&listen_target, &connect_target, &accept_target];
    if sockets.iter().any(|t| !t.starts_with("socket:[")) {
        run.fail("each socket's /proc link should be socket:[INODE]");
    }
    if listen_target == connect_target || connect_target == accept_target {
        run.fail("three sockets, three inodes");
    }
    // The File made from the accepted socket is that same descriptor.
    let (from_fd, from_target) = fileno_and_target(line_starting(&run, "File::from", 0));
    if (from_fd, &from_target) != (accept_fd, &accept_target) {
        run.fail("the File should keep the accepted socket's number and inode");
    }
    run.assert_stdout(
        predicate::str::contains(format!(
            "is_socket() is true; ino() is the number in {accept_target}"
        )),
        "fstat() sees a socket with the inode /proc shows",
    )
    .assert_stdout(
        predicate::str::contains(r#"-> b"a line for the file\n""#)
            .and(predicate::str::contains(r#"-> b"a line for the socket\n""#))
            .and(predicate::str::contains(
                r#"-> b"written through a File\n""#,
            ))
            .and(predicate::str::contains(r#"-> b"read through a File\n""#)),
        "every line written is read back, from the file and through the sockets",
    )
    .assert_stdout(
        predicate::str::contains("failed, 29 ESPIPE"),
        "seeking a socket fails with ESPIPE",
    )
    .assert_stdout(
        predicate::str::contains(format!("/proc/self/fd/{accept_fd} no longer exists")),
        "after drop(File) the descriptor is gone",
    )
    .assert_stdout(
        predicate::str::contains("0 bytes: EOF"),
        "the peer reads EOF",
    );
    // The next open takes the number the close freed.
    let (again_fd, again_target) = fileno_and_target(line_starting(&run, "open(path)", 1));
    if (again_fd, &again_target) != (accept_fd, &file_target) {
        run.fail("the file opened again should get the freed number");
    }
}

/// A one-client server in a thread: reads what the client sends, then answers with
/// `reply` (nothing at all if None) and closes. Returns what it received.
fn serve(reply: Option<&'static [u8]>) -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let (listener, addr) = loopback_listener();
    let thread = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener).expect("the client connects");
        let mut buffer = [0u8; 1024];
        let n = conn.read(&mut buffer).unwrap_or(0);
        if let Some(reply) = reply {
            conn.write_all(reply).expect("send the reply");
        }
        buffer[..n].to_vec()
    });
    (addr, thread)
}

#[test]
fn the_client_talks_through_its_socket_as_a_file() {
    let (addr, server) = serve(Some(b"HELLO, FILE"));
    let mut client = program().spawn(&[&addr.to_string()]);
    let line = client.next_line("connect(ADDR): fileno() N, /proc/self/fd/N -> socket:[INODE]");
    #[cfg(target_os = "linux")]
    {
        let (fd, target) = fileno_and_target(&line);
        // Still connected (it waits for stdin): /proc/PID/fd/N must be that socket.
        let link = std::fs::read_link(format!("/proc/{}/fd/{fd}", client.id()))
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if !target.starts_with("socket:[") || link != target {
            client.fail(&format!("it says fd {fd} is {target}; /proc says {link:?}"));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = line;
    client.stdin().write_all(b"hello, file\n").unwrap();
    client.close_stdin();
    client
        .finish()
        .assert_success()
        .assert_stdout(predicate::str::contains("HELLO, FILE"), "prints the reply");
    assert_eq!(server.join().unwrap(), b"hello, file");
}

#[test]
fn a_server_that_hangs_up_without_a_reply_is_an_error() {
    let (addr, _server) = serve(None);
    program()
        .run(&[&addr.to_string()], "anyone?\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("without a reply")
                .and(predicate::str::contains(addr.to_string())),
            "says the server closed without replying, and where",
        );
}

#[test]
fn a_reply_that_is_not_utf8_is_an_error() {
    let (addr, _server) = serve(Some(b"caf\xe9"));
    program()
        .run(&[&addr.to_string()], "coffee\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("not UTF-8").and(predicate::str::contains(r#"b"caf\xe9""#)),
            "shows the bytes that are not UTF-8",
        );
}

#[test]
fn nothing_to_send_and_bad_arguments_are_clean_errors() {
    let (addr, _server) = serve(Some(b"unused"));
    program()
        .run(&[&addr.to_string()], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("nothing to send"), "empty stdin");
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
    program.assert_help_and_usage_errors(&["127.0.0.1:1", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
