//! Grades exercise 09, the client that waits for a reply, but not forever.
//!
//! The same file grades the reference answer (solutions/09-timeouts). The test plays
//! the server on 127.0.0.1:0: it replies at once, replies late, never replies, or
//! hangs up, and checks what the client prints, how it exits and how long it took.

use std::io::{Read, Write};
#[cfg(not(windows))]
use std::net::Ipv4Addr;
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use predicates::prelude::*;
#[cfg(not(windows))]
use test_support::full_accept_queue::full_accept_queue;
use test_support::{
    Finished, Program, Running, accept_within, closed_port, program_under_test, read_until_closed,
};

const CHAPTER: &str = "the book's chapter \"Timeouts: settimeout\" (book/src/timeouts.md), and \
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

/// The test's server, in a thread. It returns what the client sent and how long,
/// from then on, the client stayed connected: how long it waited, as a peer sees
/// it, without the time a process takes to start.
type Server = JoinHandle<Option<(Vec<u8>, Duration)>>;

/// The test's server on 127.0.0.1; see [`Server`].
fn serve(peer: Peer) -> (SocketAddr, Server) {
    serve_on("127.0.0.1:0", peer)
}

/// The test's server on `local` (an address with port 0), in a thread.
fn serve_on(local: &str, peer: Peer) -> (SocketAddr, Server) {
    let listener = TcpListener::bind(local).unwrap_or_else(|e| panic!("bind {local}: {e}"));
    let addr = listener.local_addr().expect("local_addr");
    let thread = thread::spawn(move || {
        let (mut conn, _) = accept_within(&listener)?;
        let mut buffer = [0u8; 1024];
        let n = conn.read(&mut buffer).ok()?;
        let message = buffer[..n].to_vec();
        let received_at = Instant::now();
        match peer {
            Peer::ReplyAfter(delay) => {
                // A slow server, played by waiting: this sleep is the behaviour under
                // test, not a wait for anything to be ready.
                thread::sleep(delay);
                let _ = conn.write_all(&message.to_ascii_uppercase());
            }
            Peer::Silent => {}
            Peer::HangUp => return Some((message, Duration::ZERO)),
        }
        let _ = read_until_closed(&mut conn);
        Some((message, received_at.elapsed()))
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

/// Runs the client with `args`, and fails with `problem(elapsed)` if it is still
/// running after `limit`: the precise reason, rather than a generic "did not
/// finish". Returns what it did and how long it took, start to exit.
#[track_caller]
fn run_within(
    args: &[&str],
    limit: Duration,
    problem: impl FnOnce(Duration) -> String,
) -> (Finished, Duration) {
    let (finished, elapsed, _) = run_watched(args, limit, problem);
    (finished, elapsed)
}

/// Like [`run_within`], and also returns, on Linux, how long the client was seen
/// waiting in connect() or poll() (the call connect_timeout waits in): its wait
/// without the time a process takes to start, or to print an error and exit (with
/// RUST_BACKTRACE set, anyhow's backtrace), which on a busy machine can each take
/// most of a second.
#[track_caller]
fn run_watched(
    args: &[&str],
    limit: Duration,
    problem: impl FnOnce(Duration) -> String,
) -> (Finished, Duration, Option<Duration>) {
    let program: Program = program_under_test!(CHAPTER);
    let start = Instant::now();
    let mut client = program.spawn(args);
    client.close_stdin();
    let (mut waiting_since, mut waiting_until) = (None, None);
    while client.is_running() {
        if start.elapsed() > limit {
            let elapsed = start.elapsed();
            client.fail(&problem(elapsed));
        }
        if waiting_until.is_none() {
            match (waiting_since, waits_to_connect(&client)) {
                (None, true) => waiting_since = Some(Instant::now()),
                (Some(_), false) => waiting_until = Some(Instant::now()),
                _ => {}
            }
        }
        // Polling a process that should be exiting; the time it takes is what is
        // measured, so look often.
        thread::sleep(Duration::from_millis(2));
    }
    let elapsed = start.elapsed();
    let until = waiting_until.unwrap_or_else(Instant::now);
    let waited = waiting_since.map(|since| until.duration_since(since));
    (client.finish(), elapsed, waited)
}

/// Whether the client is blocked in connect(), poll() or ppoll(), from the number
/// of the system call in /proc/PID/syscall. (Linux on x86_64 and aarch64 only.)
fn waits_to_connect(client: &Running) -> bool {
    let calls: &[&str] = if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        &["42", "7", "271"] // connect, poll, ppoll
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        &["203", "73"] // connect, ppoll
    } else {
        return false;
    };
    let now = std::fs::read_to_string(format!("/proc/{}/syscall", client.id())).unwrap_or_default();
    now.split_whitespace()
        .next()
        .is_some_and(|call| calls.contains(&call))
}

/// How long after MILLIS the test waits for a client that should have given up,
/// before it says the client did not: time for a process to start and exit on a
/// very busy machine. The waits themselves are measured as the peer sees them.
const GIVE_UP_WITHIN: Duration = Duration::from_millis(2000);

/// What to reproduce a silent server by hand with.
const BY_HAND: &str = "To see it by hand: `nc -l 127.0.0.1 9999` (a server that never \
    answers) in one terminal, `cargo run -p exercise-timeouts -- 127.0.0.1:9999 500 hi` \
    in another, then `echo $?`.";

/// What the test's server received (None if no client came), and how long the
/// client stayed connected after sending it, as the server saw it.
fn finish_server(server: Server) -> (Option<Vec<u8>>, Duration) {
    match server.join().expect("the test server's thread") {
        Some((message, stayed)) => (Some(message), stayed),
        None => (None, Duration::ZERO),
    }
}

/// Fails unless the server received exactly `expected` from the client. Returns
/// how long the client stayed connected after sending it, as the server saw it.
fn check_received(run: &Finished, server: Server, expected: &str) -> Duration {
    let (received, stayed) = finish_server(server);
    check_message(run, received, expected);
    stayed
}

/// Fails unless `received` is exactly `expected`.
fn check_message(run: &Finished, received: Option<Vec<u8>>, expected: &str) {
    if received.as_deref() != Some(expected.as_bytes()) {
        run.fail(&format!(
            "The server should have received the message {expected:?}; it received {:?}.",
            received.map(|m| String::from_utf8_lossy(&m).into_owned())
        ));
    }
}

/// What to say to a client that stayed after the reply, waiting for more.
fn waits_for_more(stayed: Duration) -> String {
    format!(
        "The test's server received b\"ping\", answered b\"PING\" at once, and kept the \
         connection open. {stayed:.1?} later the client had still not printed the reply and \
         gone. One read() (Python's recv(1024)) returns as soon as some bytes have arrived; \
         read_to_end(), read_to_string(), read_exact() or a loop of reads wait for more, or \
         for the server to close, which this one does not. {BY_HAND} (type a reply into nc: \
         it should print at once)"
    )
}

#[test]
fn prints_a_reply_that_comes_at_once() {
    let (addr, server) = serve(Peer::ReplyAfter(Duration::ZERO));
    // MILLIS far longer than a reply takes: a client that waits for more than the one
    // reply (read_to_end, read_exact, a loop) stays connected until it runs out.
    let millis = Duration::from_millis(2500);
    let (run, _) = run_within(
        &[&addr.to_string(), "2500", "ping"],
        millis + GIVE_UP_WITHIN,
        waits_for_more,
    );
    let (received, stayed) = finish_server(server);
    if stayed > Duration::from_millis(1000) {
        run.fail(&waits_for_more(stayed));
    }
    run.assert_success().assert_stdout(
        predicate::str::contains("PING"),
        "The server replied b\"PING\": the client should print the reply on stdout.",
    );
    check_message(&run, received, "ping");
}

#[test]
fn prints_a_reply_from_a_server_on_ipv6() {
    let (addr, server) = serve_on("[::1]:0", Peer::ReplyAfter(Duration::ZERO));
    let (run, _) = run(&[&addr.to_string(), "1000", "over six"]);
    run.assert_success().assert_stdout(
        predicate::str::contains("OVER SIX"),
        &format!(
            "The server at {addr} (IPv6 loopback) replied b\"OVER SIX\": the client should \
             print it. connect_timeout takes any SocketAddr, IPv4 or IPv6."
        ),
    );
    check_received(&run, server, "over six");
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
/// and a wait (as the server saw it, from the message to the close) of about
/// `millis`: not less, not much more.
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
    // Measured from the moment the message came, so a correct client is never
    // early; 5% allows for a coarse clock.
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

/// Runs the client against a server that never replies, with MILLIS `millis`.
fn run_against_silence(addr: SocketAddr, millis: u64, message: &str) -> (Finished, Duration) {
    let wanted = Duration::from_millis(millis);
    run_within(
        &[&addr.to_string(), &millis.to_string(), message],
        wanted + GIVE_UP_WITHIN,
        |elapsed| {
            format!(
                "The test's server received the message and never replied. The client was \
                 given {millis} ms, and after {elapsed:.1?} it was still waiting. Call \
                 set_read_timeout(Some(timeout)) before the read (Python's settimeout), so \
                 that the read gives up after MILLIS. {BY_HAND}"
            )
        },
    )
}

#[test]
fn gives_up_after_millis_not_before() {
    let (addr, server) = serve(Peer::Silent);
    let (run, _) = run_against_silence(addr, 300, "anyone?");
    let (received, waited) = finish_server(server);
    check_gave_up(&run, waited, addr, 300);
    check_message(&run, received, "anyone?");
}

/// What keeps a test's peer alive while a client runs; called afterwards, it lets the
/// peer go and says how long the client waited as the peer saw it, if it can tell.
type PeerSaw = Box<dyn FnOnce() -> Option<Duration> + Send>;

/// Runs two clients at once, with a short and a long MILLIS, against what `peer`
/// makes (a silent server, an unanswered SYN), and checks that their waits differ by
/// about the difference of their MILLIS: a fixed timeout gives two equal waits.
fn check_two_waits(
    short: u64,
    long: u64,
    what: &str,
    make: fn() -> (SocketAddr, PeerSaw),
    run: fn(SocketAddr, u64) -> (Finished, Duration),
    check: fn(&Finished, Duration, SocketAddr, u64),
) {
    let runs: Vec<_> = [short, long]
        .map(|millis| {
            thread::spawn(move || {
                let (addr, peer_saw) = make();
                let (finished, elapsed) = run(addr, millis);
                let waited = peer_saw().unwrap_or(elapsed);
                (finished, waited, addr, millis)
            })
        })
        .into_iter()
        .map(|thread| thread.join().expect("a client's thread"))
        .collect();
    // Measured as the peer saw them where it can tell: a process that starts late on
    // a busy machine then shifts nothing.
    for (run, waited, addr, millis) in &runs {
        check(run, *waited, *addr, *millis);
    }
    let (short_run, short_elapsed, ..) = &runs[0];
    let (_, long_elapsed, ..) = &runs[1];
    let difference = long_elapsed.saturating_sub(*short_elapsed);
    let wanted = Duration::from_millis(long - short);
    if difference < wanted / 2 {
        short_run.fail(&format!(
            "Two clients waited at once for {what}, one with MILLIS {short}, one with MILLIS \
             {long}. The first gave up after {short_elapsed:.1?}, the second after \
             {long_elapsed:.1?}: they should be about {wanted:?} apart, and are {difference:.1?} \
             apart. Make the timeout MILLIS (Duration::from_millis(millis)), not a fixed \
             value."
        ));
    }
}

#[test]
fn a_longer_timeout_waits_longer() {
    check_two_waits(
        250,
        1000,
        "a reply from a server that never replies",
        || {
            let (addr, server) = serve(Peer::Silent);
            let waited = move || server.join().ok().flatten().map(|(_, waited)| waited);
            (addr, Box::new(waited))
        },
        |addr, millis| run_against_silence(addr, millis, "still there?"),
        check_gave_up,
    );
}

// Windows answers a SYN to a full accept queue with a RST (refused, at once), so
// there the unanswered SYN cannot be played this way: the connect tests are for
// Linux and macOS, which drop it.

/// Checks a client whose connect got no answer: an error naming the address, after
/// about `millis`, not less, not much more.
#[cfg(not(windows))]
fn check_connect_gave_up(run: &Finished, elapsed: Duration, addr: SocketAddr, millis: u64) {
    if run.status.success() {
        run.fail(&format!(
            "Nothing answered the client's SYN at {addr}, so it never connected, yet it \
             exited with status 0."
        ));
    }
    if run.status.code() == Some(NO_REPLY) {
        run.fail(&format!(
            "Nothing answered the client's SYN at {addr}: it never connected, so there was no \
             reply to wait for. A connect that times out is an error (status 1, return the \
             Err), not `no reply` (status {NO_REPLY})."
        ));
    }
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()),
        &format!(
            "The connect to {addr} timed out: the error should name the address it could not \
             reach."
        ),
    );
    let wanted = Duration::from_millis(millis);
    // Measured from when the client was first seen waiting, a little after it began.
    if elapsed < wanted * 90 / 100 {
        run.fail(&format!(
            "The connect to {addr} gave up after {elapsed:?}, before the {millis} ms it was \
             given. Pass the MILLIS timeout to connect_timeout."
        ));
    }
    if elapsed > wanted + GIVE_UP_WITHIN {
        run.fail(&format!(
            "The connect to {addr} gave up only after {elapsed:?}, long after the {millis} ms \
             it was given. Connect with TcpStream::connect_timeout(&addr, timeout)."
        ));
    }
}

/// A listener whose accept queue is full drops the client's SYN, so its connect waits
/// for an answer that does not come, until its timeout.
#[cfg(not(windows))]
fn unanswered() -> (SocketAddr, PeerSaw) {
    let queue = full_accept_queue(Ipv4Addr::LOCALHOST.into());
    // The listener sees nothing of a SYN it drops: the wait is measured in the
    // client, from /proc (see run_watched).
    (
        queue.addr,
        Box::new(move || {
            drop(queue);
            None
        }),
    )
}

/// Runs the client against `addr`, where the SYN gets no answer, with MILLIS `millis`.
#[cfg(not(windows))]
fn run_against_full_queue(addr: SocketAddr, millis: u64) -> (Finished, Duration) {
    let (finished, elapsed, waited) = run_watched(
        &[&addr.to_string(), &millis.to_string(), "knock"],
        Duration::from_millis(millis) + GIVE_UP_WITHIN,
        |elapsed| {
            format!(
                "The test's listener at {addr} has a full accept queue, so the kernel drops \
                 every new SYN and connect() waits for an answer that never comes (the \
                 client's kernel would try again for about two minutes). The client was \
                 given {millis} ms and after {elapsed:.1?} it was still waiting. Connect \
                 with TcpStream::connect_timeout(&addr, timeout), Python's settimeout \
                 followed by connect; TcpStream::connect has no timeout. (By hand: \
                 `cargo run -p exercise-timeouts -- 10.255.255.1:9 500` tries an address \
                 that usually never answers.)"
            )
        },
    );
    (finished, waited.unwrap_or(elapsed))
}

#[cfg(not(windows))]
#[test]
fn a_connect_that_gets_no_answer_gives_up_after_millis() {
    let (addr, release) = unanswered();
    let (run, elapsed) = run_against_full_queue(addr, 300);
    release();
    check_connect_gave_up(&run, elapsed, addr, 300);
}

#[cfg(not(windows))]
#[test]
fn a_longer_connect_timeout_waits_longer() {
    // Nothing on the wire shows a dropped SYN: the waits are measured in the client
    // (see run_watched).
    check_two_waits(
        200,
        1000,
        "a SYN/ACK that never comes (a listener with a full accept queue)",
        unanswered,
        run_against_full_queue,
        check_connect_gave_up,
    );
}

#[test]
fn a_server_that_hangs_up_is_an_error_not_a_timeout() {
    let (addr, _server) = serve(Peer::HangUp);
    let (run, elapsed) = run(&[&addr.to_string(), "2500", "hello?"]);
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
    if elapsed > Duration::from_millis(2000) {
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
