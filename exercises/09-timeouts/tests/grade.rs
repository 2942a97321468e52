//! Grades exercise 09, the client that waits for a reply, but not forever.
//!
//! The same file grades the reference answer (solutions/09-timeouts). The test plays
//! the server on 127.0.0.1:0: it replies at once, replies late, never replies, or
//! hangs up, and checks what the client prints, how it exits and how long it took.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{
    Finished, Program, accept_within, closed_port, loopback_listener, program_under_test,
    read_until_closed,
};

const CHAPTER: &str = "the book's chapter \"Timeouts\" (book/src/timeouts.md), and \
    exercises/09-timeouts/hint.md";

/// The exit status that means "no reply in time".
const NO_REPLY: i32 = 2;

/// How much later than MILLIS a client may give up: starting a process and
/// connecting take a little time, and a busy machine takes more.
const SLACK: Duration = Duration::from_millis(1200);

/// What the test's server does once it has read the client's message.
#[derive(Clone, Copy)]
enum Peer {
    /// Reply with the message upper-cased after this delay, then stay connected
    /// until the client closes.
    ReplyAfter(Duration),
    /// Never reply; stay connected until the client gives up and closes.
    Silent,
    /// Close the connection without replying.
    HangUp,
}

/// The test's server, in a thread: serves one client and returns what it sent.
fn serve(peer: Peer) -> (SocketAddr, JoinHandle<Option<Vec<u8>>>) {
    let (listener, addr) = loopback_listener();
    let thread = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener)?;
        let mut buffer = [0u8; 1024];
        let n = conn.read(&mut buffer).ok()?;
        let message = buffer[..n].to_vec();
        match peer {
            Peer::ReplyAfter(delay) => {
                // A slow server, played by waiting: this sleep is the behaviour under
                // test, not a wait for anything to be ready.
                thread::sleep(delay);
                let _ = conn.write_all(&message.to_ascii_uppercase());
            }
            Peer::Silent => {}
            Peer::HangUp => return Some(message),
        }
        let _ = read_until_closed(&mut conn);
        Some(message)
    });
    (addr, thread)
}

/// Runs the client with `args` and measures how long it took, start to exit.
fn run(args: &[&str]) -> (Finished, Duration) {
    let program: Program = program_under_test!(CHAPTER);
    let start = Instant::now();
    let finished = program.run(args, "");
    (finished, start.elapsed())
}

/// Fails unless the server received exactly `expected` from the client.
fn check_received(run: &Finished, server: JoinHandle<Option<Vec<u8>>>, expected: &str) {
    let received = server.join().expect("the test server's thread");
    if received.as_deref() != Some(expected.as_bytes()) {
        run.fail(&format!(
            "The server should have received the message {expected:?}; it received {:?}.",
            received.map(|m| String::from_utf8_lossy(&m).into_owned())
        ));
    }
}

#[test]
fn prints_a_reply_that_comes_at_once() {
    let (addr, server) = serve(Peer::ReplyAfter(Duration::ZERO));
    let (run, elapsed) = run(&[&addr.to_string(), "2000", "ping"]);
    // The precise check first: a client that waits for more than one read (read_to_end,
    // say) runs into its own timeout, and its exit status alone would hide why.
    if elapsed > Duration::from_millis(1500) {
        run.fail(&format!(
            "The reply came at once, yet the client took {elapsed:?} to finish, close to its \
             2000 ms timeout. Print the reply as soon as one read returns it; do not wait \
             for more (read_to_end waits for the end of the stream, which this server never \
             sends)."
        ));
    }
    run.assert_success().assert_stdout(
        predicate::str::contains("PING"),
        "The server replied PING: the client should print the reply on stdout.",
    );
    check_received(&run, server, "ping");
}

#[test]
fn prints_a_reply_that_comes_late_but_in_time() {
    let delay = Duration::from_millis(200);
    let (addr, server) = serve(Peer::ReplyAfter(delay));
    let (run, _) = run(&[&addr.to_string(), "1000", "slow but sure"]);
    run.assert_success().assert_stdout(
        predicate::str::contains("SLOW BUT SURE"),
        "The server replied after 200 ms, well within the 1000 ms allowed: the client \
         should wait for it and print it. (Is the read timeout shorter than MILLIS, or \
         is the socket non-blocking?)",
    );
    check_received(&run, server, "slow but sure");
}

/// Checks a client that waited for a silent server: status 2, the message on stderr,
/// and a run that lasted about `millis`: not less, not much more.
fn check_gave_up(run: &Finished, elapsed: Duration, addr: SocketAddr, millis: u64) {
    if run.status.code() != Some(NO_REPLY) {
        run.fail(&format!(
            "The server never replied. The client should give up after {millis} ms and exit \
             with status {NO_REPLY} (return Ok(ExitCode::from(NO_REPLY))), so that a script \
             can tell a timeout from an error; it exited with {}.",
            run.status
        ));
    }
    run.assert_stderr(
        predicate::str::contains(format!("no reply from {addr} within {millis} ms")),
        &format!("Say what happened on stderr: `no reply from {addr} within {millis} ms`."),
    );
    // Measured from the start of the process, so a correct client is never early;
    // 5% allows for a coarse clock.
    let wanted = Duration::from_millis(millis);
    if elapsed < wanted * 95 / 100 {
        run.fail(&format!(
            "The client gave up after {elapsed:?}, before the {millis} ms it was given. \
             Set the read timeout to MILLIS, not to a fixed or smaller value."
        ));
    }
    if elapsed > wanted + SLACK {
        run.fail(&format!(
            "The client gave up only after {elapsed:?}, long after the {millis} ms it was \
             given. Set the read timeout before the read, to exactly MILLIS."
        ));
    }
}

#[test]
fn gives_up_after_millis_not_before() {
    let (addr, server) = serve(Peer::Silent);
    let (run, elapsed) = run(&[&addr.to_string(), "300", "anyone?"]);
    check_gave_up(&run, elapsed, addr, 300);
    check_received(&run, server, "anyone?");
}

#[test]
fn a_longer_timeout_waits_longer() {
    let (addr, _server) = serve(Peer::Silent);
    let (run, elapsed) = run(&[&addr.to_string(), "700", "still there?"]);
    check_gave_up(&run, elapsed, addr, 700);
}

#[test]
fn a_server_that_hangs_up_is_an_error_not_a_timeout() {
    let (addr, _server) = serve(Peer::HangUp);
    let (run, elapsed) = run(&[&addr.to_string(), "1000", "hello?"]);
    run.assert_clean_error();
    if run.status.code() != Some(1) {
        run.fail(&format!(
            "The server closed the connection without replying: that is an error (status 1, \
             return an Err), not a timeout (status {NO_REPLY}). It exited with {}.",
            run.status
        ));
    }
    run.assert_stderr(
        predicate::str::contains(addr.to_string()),
        &format!("The error should name the server's address, {addr}."),
    );
    if elapsed > Duration::from_millis(900) {
        run.fail(&format!(
            "The server hung up at once, yet the client took {elapsed:?}: a read that \
             returns 0 bytes means the server closed; there is nothing left to wait for."
        ));
    }
}

#[test]
fn a_zero_timeout_is_refused() {
    let (addr, _server) = serve(Peer::Silent);
    let (run, _) = run(&[&addr.to_string(), "0", "now!"]);
    run.assert_clean_error();
    if run.status.code() != Some(1) {
        run.fail(&format!(
            "MILLIS 0 is a mistake in the arguments, so the client should report it as an \
             error (status 1, return an Err). It exited with {}.",
            run.status
        ));
    }
}

#[test]
fn a_refused_connection_is_an_error() {
    let closed = closed_port();
    let addr = closed.addr;
    let (run, _) = run(&[&addr.to_string(), "500", "knock knock"]);
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()).and(predicate::str::contains("refused")),
        &format!(
            "Nothing listens on {addr}: the error should name the address and say the \
             connection was refused."
        ),
    );
    if run.status.code() != Some(1) {
        run.fail(&format!(
            "A refused connection is an error: status 1, not {}.",
            run.status
        ));
    }
}
