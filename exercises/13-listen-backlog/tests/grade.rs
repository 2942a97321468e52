//! Grades exercise 13, the doorman: a server that listens with the backlog it is
//! given and accepts only when told.
//!
//! The same file grades the reference answer (solutions/13-listen-backlog). The test
//! plays the clients: it connects while the server is not in accept(), types
//! `queue` and `accept` into the server's stdin, and checks what it prints. What the
//! backlog does is Linux's: there, listen(n) lets n + 1 connections complete and
//! then ignores new clients, and /proc/net/tcp shows the queue. Those tests run on
//! Linux only. Two of them hang a client up (FIN, then RST) before it is accepted: it
//! still counts, though its row on the listener's port is no longer ESTABLISHED.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use test_support::{DEADLINE, Program, Running, program_under_test};

const CHAPTER: &str = "the book's chapter \"The three-way handshake and listen's backlog\" \
    (book/src/listen-backlog.md), and exercises/13-listen-backlog/hint.md";

/// How long a client that should NOT get in waits for an answer. Far longer than a
/// handshake on loopback takes (microseconds), even on a busy machine.
#[cfg(target_os = "linux")]
const LEFT_OUT_AFTER: Duration = Duration::from_millis(500);

/// How long a count that looks like hexadecimal read as decimal may stay, before the
/// test says so (a count still growing passes through smaller values on its way).
#[cfg(target_os = "linux")]
const MISREAD_AFTER: Duration = Duration::from_millis(300);

fn start(args: &[&str]) -> (Running, SocketAddr) {
    let program: Program = program_under_test!(CHAPTER);
    program.start_server(args)
}

/// Types `command` into the server's stdin.
fn say(server: &mut Running, command: &str) {
    if writeln!(server.stdin(), "{command}").is_err() {
        server.fail(&format!(
            "Could not type `{command}` into the server: it is not reading its stdin any more \
             (has it exited?)."
        ));
    }
}

/// A client that the kernel should let in at once, though nobody calls accept().
#[track_caller]
fn connect(server: &mut Running, addr: SocketAddr, which: usize) -> TcpStream {
    match TcpStream::connect_timeout(&addr, DEADLINE) {
        Ok(client) => client,
        Err(error) => server.fail(&format!(
            "Client #{which} could not connect to {addr}: {error}. The kernel completes a \
             handshake by itself while the accept queue has room, so this connect should \
             succeed at once, without any accept()."
        )),
    }
}

/// Types `queue` once and returns the number the server prints.
#[cfg(target_os = "linux")]
#[track_caller]
fn ask_queue(server: &mut Running) -> u32 {
    say(server, "queue");
    let line = server.next_line("the answer to `queue`, `accept queue: N`");
    let Some(length) = line.strip_prefix("accept queue: ") else {
        server.fail(&format!(
            "The answer to `queue` should be exactly `accept queue: N`; it was {line:?}."
        ))
    };
    let Ok(length) = length.parse::<u32>() else {
        server.fail(&format!(
            "On Linux, `queue` should print a number, read from /proc/net/tcp: the \
             rx_queue of the listener's LISTEN row (hexadecimal there, decimal here). \
             It printed {line:?}."
        ))
    };
    length
}

/// Asks for the queue until it is `expected`, and fails if it never gets there.
///
/// connect() returns when the client has the server's SYN/ACK; the server's kernel
/// queues the connection a moment later, when the client's ACK arrives. On a very
/// busy machine that moment can come after the answer to `queue`, so a short count
/// is asked again, within the deadline.
#[cfg(target_os = "linux")]
#[track_caller]
fn expect_queue(server: &mut Running, expected: u32, why: &str) {
    let start = std::time::Instant::now();
    loop {
        let length = ask_queue(server);
        if length == expected {
            return;
        }
        // The count's hexadecimal digits read as decimal: 16 (0x10) taken for 10.
        let misread = format!("{expected:x}").parse::<u32>().ok();
        if expected >= 10 && Some(length) == misread && start.elapsed() > MISREAD_AFTER {
            server.fail(&format!(
                "`queue` said {length}, and {why}, so it should say {expected}. /proc/net/tcp \
                 shows the queue as {expected:08X}, in hexadecimal: {expected} is 0x{expected:X}. \
                 Parse rx_queue with u32::from_str_radix(text, 16), as the port."
            ));
        }
        if length > expected || start.elapsed() > DEADLINE {
            server.fail(&format!(
                "`queue` said {length}, and {why}, so it should say {expected}. Is it the \
                 rx_queue column (after the colon, not before) of the row whose state is 0A \
                 (LISTEN) and whose local port is the server's?"
            ));
        }
        // Not there yet: the handshake's last step is still on its way.
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Connects `backlog + 1` clients, which must get in, then one more, which must not.
#[cfg(target_os = "linux")]
fn fill(server: &mut Running, addr: SocketAddr, backlog: usize) -> Vec<TcpStream> {
    let clients: Vec<TcpStream> = (1..=backlog + 1)
        .map(|which| connect(server, addr, which))
        .collect();
    let one_more = backlog + 2;
    if let Ok(client) = TcpStream::connect_timeout(&addr, LEFT_OUT_AFTER) {
        drop(client);
        server.fail(&format!(
            "With listen({backlog}) and nobody calling accept(), Linux lets {} clients \
             complete their handshake and ignores the next one's SYN. Yet client #{one_more} \
             got in too, so the listener's backlog is larger than {backlog}. (std's \
             TcpListener::bind always asks for 128: create the socket with socket2 and \
             call listen(BACKLOG) yourself.)",
            backlog + 1
        ));
    }
    clients
}

#[cfg(target_os = "linux")]
#[test]
fn listen_2_lets_3_clients_in_and_no_more() {
    let (mut server, addr) = start(&["127.0.0.1:0", "2"]);
    let _clients = fill(&mut server, addr, 2);
    expect_queue(&mut server, 3, "three clients are in and none was accepted");
}

#[cfg(target_os = "linux")]
#[test]
fn the_default_backlog_is_the_articles_5() {
    let (mut server, addr) = start(&["127.0.0.1:0"]);
    expect_queue(&mut server, 0, "no client has connected yet");
    let _clients = fill(&mut server, addr, 5);
}

#[cfg(target_os = "linux")]
#[test]
fn queue_counts_the_waiting_connections_and_accept_takes_them() {
    let (mut server, addr) = start(&["127.0.0.1:0", "4"]);
    let _first = connect(&mut server, addr, 1);
    let _second = connect(&mut server, addr, 2);
    expect_queue(
        &mut server,
        2,
        "two clients connected and none was accepted",
    );
    say(&mut server, "accept");
    server.wait_for_line_containing("accepted ", "the answer to `accept`, `accepted PEER`");
    expect_queue(&mut server, 1, "one of the two clients was accepted");
}

/// Sixteen waiting connections: /proc/net/tcp says 00000010, which only a
/// hexadecimal reading turns into 16.
#[cfg(target_os = "linux")]
#[test]
fn queue_reads_hexadecimal_past_nine() {
    let (mut server, addr) = start(&["127.0.0.1:0", "20"]);
    let _clients: Vec<TcpStream> = (1..=16)
        .map(|which| connect(&mut server, addr, which))
        .collect();
    expect_queue(
        &mut server,
        16,
        "sixteen clients connected and none was accepted",
    );
}

#[cfg(target_os = "linux")]
#[test]
fn queue_counts_on_ipv6_too() {
    let (mut server, addr) = start(&["[::1]:0", "3"]);
    if !addr.is_ipv6() {
        server.fail(&format!(
            "Asked to listen on [::1]:0, the server said it listens on {addr}. Bind the \
             address you are given, whichever family it is (Domain::for_address(addr))."
        ));
    }
    let _first = connect(&mut server, addr, 1);
    let _second = connect(&mut server, addr, 2);
    // An IPv6 listener has its row in /proc/net/tcp6, not /proc/net/tcp.
    expect_queue(
        &mut server,
        2,
        "two clients connected over IPv6 to the listener on [::1] and none was accepted \
         (its row is in /proc/net/tcp6)",
    );
    say(&mut server, "accept");
    server.wait_for_line_containing("accepted [::1]:", "`accepted [::1]:PORT`");
}

/// The state (`st`, in hexadecimal: 01 ESTABLISHED, 08 CLOSE_WAIT) of the server's
/// side of the connection from `client`, as /proc/net/tcp (or tcp6) shows it; None
/// when there is no such row.
#[cfg(target_os = "linux")]
fn server_side_state(server: SocketAddr, client: SocketAddr) -> Option<String> {
    let table = if server.is_ipv4() {
        "/proc/net/tcp"
    } else {
        "/proc/net/tcp6"
    };
    let text = std::fs::read_to_string(table).unwrap_or_default();
    let port = |address: &str| {
        let (_, port) = address.rsplit_once(':')?;
        u16::from_str_radix(port, 16).ok()
    };
    text.lines().skip(1).find_map(|row| {
        let fields: Vec<&str> = row.split_whitespace().collect();
        let [_sl, local, remote, state, ..] = fields.as_slice() else {
            return None;
        };
        (port(local) == Some(server.port()) && port(remote) == Some(client.port()))
            .then(|| state.to_string())
    })
}

/// Waits until the server's kernel has handled what a client did (its FIN or its
/// RST): loopback delivers it during the client's close(), so the first look nearly
/// always finds it; the loop only covers a machine too busy for that.
#[cfg(target_os = "linux")]
fn until_the_kernel_shows(server: &mut Running, what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        if start.elapsed() > DEADLINE {
            server.fail(&format!(
                "The test's own check failed: within {DEADLINE:?}, /proc/net/tcp never showed \
                 {what}. (Not your program's fault.)"
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A client that hung up before the server accepted it, politely (FIN) or not
/// (RST), is still in the accept queue: the LISTEN row's rx_queue counts it, and
/// accept() returns it. Counting the rows in state 01 (ESTABLISHED) misses it.
#[cfg(target_os = "linux")]
fn hung_up_before_accept(reset: bool) {
    let (mut server, addr) = start(&["127.0.0.1:0", "4"]);
    let first = connect(&mut server, addr, 1);
    let second = connect(&mut server, addr, 2);
    let first_me = first.local_addr().expect("the client's address");
    let second_me = second.local_addr().expect("the client's address");
    expect_queue(
        &mut server,
        2,
        "two clients connected and none was accepted",
    );

    let mut steps = test_support::Transcript::default();
    steps.note(format!("client #1 connected from {first_me}"));
    steps.note(format!("client #2 connected from {second_me}"));
    steps.note("`queue` -> `accept queue: 2`");
    let (how, peer_mode, seen) = if reset {
        test_support::peers::reset(first);
        until_the_kernel_shows(&mut server, "the reset client's row gone", || {
            server_side_state(addr, first_me).is_none()
        });
        (
            "reset its connection (RST, SO_LINGER 0)",
            "reset",
            "The server's side of that connection has no row in /proc/net/tcp any more",
        )
    } else {
        drop(first);
        until_the_kernel_shows(
            &mut server,
            "the closed client's row in CLOSE_WAIT (08)",
            || server_side_state(addr, first_me).as_deref() == Some("08"),
        );
        (
            "closed its end (FIN)",
            "connect",
            "The server's side of that connection is in state 08 (CLOSE_WAIT) in \
             /proc/net/tcp now, not 01 (ESTABLISHED)",
        )
    };
    steps.note(format!("client #1 {how}, before any accept. {seen}"));

    let length = ask_queue(&mut server);
    steps.note(format!("`queue` -> `accept queue: {length}`"));
    if length != 2 {
        let reproduce = format!(
            "{}\n\
             # in a second terminal, then Ctrl-D there:  cargo run -q -p peer -- {peer_mode}\n\
             # in a third one:                           cargo run -q -p peer -- connect\n\
             # then type `queue` in the first: it should say 2",
            server.program().cargo_run("127.0.0.1:9999 4")
        );
        server.fail_exchange(
            &format!(
                "Two clients connected and none was accepted; then client #1 {how}, before \
                 any accept(). It is still in the accept queue, until accept() takes it: \
                 so `queue` should say 2; it said {length}. ({seen}.) The queue's length \
                 is the rx_queue column of the listener's own row, state 0A (LISTEN): the \
                 rows of the connections on the listener's port are not the queue."
            ),
            &steps,
            &reproduce,
        );
    }
    // accept() returns both, oldest first, the one that hung up too.
    for (which, me) in [(1, first_me), (2, second_me)] {
        say(&mut server, "accept");
        let line = server.next_line("the answer to `accept`, `accepted PEER`");
        if line != format!("accepted {me}") {
            server.fail(&format!(
                "Client #1 {how}; it is still the oldest in the accept queue. `accept` \
                 number {which} should print `accepted {me}`. It printed {line:?}."
            ));
        }
    }
    expect_queue(&mut server, 0, "both clients were accepted");
}

#[cfg(target_os = "linux")]
#[test]
fn queue_counts_a_client_that_closed_before_accept() {
    hung_up_before_accept(false);
}

#[cfg(target_os = "linux")]
#[test]
fn queue_counts_a_client_that_reset_before_accept() {
    hung_up_before_accept(true);
}

#[cfg(not(target_os = "linux"))]
#[test]
fn queue_is_unknown_where_there_is_no_proc_net_tcp() {
    let (mut server, _addr) = start(&["127.0.0.1:0"]);
    say(&mut server, "queue");
    let line = server.next_line("the answer to `queue`");
    if line != "accept queue: unknown" {
        server.fail(&format!(
            "Only Linux has /proc/net/tcp; elsewhere `queue` should print \
             `accept queue: unknown`. It printed {line:?}."
        ));
    }
}

#[test]
fn accept_takes_the_oldest_connection_first() {
    let (mut server, addr) = start(&["127.0.0.1:0", "3"]);
    let mut first = connect(&mut server, addr, 1);
    let second = connect(&mut server, addr, 2);
    for (which, client) in [(1, &first), (2, &second)] {
        let me = client.local_addr().expect("the client's address");
        say(&mut server, "accept");
        let line = server.next_line("the answer to `accept`, `accepted PEER`");
        if line != format!("accepted {me}") {
            server.fail(&format!(
                "Two clients wait in the queue. `accept` number {which} should take client \
                 #{which}, the oldest one left, and print `accepted {me}` (the address \
                 accept() returns). It printed {line:?}."
            ));
        }
    }
    // The server closed the connection it accepted: the client reads the end.
    first
        .set_read_timeout(Some(DEADLINE))
        .expect("set_read_timeout");
    let mut byte = [0u8; 1];
    if !matches!(first.read(&mut byte), Ok(0)) {
        server.fail(
            "After `accept`, the server should close the connection (drop it), so the client \
             reads the end of the stream. Client #1 did not.",
        );
    }
}

#[test]
fn accept_waits_for_a_client_when_the_queue_is_empty() {
    let (mut server, addr) = start(&["127.0.0.1:0", "1"]);
    say(&mut server, "accept");
    // A client that comes late: this pause is the behaviour under test. By its end
    // the server has long read `accept` and found the queue empty.
    std::thread::sleep(Duration::from_millis(200));
    if !server.is_running() {
        server.fail(
            "The server was told `accept` with nobody in the queue, and it exited instead of \
             waiting for a client. accept() on a blocking listener waits, like Python's; a \
             non-blocking one fails at once with WouldBlock (EAGAIN).",
        );
    }
    let client = connect(&mut server, addr, 1);
    let me = client.local_addr().expect("the client's address");
    let line = server.next_line("`accepted PEER`, once a client came");
    if line != format!("accepted {me}") {
        server.fail(&format!(
            "`accept` with nobody in the queue should wait, like Python's accept(), and \
             then print `accepted {me}` for the client that came. It printed {line:?}."
        ));
    }
}

#[test]
fn the_end_of_input_ends_the_server() {
    let (mut server, _addr) = start(&["127.0.0.1:0"]);
    server.close_stdin();
    let finished = server.finish();
    finished.assert_success();
}
