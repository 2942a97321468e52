//! Grades exercise 01, the upper-casing server for more than one client.
//!
//! The same file grades the reference answer (solutions/01-basic-server), so what
//! passes here is exactly what the course expects. Each test starts the server on
//! 127.0.0.1:0, reads its `listening on ADDR` line and talks to it over TCP.

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};

use test_support::{DEADLINE, Program, Running, connect, program_under_test, read_until_closed};

const CHAPTER: &str = "the book's chapter \"The first server and client\" \
    (book/src/first-server-and-client.md), and exercises/01-basic-server/hint.md";

fn start() -> (Running, SocketAddr) {
    let program: Program = program_under_test!(CHAPTER);
    program.start_server(&["127.0.0.1:0"])
}

/// Plays one client: sends `message`, then reads the reply until the server closes
/// the connection.
fn exchange(server: &mut Running, addr: SocketAddr, message: &[u8]) -> Vec<u8> {
    let mut client = connect(addr);
    if let Err(e) = client.write_all(message) {
        server.fail(&format!(
            "Sending {:?} to the server failed: {e}",
            message.escape_ascii().to_string()
        ));
    }
    match read_until_closed(&mut client) {
        Some(reply) => reply,
        None => server.fail(&format!(
            "Sent b\"{}\" and waited {DEADLINE:?}, but the server did not reply and close \
             the connection. After its one reply, it must close the client's socket.",
            message.escape_ascii()
        )),
    }
}

fn expect_reply(server: &mut Running, addr: SocketAddr, message: &[u8], expected: &[u8]) {
    let reply = exchange(server, addr, message);
    if reply != expected {
        server.fail(&format!(
            "Sent b\"{}\": the reply should be b\"{}\", but it was b\"{}\".",
            message.escape_ascii(),
            expected.escape_ascii(),
            reply.escape_ascii()
        ));
    }
}

#[test]
fn prints_the_address_it_really_bound() {
    let (mut server, addr) = start();
    if !addr.ip().is_loopback() {
        server.fail(&format!(
            "Asked to bind 127.0.0.1:0, the server says it listens on {addr}."
        ));
    }
    if let Err(e) = TcpStream::connect_timeout(&addr, DEADLINE) {
        server.fail(&format!(
            "The server printed `listening on {addr}`, but connecting there failed: {e}"
        ));
    }
}

#[test]
fn replies_upper_cased_and_closes() {
    let (mut server, addr) = start();
    expect_reply(&mut server, addr, b"hello, socket", b"HELLO, SOCKET");
}

#[test]
fn only_ascii_letters_change_like_python_bytes_upper() {
    let (mut server, addr) = start();
    // "héllo 你好" in UTF-8, then a byte that is not UTF-8 at all: only h, l, l, o change.
    let message = "héllo 你好 \u{0}"
        .as_bytes()
        .iter()
        .copied()
        .chain([0xff])
        .collect::<Vec<u8>>();
    let expected = "HéLLO 你好 \u{0}"
        .as_bytes()
        .iter()
        .copied()
        .chain([0xff])
        .collect::<Vec<u8>>();
    expect_reply(&mut server, addr, &message, &expected);
}

#[test]
fn serves_clients_one_after_another() {
    let (mut server, addr) = start();
    expect_reply(&mut server, addr, b"first", b"FIRST");
    expect_reply(&mut server, addr, b"Second client", b"SECOND CLIENT");
    expect_reply(&mut server, addr, b"third!", b"THIRD!");
}

#[test]
fn names_each_client_it_serves() {
    let (mut server, addr) = start();
    let mut client = connect(addr);
    // accept() returns the client's address: the very address the client sees as its
    // own end of the connection.
    let client_addr = client.local_addr().expect("local_addr").to_string();
    client.write_all(b"who am i").expect("send");
    let _ = read_until_closed(&mut client);
    server.wait_for_line_containing(
        &client_addr,
        &format!("a line naming the client it served, {client_addr} (accept() returns it)"),
    );
}

#[test]
fn a_client_that_hangs_up_does_not_stop_the_server() {
    let (mut server, addr) = start();
    // One client connects and leaves at once; another says it is done sending
    // without having sent anything. Neither is a reason to stop.
    drop(connect(addr));
    let silent = connect(addr);
    silent.shutdown(Shutdown::Write).expect("shutdown");
    expect_reply(&mut server, addr, b"still there?", b"STILL THERE?");
    if !server.is_running() {
        server.fail("The server exited after a client hung up; it should go on serving.");
    }
}

#[test]
fn bye_stops_the_server() {
    let (mut server, addr) = start();
    expect_reply(&mut server, addr, b"hello", b"HELLO");
    expect_reply(&mut server, addr, b"bye\n", b"BYE\n");
    // Exiting closes the listening socket too. (Connecting again to check would race
    // with other tests, which may be handed the freed port at any moment.)
    server.finish().assert_success();
}

// --- Faults a real peer or user causes ---

#[test]
fn a_silent_client_cannot_hold_the_server() {
    let (mut server, addr) = program_under_test!(CHAPTER).start_server(&["127.0.0.1:0", "300"]);
    // Connects and says nothing: a server that serves clients in turn waits in
    // recv() for it, and everyone behind it waits too, unless the wait is bounded.
    let _silent = connect(addr);
    let mut next = connect(addr);
    let _ = next.write_all(b"anyone there?");
    match read_until_closed(&mut next) {
        Some(reply) if reply == b"ANYONE THERE?" => {}
        Some(reply) => server.fail(&format!(
            "While a silent client stayed connected, the next client sent b\"anyone there?\" \
             and got b\"{}\" back.",
            reply.escape_ascii()
        )),
        None => server.fail(&format!(
            "A client connected and said nothing; the next client sent b\"anyone there?\" and \
             waited {DEADLINE:?} in vain. Serving clients in turn, the server must bound how \
             long one client may hold it: conn.set_read_timeout(Some(timeout)) before the \
             recv (TODO 3), so the silent client (here with CLIENT_MS 300) is dropped."
        )),
    }
}
