//! Grades exercise 01, the upper-casing server for more than one client.
//!
//! The same file grades the reference answer (solutions/01-basic-server), so what
//! passes here is exactly what the course expects. Each test starts the server on
//! 127.0.0.1:0, reads its `listening on ADDR` line and talks to it over TCP.

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};

use test_support::peers::{self, IPV6_LOOPBACK};
use test_support::wire::Ending;
use test_support::{
    DEADLINE, Program, Running, Wire, connect, program_under_test, read_until_closed,
};

const CHAPTER: &str = "the book's chapter \"The first server and client\" \
    (book/src/first-server-and-client.md), and exercises/01-basic-server/hint.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

fn start() -> (Running, SocketAddr) {
    program().start_server(&["127.0.0.1:0"])
}

/// How to replay one exchange by hand with the course's own programs.
fn reproduce(server: &Running, listen: &str, message: &[u8]) -> String {
    let line = String::from_utf8_lossy(message);
    format!(
        "{}\n# and in a second terminal:\necho {:?} | cargo run -q -p basic-client -- {listen}",
        server.program().cargo_run(listen),
        line.trim()
    )
}

/// Connects to the server, or fails saying first why the server is not there.
fn connect_wire(server: &mut Running, addr: SocketAddr, served: usize) -> Wire<TcpStream> {
    match Wire::connect(addr) {
        Ok(wire) => wire,
        Err(error) => {
            let gone = server.exited();
            let problem = match gone {
                Some(status) if served > 0 => format!(
                    "The server served {served} client{} and then exited ({status}), so \
                     client {} found nobody listening ({error}). A server for more than \
                     one client keeps its listening socket and calls accept() again, in a \
                     loop, until a client says `bye` (TODO 2).",
                    if served == 1 { "" } else { "s" },
                    served + 1
                ),
                Some(status) => {
                    format!("The server exited ({status}) before the test could connect: {error}")
                }
                None => format!("Connecting to the server at {addr} failed: {error}"),
            };
            server.fail(&problem)
        }
    }
}

/// Plays one client: sends `message`, then reads the reply until the server closes
/// the connection. `served` is how many clients the server has served before.
fn exchange(
    server: &mut Running,
    addr: SocketAddr,
    message: &[u8],
    served: usize,
) -> (Vec<u8>, Wire<TcpStream>) {
    let mut wire = connect_wire(server, addr, served);
    if let Err(e) = wire.send(message) {
        let problem = format!(
            "Sending b\"{}\" to the server failed: {e}",
            message.escape_ascii()
        );
        server.fail_exchange(&problem, &wire.transcript, "");
    }
    let (reply, ending) = wire.read_to_close();
    if ending == Ending::StillOpen {
        let problem = format!(
            "Sent b\"{}\" and waited {DEADLINE:?}, but the server did not reply and close \
             the connection. Receive once (one recv(1024), not a read until the end of the \
             stream: the client is waiting for the reply, and sends nothing more), reply, \
             and close the client's socket.",
            message.escape_ascii()
        );
        let again = reproduce(server, "127.0.0.1:9999", message);
        server.fail_exchange(&problem, &wire.transcript, &again);
    }
    (reply, wire)
}

fn expect_reply(
    server: &mut Running,
    addr: SocketAddr,
    message: &[u8],
    expected: &[u8],
    served: usize,
) {
    let (reply, wire) = exchange(server, addr, message, served);
    if reply != expected {
        let problem = format!(
            "Sent b\"{}\": the reply should be b\"{}\", but it was b\"{}\".",
            message.escape_ascii(),
            expected.escape_ascii(),
            reply.escape_ascii()
        );
        let again = reproduce(server, "127.0.0.1:9999", message);
        server.fail_exchange(&problem, &wire.transcript, &again);
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
    expect_reply(&mut server, addr, b"hello, socket", b"HELLO, SOCKET", 0);
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
    expect_reply(&mut server, addr, &message, &expected, 0);
}

#[test]
fn serves_clients_one_after_another() {
    let (mut server, addr) = start();
    expect_reply(&mut server, addr, b"first", b"FIRST", 0);
    expect_reply(&mut server, addr, b"Second client", b"SECOND CLIENT", 1);
    expect_reply(&mut server, addr, b"third!", b"THIRD!", 2);
}

#[test]
fn names_each_client_it_serves() {
    let (mut server, addr) = start();
    let mut client = connect_wire(&mut server, addr, 0);
    // accept() returns the client's address: the very address the client sees as its
    // own end of the connection.
    let client_addr = client.stream.local_addr().expect("local_addr").to_string();
    let _ = client.send(b"who am i");
    let _ = client.read_to_close();
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
    expect_reply(&mut server, addr, b"still there?", b"STILL THERE?", 2);
    if !server.is_running() {
        server.fail("The server exited after a client hung up; it should go on serving.");
    }
}

#[test]
fn serves_ipv6_clients_when_given_an_ipv6_address() {
    // The address decides the family: [::1] is IPv6, so the socket must be AF_INET6
    // (socket2's Domain::for_address(addr)); an AF_INET socket cannot bind it.
    let _ = peers::ipv6_listener(); // says why, on a machine without IPv6
    let listen = IPV6_LOOPBACK.to_string();
    let mut server = program().spawn(&[&listen]);
    let Some(first) = server.try_next_line() else {
        let _ = server.exited();
        let family = if server.stderr_so_far().contains("os error 97") {
            " The kernel said EAFNOSUPPORT (97), \"address family not supported\": an \
             AF_INET socket (Domain::IPV4, Python's socket.AF_INET) cannot bind an IPv6 \
             address. The address decides the family: Domain::for_address(addr) picks \
             AF_INET6 for it (TODO 1)."
        } else {
            ""
        };
        server.fail(&format!(
            "Asked to listen on {listen}, an IPv6 address, the server stopped before its \
             `listening on` line.{family}"
        ))
    };
    let addr = match first
        .strip_prefix("listening on ")
        .and_then(|a| a.parse::<SocketAddr>().ok())
    {
        Some(addr) if addr.is_ipv6() && addr.port() != 0 => addr,
        _ => server.fail(&format!(
            "Asked to listen on {listen}, the server's first line should be `listening on \
             [::1]:PORT`; it was {first:?}."
        )),
    };
    let (reply, wire) = exchange(&mut server, addr, b"over ipv6", 0);
    if reply != b"OVER IPV6" {
        let again = reproduce(&server, "[::1]:9999", b"over ipv6");
        server.fail_exchange(
            "An IPv6 client sent b\"over ipv6\" and should get b\"OVER IPV6\".",
            &wire.transcript,
            &again,
        );
    }
}

#[test]
fn a_message_of_1000_bytes_comes_back_whole() {
    // recv(1024) takes up to 1024 bytes: a smaller buffer cuts this message short.
    let (mut server, addr) = start();
    let message = b"abcdefghij".repeat(100);
    expect_reply(
        &mut server,
        addr,
        &message,
        &message.to_ascii_uppercase(),
        0,
    );
}

#[test]
fn a_client_that_resets_does_not_stop_the_server() {
    let (mut server, addr) = start();
    {
        // Frozen, the server cannot answer before the reset: when it runs again the
        // client is already gone, and its recv() fails with ECONNRESET. That error
        // is one client's trouble, to print, not a reason to exit.
        let _frozen = peers::freeze(&server);
        peers::connect_send_reset(addr, b"").expect("a client that resets");
    }
    expect_reply(&mut server, addr, b"after a reset", b"AFTER A RESET", 1);
    if !server.is_running() {
        server.fail(
            "The server exited after a client reset its connection. An error while \
             serving one client should be printed, not end the loop (TODO 2).",
        );
    }
}

#[test]
fn a_message_that_only_contains_bye_does_not_stop_it() {
    let (mut server, addr) = start();
    expect_reply(&mut server, addr, b"goodbye", b"GOODBYE", 0);
    expect_reply(&mut server, addr, b"bye bye", b"BYE BYE", 1);
    expect_reply(&mut server, addr, b"still here?", b"STILL HERE?", 2);
}

#[cfg(unix)]
#[test]
fn an_accept_that_fails_is_reported_not_a_panic() {
    // With at most 4 open files (stdin, stdout, stderr and the listening socket),
    // accept() has no descriptor left for the client: it fails with EMFILE, "Too
    // many open files". A server must say so, naming the call; never panic.
    let (mut server, addr) = peers::start_with_open_file_limit(&program(), 4, &["127.0.0.1:0"]);
    // Linux reserves the new descriptor before accept() waits, so it fails at once;
    // elsewhere it fails when this client arrives. (Refused: the server already quit.)
    let _client = TcpStream::connect_timeout(&addr, DEADLINE);
    let start = std::time::Instant::now();
    loop {
        let stderr = server.stderr_so_far();
        if stderr.contains("panicked") {
            server.fail(
                "accept() failed (EMFILE, too many open files) and the server panicked. \
                 A failed call deserves a message naming it (`accept() on ADDR failed`), \
                 from an Err returned by main, not a panic.",
            );
        }
        if stderr.contains("accept") && stderr.contains("os error 24") {
            return;
        }
        if start.elapsed() > DEADLINE {
            server.fail(&format!(
                "The server could not accept a client (the test limited it to 4 open files, \
                 so accept() fails with EMFILE, os error 24) and within {DEADLINE:?} it \
                 wrote no error naming accept() and the OS error. Give the error a context \
                 naming the call: .with_context(|| format!(\"accept() on {{bound}} failed\"))."
            ));
        }
        // Polls output the server should already have written; not a readiness wait.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn bye_stops_the_server() {
    let (mut server, addr) = start();
    expect_reply(&mut server, addr, b"hello", b"HELLO", 0);
    expect_reply(&mut server, addr, b"bye\n", b"BYE\n", 1);
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
