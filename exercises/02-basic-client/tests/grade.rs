//! Grades exercise 02, the upper-casing client with one connection per line.
//!
//! The same file grades the reference answer (solutions/02-basic-client). Here the
//! test plays the server: it listens on 127.0.0.1:0, runs the client against it with
//! some lines on stdin, and checks what arrives and what the client prints.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

use predicates::prelude::*;
use test_support::{
    Program, accept_within, closed_port, loopback_listener, peers, program_under_test,
};

const CHAPTER: &str = "the book's chapter \"The first server and client\" \
    (book/src/first-server-and-client.md), and exercises/02-basic-client/hint.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// What the test's server does after reading a client's message.
#[derive(Clone, Copy)]
enum Then {
    /// Reply upper-cased and close, as the article's server does.
    ReplyAndClose,
    /// Reply, then keep the connection open until the client closes it.
    ReplyAndWaitForClient,
    /// Close without replying.
    HangUp,
    /// Reply with bytes that are not UTF-8.
    ReplyNotUtf8,
    /// Reset the connection (SO_LINGER 0) instead of replying.
    Reset,
}

/// The test's server: it runs in a thread while the client under test runs.
struct TestServer {
    addr: SocketAddr,
    client_is_done: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Vec<u8>>>,
}

impl TestServer {
    /// Serves connections in turn (each: one read, then `then`) until the client under
    /// test has exited, and records what each connection sent.
    fn start(then: Then) -> TestServer {
        let (listener, addr) = loopback_listener();
        TestServer::start_on(listener, addr, then)
    }

    /// The same, on a listener of the caller's (an IPv6 one, say).
    fn start_on(listener: TcpListener, addr: SocketAddr, then: Then) -> TestServer {
        let client_is_done = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&client_is_done);
        let thread = thread::spawn(move || {
            let mut received = Vec::new();
            while let Some((mut conn, _)) = accept_within(&listener) {
                if done.load(Ordering::SeqCst) {
                    break; // the wake-up call from `stop`, not the client
                }
                let mut buffer = [0u8; 1024];
                let n = conn.read(&mut buffer).unwrap_or(0);
                received.push(buffer[..n].to_vec());
                match then {
                    Then::ReplyAndClose => {
                        let _ = conn.write_all(&buffer[..n].to_ascii_uppercase());
                    }
                    Then::ReplyAndWaitForClient => {
                        let _ = conn.write_all(&buffer[..n].to_ascii_uppercase());
                        // read() returns 0 once the client has closed its socket.
                        let mut rest = Vec::new();
                        if conn.read_to_end(&mut rest).is_err() {
                            received.push(b"<the client never closed the connection>".to_vec());
                        }
                    }
                    Then::HangUp => {}
                    Then::ReplyNotUtf8 => {
                        let _ = conn.write_all(b"\xe4\xbd\xff");
                    }
                    Then::Reset => peers::reset(conn),
                }
            }
            received
        });
        TestServer {
            addr,
            client_is_done,
            thread,
        }
    }

    /// Call once the client has exited: every connection it made is queued by then,
    /// ahead of the one this makes to wake the server thread. Returns, connection by
    /// connection, what the client sent.
    fn stop(self) -> Vec<String> {
        self.client_is_done.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        let received = self.thread.join().expect("the test server's thread");
        received
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .collect()
    }
}

/// Whether `text` contains each of `parts`, one after another.
fn in_order(text: &str, parts: &[&str]) -> bool {
    let mut rest = text;
    parts.iter().all(|part| match rest.find(part) {
        Some(at) => {
            rest = &rest[at + part.len()..];
            true
        }
        None => false,
    })
}

fn addr_arg(addr: SocketAddr) -> String {
    addr.to_string()
}

#[test]
fn sends_the_line_trimmed_and_prints_the_reply() {
    let server = TestServer::start(Then::ReplyAndClose);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "   hello, socket  \n");
    let received = server.stop();
    if received != ["hello, socket"] {
        run.fail(&format!(
            "The server should have received exactly \"hello, socket\" (the line without its \
             spaces and newline), over one connection. It received: {received:?}"
        ));
    }
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("HELLO, SOCKET"),
            "The client should print the server's reply, HELLO, SOCKET.",
        )
        .assert_stdout(
            predicate::str::contains(">> "),
            "The client should prompt with `>> ` before reading a line.",
        );
}

#[test]
fn one_connection_per_line() {
    let server = TestServer::start(Then::ReplyAndClose);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "one\ntwo\nthree\n");
    let received = server.stop();
    if received != ["one", "two", "three"] {
        run.fail(&format!(
            "Three lines should make three connections, each carrying one line. \
             The server received, connection by connection: {received:?}"
        ));
    }
    run.assert_success().assert_stdout(
        predicate::function(|out: &str| in_order(out, &["ONE", "TWO", "THREE"])),
        "The client should print the three replies, ONE, TWO and THREE, in order.",
    );
}

#[test]
fn does_not_wait_for_the_server_to_close() {
    // This server replies but leaves the connection open: one recv() gets the reply,
    // while waiting for the end of the stream would wait forever.
    let server = TestServer::start(Then::ReplyAndWaitForClient);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "no eof\n");
    let received = server.stop();
    if !run.stdout.contains("NO EOF") {
        run.fail(
            "This server replied NO EOF and kept the connection open, and the client never \
             printed the reply. Receive once (one read into a 1024-byte buffer), as the \
             article's recv(1024) does: reading to the end of the stream (read_to_end) \
             waits for a close that only comes when the client itself closes (TODO 2).",
        );
    }
    run.assert_success();
    if received != ["no eof"] {
        run.fail(&format!(
            "The client should send \"no eof\", then close its socket after the reply. \
             The server saw: {received:?}"
        ));
    }
}

#[test]
fn skips_blank_lines() {
    let server = TestServer::start(Then::ReplyAndClose);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "\n   \nhi\n\n");
    let received = server.stop();
    if received != ["hi"] {
        run.fail(&format!(
            "Blank lines have nothing to send: only \"hi\" should reach the server, over one \
             connection. The server received, connection by connection: {received:?}"
        ));
    }
    run.assert_success();
}

#[test]
fn reports_a_refused_connection() {
    let closed = closed_port();
    let addr = closed.addr;
    let run = program().run(&[&addr_arg(addr)], "anyone there?\n");
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()).and(predicate::str::contains("refused")),
        &format!("Nothing listens on {addr}: the error should name that address and say the connection was refused."),
    );
}

#[test]
fn reports_a_server_that_hangs_up_without_replying() {
    let server = TestServer::start(Then::HangUp);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "hello?\n");
    server.stop();
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()),
        &format!("The server at {addr} closed the connection without a reply: the error should say so and name the address."),
    );
}

#[test]
fn prompts_before_reading_each_line() {
    // A prompt is for a person who has not typed yet: it must be on the screen
    // before the client reads a line, so it must be flushed (stdout keeps text
    // without a newline in its buffer).
    let server = TestServer::start(Then::ReplyAndClose);
    let mut client = program().spawn(&[&addr_arg(server.addr)]);
    client.wait_for_unfinished_line(">> ", "the prompt `>> `, before anything is typed");
    if client.stdin().write_all(b"first\n").is_err() {
        client.fail("The client stopped before the test could type a line.");
    }
    client.wait_for_line_containing("FIRST", "the reply FIRST");
    client.wait_for_unfinished_line(
        ">> ",
        "the prompt `>> ` again, after the first reply: one prompt per line",
    );
    client.close_stdin();
    let run = client.finish();
    server.stop();
    run.assert_success();
}

#[test]
fn prints_a_reply_of_1000_bytes_whole() {
    // recv(1024) takes up to 1024 bytes: a smaller buffer prints part of the reply.
    let server = TestServer::start(Then::ReplyAndClose);
    let line = "abcdefghi ".repeat(100);
    let run = program().run(&[&addr_arg(server.addr)], &format!("{line}\n"));
    server.stop();
    let expected = line.trim().to_ascii_uppercase();
    if !run.stdout.contains(&expected) {
        run.fail(
            "The client sent a line of 999 bytes and the server replied with as many; the \
             client should print the whole reply. Receive into a buffer of 1024 bytes, as \
             recv(1024) does (TODO 2).",
        );
    }
    run.assert_success();
}

#[test]
fn reports_a_server_that_resets() {
    let server = TestServer::start(Then::Reset);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "hello?\n");
    server.stop();
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()),
        &format!(
            "The server at {addr} reset the connection (recv fails with ECONNRESET, \
             \"connection reset by peer\"): report it with the server's address, never panic."
        ),
    );
}

#[test]
fn talks_to_a_server_on_ipv6() {
    let (listener, addr) = peers::ipv6_listener();
    let server = TestServer::start_on(listener, addr, Then::ReplyAndClose);
    let run = program().run(&[&addr_arg(addr)], "over ipv6\n");
    let received = server.stop();
    if received != ["over ipv6"] {
        run.fail(&format!(
            "Given the IPv6 address {addr}, the client should connect there and send \
             \"over ipv6\". The server received: {received:?}"
        ));
    }
    run.assert_success().assert_stdout(
        predicate::str::contains("OVER IPV6"),
        "The client should print the reply, OVER IPV6.",
    );
}

#[test]
fn reports_a_reply_that_is_not_utf8() {
    let server = TestServer::start(Then::ReplyNotUtf8);
    let addr = server.addr;
    let run = program().run(&[&addr_arg(addr)], "hello\n");
    server.stop();
    run.assert_clean_error().assert_stderr(
        predicate::str::contains("\\xff"),
        "The server replied with bytes that are not UTF-8 (e4 bd ff): the error should say so \
         and show them (utf8_text::decode does both).",
    );
}
