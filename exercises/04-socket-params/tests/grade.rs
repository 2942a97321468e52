//! Grades exercise 04, the upper-casing server over a SOCK_SEQPACKET Unix socket.
//!
//! The same file grades the reference answer (solutions/04-socket-params). The test
//! starts the server on a socket path in a temporary folder and plays the clients,
//! with SOCK_SEQPACKET sockets of its own: several messages sent back to back must
//! come back as as many replies, one per recv. Linux only: other systems lack
//! SOCK_SEQPACKET for Unix sockets (macOS) or Unix sockets' files (Windows).
#![cfg(target_os = "linux")]

use std::io::{ErrorKind, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

use predicates::prelude::*;
use socket2::{Domain, SockAddr, Socket, Type};
use tempfile::TempDir;
use test_support::{DEADLINE, Program, Running, program_under_test};

const CHAPTER: &str = "the book's chapter \"socket(): family, type and protocol\" \
    (book/src/socket-params.md), and exercises/04-socket-params/hint.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// The server under test, listening on a path in its own temporary folder.
struct Server {
    running: Running,
    path: PathBuf,
    _dir: TempDir,
}

/// Starts the server on a fresh path and waits for `listening on PATH`.
fn start() -> Server {
    start_with(&[])
}

/// [`start`], with more arguments after PATH.
fn start_with(more: &[&str]) -> Server {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("upper.sock");
    let mut args = vec![path.to_str().expect("a UTF-8 temp path")];
    args.extend_from_slice(more);
    let mut running = program().spawn(&args);
    let first = running.next_line("its first line, `listening on PATH`");
    let wanted = format!("listening on {}", path.display());
    if first != wanted {
        running.fail(&format!(
            "The server's first line must be exactly {wanted:?}, printed once it listens \
             (after bind and listen). Its first line was {first:?}."
        ));
    }
    Server {
        running,
        path,
        _dir: dir,
    }
}

impl Server {
    /// Connects a SOCK_SEQPACKET client, with deadlines on its reads and writes.
    fn connect(&mut self) -> Socket {
        let client = Socket::new(Domain::UNIX, Type::SEQPACKET, None).expect("socket()");
        client.set_read_timeout(Some(DEADLINE)).expect("timeout");
        client.set_write_timeout(Some(DEADLINE)).expect("timeout");
        let addr = SockAddr::unix(&self.path).expect("a socket path");
        if let Err(error) = client.connect(&addr) {
            let why = if error.raw_os_error() == Some(91) {
                "\nThe kernel said EPROTOTYPE, \"protocol wrong type for socket\": the \
                 socket at PATH is not a SOCK_SEQPACKET socket. std's UnixListener makes \
                 a SOCK_STREAM one, and std cannot make any other; use socket2: \
                 Socket::new(Domain::UNIX, Type::SEQPACKET, None)."
            } else {
                ""
            };
            self.running.fail(&format!(
                "The test could not connect to {} with a SOCK_SEQPACKET socket: {error}.{why}",
                self.path.display()
            ));
        }
        client
    }

    /// Sends one message.
    fn send(&mut self, client: &Socket, message: &[u8]) {
        if let Err(error) = client.send(message) {
            self.running.fail(&format!(
                "The test could not send {:?} to the server: {error}. Did the server close \
                 the connection?",
                String::from_utf8_lossy(message)
            ));
        }
    }

    /// Receives one message: whatever a single recv returns.
    fn recv(&mut self, client: &Socket, answering: &str) -> Vec<u8> {
        let mut buffer = [0u8; 8192];
        match (&*client).read(&mut buffer) {
            Ok(0) => self.running.fail(&format!(
                "The server closed the connection instead of replying to {answering:?}. \
                 Keep the connection open and answer every message until the client \
                 hangs up (recv returns 0)."
            )),
            Ok(n) => buffer[..n].to_vec(),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                self.running.fail(&format!(
                    "No reply to {answering:?} within {DEADLINE:?}. Each message gets its \
                     own reply, sent at once as one message (send)."
                ))
            }
            Err(error) => self.running.fail(&format!(
                "recv of the reply to {answering:?} failed: {error}"
            )),
        }
    }

    /// Fails unless the next reply is exactly `expected`.
    fn expect_reply(&mut self, client: &Socket, answering: &str, expected: &str) {
        let reply = self.recv(client, answering);
        if reply != expected.as_bytes() {
            self.running.fail(&format!(
                "The reply to {answering:?} should be exactly {expected:?}, one message for \
                 one message; one recv got {:?}.",
                String::from_utf8_lossy(&reply)
            ));
        }
    }
}

#[test]
fn listens_on_its_path_with_a_seqpacket_socket() {
    let mut server = start();
    let is_socket = std::fs::symlink_metadata(&server.path)
        .map(|meta| meta.file_type().is_socket())
        .unwrap_or(false);
    if !is_socket {
        server.running.fail(&format!(
            "After `listening on`, {} should be a socket file (bind makes it).",
            server.path.display()
        ));
    }
    let client = server.connect();
    server.send(&client, b"hello");
    server.expect_reply(&client, "hello", "HELLO");
}

#[test]
fn messages_sent_back_to_back_get_one_reply_each() {
    let mut server = start();
    let client = server.connect();
    // All three are queued before the server reads any: on a SOCK_STREAM socket
    // they would run together into "onetwo and three"; SOCK_SEQPACKET keeps them apart.
    for message in ["one", "two and", "three"] {
        server.send(&client, message.as_bytes());
    }
    server.expect_reply(&client, "one", "ONE");
    server.expect_reply(&client, "two and", "TWO AND");
    server.expect_reply(&client, "three", "THREE");
}

#[test]
fn text_is_upper_cased_as_text_not_as_ascii() {
    let mut server = start();
    let client = server.connect();
    server.send(&client, "grüße, 你好".as_bytes());
    server.expect_reply(&client, "grüße, 你好", "GRÜSSE, 你好");
}

#[test]
fn a_long_message_comes_back_whole() {
    let mut server = start();
    let client = server.connect();
    let long = "seqpacket ".repeat(100); // 1000 bytes, within the 1024 allowed
    server.send(&client, long.as_bytes());
    server.expect_reply(&client, "a 1000-byte message", &long.to_uppercase());
}

#[test]
fn a_message_that_is_not_utf8_gets_an_error_reply_and_the_client_goes_on() {
    let mut server = start();
    let client = server.connect();
    server.send(&client, b"caf\xe9");
    let reply = server.recv(&client, "the bytes caf\\xe9");
    if reply != b"error: not UTF-8" {
        server.running.fail(&format!(
            "A message that is not UTF-8 text gets the reply \"error: not UTF-8\", and the \
             connection goes on. The reply was {:?}.",
            String::from_utf8_lossy(&reply)
        ));
    }
    server.send(&client, b"still here");
    server.expect_reply(&client, "still here (after the bad message)", "STILL HERE");
}

#[test]
fn clients_that_hang_up_do_not_stop_the_server() {
    let mut server = start();
    // One leaves without a word, one leaves before its reply can be sent.
    drop(server.connect());
    let impatient = server.connect();
    server.send(&impatient, b"bye");
    drop(impatient);
    let client = server.connect();
    server.send(&client, b"anyone left?");
    server.expect_reply(
        &client,
        "anyone left? (from the third client)",
        "ANYONE LEFT?",
    );
    if !server.running.is_running() {
        server
            .running
            .fail("The server stopped: a client hanging up is not the server's end.");
    }
}

#[test]
fn a_client_gone_before_its_reply_does_not_stop_the_server() {
    let mut server = start();
    {
        // Frozen, the server cannot answer in time: when it runs again, this client
        // has sent its message and left, so the reply's send() fails (EPIPE). That
        // is one client's trouble; the server must go on to the next.
        let _frozen = test_support::peers::freeze(&server.running);
        let gone = server.connect();
        server.send(&gone, b"answer me after I am gone");
    }
    let client = server.connect();
    server.send(&client, b"are you still there?");
    server.expect_reply(
        &client,
        "are you still there? (after a client that left before its reply)",
        "ARE YOU STILL THERE?",
    );
}

#[test]
fn a_path_it_cannot_bind_is_a_clean_error() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("no such folder").join("upper.sock");
    let path = path.to_str().expect("a UTF-8 temp path");
    program()
        .run(&[path], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains(path),
            &format!("The error should name the path it could not bind, {path}."),
        );
}

// --- Faults a real peer or user causes ---

#[test]
fn a_silent_client_cannot_hold_the_server() {
    // CLIENT_MS 300: a client may keep the server waiting 0.3 s.
    let mut server = start_with(&["300"]);
    // Connects and sends nothing: served in turn, everyone else would wait for it.
    let _silent = server.connect();
    let next = server.connect();
    server.send(&next, b"next");
    server.expect_reply(&next, "next", "NEXT");
}

#[cfg(unix)]
#[test]
fn its_socket_file_is_private_and_removed_on_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let mut server = start();
    let mode = std::fs::metadata(&server.path)
        .expect("the socket file")
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        server.running.fail(&format!(
            "The socket file has mode {mode:04o}: other users may connect to it (connecting \
             takes write permission). Make it 0600 between bind and listen, as the \
             AF_UNIX chapter does."
        ));
    }
    server.running.signal(test_support::SIGTERM);
    if server.running.wait_exit().is_none() {
        server
            .running
            .fail("The server was still running after SIGTERM.");
    }
    if server.path.exists() {
        server.running.fail(
            "SIGTERM stopped the server, and its socket file was left behind. Claim the file \
             with program_support::SocketFile::claim(path) right after bind: it is removed \
             when the server stops, on SIGTERM and Ctrl-C too.",
        );
    }
}
