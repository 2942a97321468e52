//! Grades exercise 10, the uploader that sends every byte.
//!
//! The same file grades the reference answer (solutions/10-send-sendall). The test
//! plays the server: it reads what the client sends, in small pieces, and checks
//! that every byte came, in order (byte i is `i % 251`).
//!
//! Why one `write` is not enough, and how the test shows it: on Linux, a blocking
//! send of a big message to a server that does not read fills the kernel's buffers
//! and then waits for room. If a signal interrupts that wait, send returns at once
//! with the count of bytes it did send, fewer than asked. Ctrl-Z and `fg` in a
//! terminal send such signals (SIGTSTP, SIGCONT); the test sends SIGSTOP and
//! SIGCONT while the client waits in its send. A client that calls `write` once
//! then sends only part of the message; one that uses `write_all` (`sendall`)
//! sends the rest.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{
    DEADLINE, Finished, Program, Running, closed_port, loopback_listener, program_under_test,
};

const CHAPTER: &str = "the book's chapter \"send and sendall\" (book/src/send-sendall.md), \
    and exercises/10-send-sendall/hint.md";

/// How much the test's server reads at a time.
const PIECE: usize = 16 << 10;

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// What the test's server received.
struct Received {
    bytes: usize,
    /// The position of the first byte that was not `position % 251`.
    first_wrong: Option<usize>,
    /// How the stream ended: None for the end of the stream, else the error.
    error: Option<std::io::Error>,
}

/// Reads `conn` to its end, `PIECE` bytes at a time, resting `rest` after each read.
fn receive(conn: &mut TcpStream, rest: Duration) -> Received {
    let expected: Vec<u8> = (0..251u8).collect::<Vec<u8>>().repeat(PIECE / 251 + 2);
    let mut piece = vec![0u8; PIECE];
    let mut received = Received {
        bytes: 0,
        first_wrong: None,
        error: None,
    };
    loop {
        match conn.read(&mut piece) {
            Ok(0) => return received,
            Ok(n) => {
                let start = received.bytes % 251;
                if received.first_wrong.is_none() && piece[..n] != expected[start..start + n] {
                    let offset = (0..n)
                        .find(|&i| piece[i] != expected[start + i])
                        .unwrap_or(0);
                    received.first_wrong = Some(received.bytes + offset);
                }
                received.bytes += n;
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => {
                received.error = Some(error);
                return received;
            }
        }
        if !rest.is_zero() {
            // A slow server, played by resting: the behaviour under test.
            thread::sleep(rest);
        }
    }
}

/// Fails unless exactly `bytes` bytes came, every one in its place, then the end.
#[track_caller]
fn check_everything_came(run: &Finished, received: &Received, bytes: usize, why_short: &str) {
    if let Some(error) = &received.error {
        run.fail(&format!(
            "The server was reading the message when its read failed: {error} (after {} of \
             {bytes} bytes). The client should send every byte, then close the connection.",
            received.bytes
        ));
    }
    if received.bytes < bytes {
        run.fail(&format!(
            "The server received only {} of the {bytes} bytes, and then the connection \
             closed. {why_short}",
            received.bytes
        ));
    }
    if received.bytes > bytes {
        run.fail(&format!(
            "The server received {} bytes, more than the {bytes} the client was asked to \
             send. Send the message once, exactly.",
            received.bytes
        ));
    }
    if let Some(position) = received.first_wrong {
        run.fail(&format!(
            "Byte {position} of the message arrived wrong: byte i should be i % 251. Send \
             `message(BYTES)` as it is, from its first byte to its last, once."
        ));
    }
}

/// Fails unless the client said what it sent.
#[track_caller]
fn check_said_so(run: &Finished, bytes: usize, addr: SocketAddr) {
    run.assert_success().assert_stdout(
        predicate::str::contains(format!("sent {bytes} bytes to {addr}")),
        &format!("Once all is sent, print `sent {bytes} bytes to {addr}`."),
    );
}

/// Accepts the client, or fails saying that it never connected: at once if the
/// client has exited, else after the deadline.
fn accept_client(client: &mut Running, listener: &TcpListener, addr: SocketAddr) -> TcpStream {
    listener.set_nonblocking(true).expect("set_nonblocking");
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((conn, _)) => {
                conn.set_nonblocking(false).expect("set_nonblocking");
                conn.set_read_timeout(Some(DEADLINE))
                    .expect("set_read_timeout");
                return conn;
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {}
            Err(error) => panic!("accept() on {addr} failed: {error}"),
        }
        if !client.is_running() || start.elapsed() > DEADLINE {
            client.fail(&format!(
                "The client never connected to the server at {addr}."
            ));
        }
        // Nobody yet: look again shortly, and meanwhile whether the client gave up.
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_small_message_arrives_whole() {
    let (listener, addr) = loopback_listener();
    let mut client = program().spawn(&[&addr.to_string(), "1000"]);
    let mut conn = accept_client(&mut client, &listener, addr);
    let received = receive(&mut conn, Duration::ZERO);
    let run = client.finish();
    check_everything_came(&run, &received, 1000, "Send the whole message.");
    check_said_so(&run, 1000, addr);
}

#[test]
fn an_upload_to_a_server_on_ipv6_arrives_whole() {
    let bytes = 256 << 10;
    let listener = TcpListener::bind("[::1]:0").expect("bind [::1]:0");
    let addr = listener.local_addr().expect("local_addr");
    let mut client = program().spawn(&[&addr.to_string(), &bytes.to_string()]);
    let mut conn = accept_client(&mut client, &listener, addr);
    let received = receive(&mut conn, Duration::ZERO);
    let run = client.finish();
    check_everything_came(
        &run,
        &received,
        bytes,
        "The server is on the IPv6 loopback, [::1]: connect to the address you are given, \
         whichever family it is, and send everything.",
    );
    check_said_so(&run, bytes, addr);
}

#[test]
fn a_slow_server_reading_small_pieces_gets_every_byte() {
    let bytes = 4 << 20;
    let (listener, addr) = loopback_listener();
    let mut client = program().spawn(&[&addr.to_string(), &bytes.to_string()]);
    let mut conn = accept_client(&mut client, &listener, addr);
    let received = receive(&mut conn, Duration::from_millis(1));
    let run = client.finish();
    check_everything_came(
        &run,
        &received,
        bytes,
        "A slow server makes the client wait for room in the kernel's buffers; send \
         everything all the same (write_all, Python's sendall).",
    );
    check_said_so(&run, bytes, addr);
}

/// Ctrl-Z and `fg` in the middle of an upload: SIGSTOP and SIGCONT while the client
/// waits in its send.
#[cfg(target_os = "linux")]
#[test]
fn a_send_interrupted_by_ctrl_z_and_fg_is_finished() {
    // Far more than the kernel's buffers hold (a few MiB on loopback), so the
    // client is sure to wait in its send while the server is not reading.
    let bytes = 32 << 20;
    let (listener, addr) = loopback_listener();
    let mut client = program().spawn(&[&addr.to_string(), &bytes.to_string()]);
    let mut conn = accept_client(&mut client, &listener, addr);
    wait_until_blocked_in_send(&mut client);
    signal(&mut client, "STOP");
    signal(&mut client, "CONT");
    let received = receive(&mut conn, Duration::ZERO);
    let run = client.finish();
    check_everything_came(
        &run,
        &received,
        bytes,
        "The client was waiting in send() for room when a signal interrupted it (SIGSTOP \
         then SIGCONT, what Ctrl-Z and `fg` do in a terminal). An interrupted send returns \
         at once, with the count of bytes it did send, fewer than asked. One write() is \
         Python's send(): use write_all(), Python's sendall(), which calls write() again \
         for the rest.",
    );
    check_said_so(&run, bytes, addr);
}

/// Waits, within the deadline, until the client's main thread sleeps in a send
/// system call, with the kernel's buffers full.
#[cfg(target_os = "linux")]
fn wait_until_blocked_in_send(client: &mut Running) {
    // /proc/PID/syscall starts with the number of the system call the thread is
    // blocked in, or says `running`. Send-like calls on the common machines:
    let sends: &[&str] = if cfg!(target_arch = "x86_64") {
        &["1", "20", "44", "46"] // write, writev, sendto, sendmsg
    } else if cfg!(target_arch = "aarch64") {
        &["64", "66", "206", "211"]
    } else {
        &[] // elsewhere, any blocked system call will do
    };
    let path = format!("/proc/{}/syscall", client.id());
    let start = Instant::now();
    loop {
        let now = std::fs::read_to_string(&path).unwrap_or_default();
        let first = now.split_whitespace().next().unwrap_or("");
        let blocked = first.parse::<u64>().is_ok() && (sends.is_empty() || sends.contains(&first));
        if blocked {
            return;
        }
        if !client.is_running() {
            client.fail(
                "The client exited while the server had not read anything yet: with a \
                 message this big, it should still have been waiting to send the rest.",
            );
        }
        if start.elapsed() > DEADLINE {
            client.fail(&format!(
                "The client connected, but never waited in a send: {path} said {now:?}. \
                 It should send the message as soon as it is connected."
            ));
        }
        // Polling the client's state: there is nothing to wait on for it.
        thread::sleep(Duration::from_millis(5));
    }
}

/// Sends the signal `name` (STOP, CONT) to the client, with the `kill` command.
#[cfg(target_os = "linux")]
fn signal(client: &mut Running, name: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", name, &client.id().to_string()])
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        client.fail(&format!(
            "The test could not send SIG{name} to the client with `kill`: {status:?}."
        ));
    }
}

#[test]
fn a_server_that_hangs_up_midway_is_a_clean_error() {
    let bytes = 32 << 20;
    let (listener, addr) = loopback_listener();
    let mut client = program().spawn(&[&addr.to_string(), &bytes.to_string()]);
    let mut conn = accept_client(&mut client, &listener, addr);
    let mut start = vec![0u8; 64 << 10];
    if conn.read_exact(&mut start).is_err() {
        client.fail("The server could not read the first 64 KiB of the message.");
    }
    // Wait until more has come, then close with it unread: the kernel resets the
    // connection, and the client's next send fails.
    let _ = conn.peek(&mut [0u8; 1]);
    drop(conn);
    let run = client.finish();
    if run.status.success() {
        run.fail(&format!(
            "The server hung up after 64 KiB of the {bytes} bytes, yet the client exited \
             with status 0, as if all was sent. A send that fails (ECONNRESET, EPIPE) is an \
             error: return it from main, with a context naming {addr}. (A client that calls \
             write() once gets back a short count instead of the error, and never knows.)"
        ));
    }
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()),
        &format!("The error should name the server's address, {addr}."),
    );
}

#[test]
fn a_refused_connection_is_a_clean_error() {
    let closed = closed_port();
    let addr = closed.addr;
    let run = program().run(&[&addr.to_string(), "1000"], "");
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(addr.to_string()).and(predicate::str::contains("refused")),
        &format!("Nothing listens on {addr}: the error should name it and say it was refused."),
    );
}
