//! Grades exercise 08: a server that tells each client the address it sees it at.
//!
//! The same file grades the reference answer (solutions/08-peer-sock-names). Each
//! test starts the server on port 0 of a loopback address, connects, and compares
//! the server's reply with the client's own view of its end of the connection,
//! `local_addr()` (Python: `getsockname()`).

use std::net::{SocketAddr, TcpStream};

use test_support::{DEADLINE, Program, Running, connect, program_under_test, read_until_closed};

const CHAPTER: &str = "the book's chapter \"Who is at each end: getpeername and getsockname\" \
    (book/src/peer-sock-names.md), and exercises/08-peer-sock-names/hint.md";

fn start(addr: &str) -> (Running, SocketAddr) {
    let program: Program = program_under_test!(CHAPTER);
    program.start_server(&[addr])
}

/// Reads the reply on `client` and fails the test unless it is `you are ADDR`,
/// with ADDR the client's own address.
fn expect_to_be_told_who_it_is(server: &mut Running, client: &mut TcpStream, who: &str) {
    let me = client.local_addr().expect("local_addr");
    let expected = format!("you are {me}");
    let Some(reply) = read_until_closed(client) else {
        server.fail(&format!(
            "{who} connected from {me} and waited {DEADLINE:?} for the server to send \
             `{expected}` and close the connection; it did not."
        ))
    };
    if reply.is_empty() {
        let exited = if server.is_running() {
            ""
        } else {
            " The server has exited (see what it wrote to stderr below)."
        };
        server.fail(&format!(
            "{who} connected from {me}, but the server closed the connection without \
             sending anything; it should have sent `{expected}` and a newline.{exited}"
        ));
    }
    let text = String::from_utf8_lossy(&reply);
    if text.trim_end() != expected || !text.ends_with('\n') {
        server.fail(&format!(
            "{who} connected from {me}; it should have been told {:?}, a line ending in a \
             newline, but received {text:?}. Use the address the server's socket for this \
             client reports as its peer (`peer_addr()`, Python's `getpeername()`).",
            format!("{expected}\n")
        ));
    }
}

#[test]
fn tells_a_client_its_address_and_closes() {
    let (mut server, addr) = start("127.0.0.1:0");
    let mut client = connect(addr);
    expect_to_be_told_who_it_is(&mut server, &mut client, "The client");
}

#[test]
fn tells_each_client_its_own_address() {
    let (mut server, addr) = start("127.0.0.1:0");
    // Three clients connect before any is served: each has a port of its own, and
    // each must hear its own.
    let mut clients: Vec<TcpStream> = (0..3).map(|_| connect(addr)).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        expect_to_be_told_who_it_is(&mut server, client, &format!("Client {} of 3", i + 1));
    }
    let mut late = connect(addr);
    expect_to_be_told_who_it_is(&mut server, &mut late, "A fourth client, after the others");
}

#[test]
fn tells_an_ipv6_client_its_address() {
    // Says why, on a machine without IPv6: the course's tests never skip silently.
    drop(test_support::peers::ipv6_listener());
    let (mut server, addr) = start("[::1]:0");
    if !addr.is_ipv6() {
        server.fail(&format!(
            "Asked to bind [::1]:0, the server says it listens on {addr}."
        ));
    }
    let mut client = connect(addr);
    expect_to_be_told_who_it_is(&mut server, &mut client, "An IPv6 client");
}

#[test]
fn prints_both_ends_of_each_connection() {
    let (mut server, addr) = start("127.0.0.1:0");
    let mut client = connect(addr);
    let me = client.local_addr().expect("local_addr").to_string();
    let them = client.peer_addr().expect("peer_addr").to_string();
    let _ = read_until_closed(&mut client);
    let line = server.wait_for_line_containing(
        &me,
        &format!(
            "a line naming both ends of the connection: the client, {me} (peer_addr, \
             getpeername), and the server's own end, {them} (local_addr, getsockname)"
        ),
    );
    if !line.contains(&them) {
        server.fail(&format!(
            "The server's line for this client names the client ({me}) but not its own end of \
             the connection, {them}: print local_addr() (Python's getsockname()) too. It \
             printed: {line:?}"
        ));
    }
}

#[test]
fn clients_that_reset_at_once_do_not_stop_the_server() {
    let (mut server, addr) = start("127.0.0.1:0");
    // Each of these connects and resets the connection at once (SO_LINGER of 0 makes
    // close() send a reset). By the time the server asks, getpeername() may fail
    // with ENOTCONN, or the send may fail: either is that client's problem only.
    // The server is frozen meanwhile, so all five have reset before it can greet
    // any: then its getpeername() or send() for them must fail, every time.
    {
        let _frozen = test_support::peers::freeze(&server);
        for _ in 0..5 {
            test_support::peers::connect_send_reset(addr, b"").expect("a client that resets");
        }
    }
    let who = "A client after five that reset their connections";
    let advice = "A failed getpeername() or send() is that one client's problem: print it \
                  and serve the next.";
    let mut client = match TcpStream::connect_timeout(&addr, DEADLINE) {
        Ok(client) => client,
        Err(e) => server.fail(&format!(
            "{who} could not connect: {e}. Has the server stopped? {advice}"
        )),
    };
    client
        .set_read_timeout(Some(DEADLINE))
        .expect("set_read_timeout");
    expect_to_be_told_who_it_is(&mut server, &mut client, &format!("{who} ({advice})"));
}
