//! Grades exercise 15, the reader of length-prefixed messages.
//!
//! The same file grades the reference answer (solutions/15-framing). Each test starts
//! the server on 127.0.0.1:0, connects, and sends frames (a 4-byte big-endian length,
//! then the message): all in one send, one byte per send, or cut in two at every
//! position, so that characters of two, three and four bytes arrive in pieces.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::abortive_close::reset;
use test_support::{DEADLINE, Finished, Program, Running, connect, program_under_test};

const CHAPTER: &str = "the book's chapter \"What recv(1024) does not promise: framing\" \
    (book/src/framing.md), and exercises/15-framing/hint.md";

const MAX_FRAME: usize = 65_536;

/// A pause between two pieces of a frame, long enough that the server's read
/// returns the first piece by itself: the behaviour under test, not a wait for
/// anything to be ready.
const PAUSE: Duration = Duration::from_millis(10);

fn start() -> (Running, SocketAddr, TcpStream) {
    start_on("127.0.0.1:0")
}

fn start_on(local: &str) -> (Running, SocketAddr, TcpStream) {
    let program: Program = program_under_test!(CHAPTER);
    let (server, addr) = program.start_server(&[local]);
    let client = connect(addr);
    // Each write leaves at once, in a segment of its own.
    client.set_nodelay(true).expect("TCP_NODELAY");
    (server, addr, client)
}

fn frame(message: &[u8]) -> Vec<u8> {
    let length = u32::try_from(message.len()).expect("a short message");
    [&length.to_be_bytes()[..], message].concat()
}

fn send(server: &mut Running, client: &mut TcpStream, bytes: &[u8]) {
    if let Err(e) = client.write_all(bytes).and_then(|()| client.flush()) {
        server.fail(&format!(
            "Sending {} bytes to the server failed: {e}",
            bytes.len()
        ));
    }
}

/// What the server must print for `message`.
fn line_for(message: &str) -> String {
    format!(
        "received {} bytes, {} characters: {message}",
        message.len(),
        message.chars().count()
    )
}

/// Waits for the server's next `received` line and fails unless it is the one for
/// `message`. `how` says how the frame was sent, for the message.
#[track_caller]
fn expect_message(server: &mut Running, message: &str, how: &str) {
    let expected = line_for(message);
    let line = server.wait_for_line_containing(
        "received ",
        &format!(
            "the line for the frame just sent ({how}): {}",
            shorten(&expected)
        ),
    );
    if line != expected {
        server.fail(&format!(
            "A frame was sent {how}. The server should print\n    {}\nbut it printed\n    {}\n\
             Read whole frames (the 4-byte length, then exactly that many bytes) before \
             decoding: a single read may return part of a frame, or more than one.",
            shorten(&expected),
            shorten(&line)
        ));
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 80 {
        format!(
            "{}… ({} characters in all)",
            text.chars().take(80).collect::<String>(),
            text.chars().count()
        )
    } else {
        text.to_string()
    }
}

/// Closes the client's side and checks that the server exits with status 0.
fn close_and_finish(server: Running, client: TcpStream) {
    drop(client);
    let finished = server.finish();
    if !finished.status.success() {
        finished.fail(&format!(
            "The client sent whole frames, then closed the connection between two frames: \
             the normal end of the conversation, so the server should exit with status 0. \
             It exited with {}. A read of 0 bytes where a new length would begin is the \
             end, not an error (read_exact reports it as one: `failed to fill whole \
             buffer`; read the prefix with your own loop and count the bytes).",
            finished.status
        ));
    }
}

/// Waits for the server to exit on its own, and fails with `why` if it does not.
fn wait_for_exit(mut server: Running, why: &str) -> Finished {
    let start = Instant::now();
    while server.is_running() {
        if start.elapsed() > DEADLINE {
            server.fail(why);
        }
        // Polling a process that should be exiting; nothing here waits for readiness.
        thread::sleep(Duration::from_millis(10));
    }
    server.finish()
}

#[test]
fn prints_a_message_as_soon_as_its_frame_is_complete() {
    let (mut server, _, mut client) = start();
    send(&mut server, &mut client, &frame(b"hello"));
    // The connection stays open: the line must come now, not when the client leaves.
    expect_message(
        &mut server,
        "hello",
        "in one send, the connection still open",
    );
    send(&mut server, &mut client, &frame("你好".as_bytes()));
    expect_message(
        &mut server,
        "你好",
        "in one send, the connection still open",
    );
    close_and_finish(server, client);
}

#[test]
fn several_frames_in_one_send() {
    let (mut server, _, mut client) = start();
    let messages = ["apple", "香蕉", "", "你好，世界 😀"];
    let all: Vec<u8> = messages.iter().flat_map(|m| frame(m.as_bytes())).collect();
    send(&mut server, &mut client, &all);
    for message in messages {
        expect_message(&mut server, message, "with three others in one send");
    }
    close_and_finish(server, client);
}

#[test]
fn frames_sent_one_byte_at_a_time() {
    let (mut server, _, mut client) = start();
    for message in ["aé你😀", "你好，世界"] {
        for byte in frame(message.as_bytes()) {
            send(&mut server, &mut client, &[byte]);
            thread::sleep(Duration::from_millis(2));
        }
        expect_message(&mut server, message, "one byte per send");
    }
    close_and_finish(server, client);
}

#[test]
fn a_frame_cut_in_two_at_every_position() {
    let (mut server, _, mut client) = start();
    // Characters of 3, 3, 4 and 2 bytes: every cut inside the message splits one.
    let message = "你好😀é";
    let bytes = frame(message.as_bytes());
    for cut in 1..bytes.len() {
        send(&mut server, &mut client, &bytes[..cut]);
        thread::sleep(PAUSE);
        send(&mut server, &mut client, &bytes[cut..]);
        expect_message(
            &mut server,
            message,
            &format!(
                "in two sends, the first with {cut} of its {} bytes",
                bytes.len()
            ),
        );
    }
    close_and_finish(server, client);
}

#[test]
fn the_longest_message_in_one_burst() {
    let (mut server, _, mut client) = start();
    // 21845 three-byte characters and one more byte: exactly MAX_FRAME bytes.
    let longest = format!("{}!", "好".repeat(MAX_FRAME / 3));
    assert_eq!(longest.len(), MAX_FRAME);
    let all = [frame(longest.as_bytes()), frame(b"after it")].concat();
    send(&mut server, &mut client, &all);
    expect_message(
        &mut server,
        &longest,
        &format!(
            "in one send of {} bytes, a message of exactly the limit, {MAX_FRAME} bytes",
            all.len()
        ),
    );
    expect_message(&mut server, "after it", "right behind the long one");
    close_and_finish(server, client);
}

#[test]
fn reads_frames_from_a_client_on_ipv6() {
    let (mut server, _, mut client) = start_on("[::1]:0");
    send(
        &mut server,
        &mut client,
        &frame("over IPv6, 你好".as_bytes()),
    );
    expect_message(&mut server, "over IPv6, 你好", "over IPv6, in one send");
    close_and_finish(server, client);
}

/// The server's peak memory so far (VmHWM in /proc/PID/status), in bytes.
#[cfg(target_os = "linux")]
fn peak_memory(server: &Running) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id()))
        .expect("read /proc/PID/status");
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<usize>()
                .ok()
        })
        .expect("a VmHWM line in /proc/PID/status");
    kib << 10
}

/// 8 MiB of frames in one go: a server that keeps every byte it received (and
/// only moves an index forward) holds all 8 MiB; one that keeps at most a frame
/// at a time stays small.
#[cfg(target_os = "linux")]
#[test]
fn a_flood_of_frames_keeps_memory_bounded() {
    const FRAMES: usize = 128;
    const ALLOWED_GROWTH: usize = 4 << 20;
    let (mut server, _, mut client) = start();
    let before = peak_memory(&server);
    let one = frame(&[b'f'; MAX_FRAME]);
    let flood: Vec<u8> = one
        .iter()
        .copied()
        .cycle()
        .take(one.len() * FRAMES)
        .chain(frame(b"end of the flood"))
        .collect();
    send(&mut server, &mut client, &flood);
    // The server's lines are 64 KiB each: wait for the last, never show them all.
    server.wait_for_line_containing(
        "characters: end of the flood",
        "the line for the last frame of an 8 MiB flood, `end of the flood`",
    );
    let growth = peak_memory(&server).saturating_sub(before);
    if growth > ALLOWED_GROWTH {
        panic!(
            "{}",
            test_support::explain(
                &format!(
                    "The client sent {FRAMES} frames of {MAX_FRAME} bytes, 8 MiB in all, and \
                     the server printed each one; meanwhile its memory grew by {} MiB (VmHWM \
                     in /proc/{}/status). A server that reads frames needs room for one frame \
                     (and one read) at a time: throw away the bytes of a frame once it is \
                     printed (Vec::drain, or a fresh Vec per frame), so that no client can make \
                     it grow without end.",
                    growth >> 20,
                    server.id()
                ),
                "(128 lines of 64 KiB, not shown)",
                "",
                CHAPTER,
            )
        );
    }
    close_and_finish(server, client);
}

#[test]
fn a_client_that_resets_mid_frame_is_a_clean_error() {
    let (mut server, _, mut client) = start();
    send(&mut server, &mut client, &frame(b"before the reset"));
    expect_message(&mut server, "before the reset", "in one send");
    send(&mut server, &mut client, b"\0\0\0\x10half");
    // A crash, or SO_LINGER 0: a RST instead of a FIN, so the server's next read
    // fails with ECONNRESET.
    reset(client);
    wait_for_exit(
        server,
        "The client sent half a frame and reset the connection (a RST, as a crashed peer \
         sends), and the server is still running. A read that fails with ECONNRESET is an \
         error to report and stop for, not a reason to read again.",
    )
    .assert_clean_error();
}

#[test]
fn a_frame_over_the_limit_is_refused_at_once() {
    let (mut server, _, mut client) = start();
    let too_long = MAX_FRAME + 1;
    let length = u32::try_from(too_long).expect("fits").to_be_bytes();
    send(&mut server, &mut client, &length);
    // The client stays connected and sends nothing more: a server that waits for
    // the message before checking its length waits for ever.
    let finished = wait_for_exit(
        server,
        &format!(
            "The client announced a frame of {too_long} bytes, over the limit of {MAX_FRAME}, \
             and the server is still running. Check the length as soon as the 4-byte \
             prefix is in, and return an error: do not wait for the message."
        ),
    );
    finished.assert_clean_error().assert_stderr(
        predicate::str::contains(too_long.to_string()).and(predicate::str::contains("limit")),
        &format!(
            "Say what is wrong: `a frame of {too_long} bytes is larger than the limit of \
                 {MAX_FRAME} bytes`."
        ),
    );
    drop(client);
}

/// Sends `bytes`, hangs up, and checks the server reports a frame cut short.
fn check_hang_up_mid_frame(bytes: &[u8], what: &str) {
    let (mut server, _, mut client) = start();
    send(&mut server, &mut client, bytes);
    drop(client);
    wait_for_exit(
        server,
        &format!("The client sent {what} and hung up, yet the server is still running."),
    )
    .assert_clean_error()
    .assert_stderr(
        predicate::str::contains("middle of a frame"),
        &format!(
            "The client sent {what} and hung up: that is an error, and the message should \
             say the connection ended `in the middle of a frame`."
        ),
    );
}

#[test]
fn a_client_that_hangs_up_in_the_middle_of_a_message() {
    check_hang_up_mid_frame(
        b"\0\0\0\x0aabc",
        "a length of 10 and only 3 bytes of the message",
    );
}

#[test]
fn a_client_that_hangs_up_in_the_middle_of_the_length() {
    check_hang_up_mid_frame(b"\0\0", "2 of the 4 bytes of a length");
}

#[test]
fn a_message_that_is_not_utf8_is_an_error() {
    let (mut server, _, mut client) = start();
    send(&mut server, &mut client, &frame(b"ok\xff"));
    wait_for_exit(
        server,
        "The client sent a message that is not UTF-8 (b\"ok\\xff\"), and the server is still \
         running: that is an error.",
    )
    .assert_clean_error()
    .assert_stderr(
        predicate::str::contains("UTF-8"),
        "A message that is not UTF-8 deserves an error that says so (utf8_text::decode does).",
    );
    drop(client);
}
