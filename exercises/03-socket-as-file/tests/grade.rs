//! Grades exercise 03, the server that serves each client through a File made from
//! its socket.
//!
//! The same file grades the reference answer (solutions/03-socket-as-file). The test
//! is the client, and it also looks inside the server, as `ls -l /proc/PID/fd` would:
//! the descriptor the server prints must be, in the server's own table, the socket
//! of this very connection (the kernel's /proc/PID/net/tcp names its inode), and
//! once the reply is sent, that descriptor must be gone, free for the next client.
//! Linux only, for /proc.
#![cfg(target_os = "linux")]

use std::fs;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use test_support::wire::Ending;
use test_support::{Program, Running, Wire, connect, program_under_test, read_until_closed};

const CHAPTER: &str = "the book's chapter \"Sockets are files\" (book/src/sockets-are-files.md), \
    and exercises/03-socket-as-file/hint.md";

/// How long a closed descriptor may take to leave the table. A dropped File closes
/// it before the client even sees EOF; this only bounds a server that never closes.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

fn program() -> Program {
    program_under_test!(CHAPTER)
}

fn start() -> (Running, SocketAddr) {
    program().start_server(&["127.0.0.1:0"])
}

/// Reads the server's `accept: fd N -> socket:[INODE]` line; returns N and the
/// `socket:[INODE]` it printed.
fn accept_line(server: &mut Running) -> (u32, String) {
    let line = server.wait_for_line_containing(
        "accept: fd ",
        "the line `accept: fd N -> socket:[INODE]` for the client the test connected",
    );
    let parsed = line
        .strip_prefix("accept: fd ")
        .and_then(|rest| rest.split_once(" -> "))
        .and_then(|(fd, target)| Some((fd.parse().ok()?, target.to_string())));
    match parsed {
        Some(found) => found,
        None => server.fail(&format!(
            "After accept(), print exactly `accept: fd N -> socket:[INODE]`: N from \
             as_raw_fd(), the rest from std::fs::read_link(\"/proc/self/fd/N\"). \
             It printed {line:?}."
        )),
    }
}

/// What the server's descriptor `fd` is, as `ls -l /proc/PID/fd` shows it; None
/// when there is no such descriptor.
fn fd_target(server: &Running, fd: u32) -> Option<String> {
    fs::read_link(format!("/proc/{}/fd/{fd}", server.id()))
        .ok()
        .map(|target| target.display().to_string())
}

/// The inode of the server's end of the connection to `client`, from the kernel's
/// table of TCP sockets (/proc/PID/net/tcp: ports in hex, inode in the tenth column).
fn connection_inode(server: &Running, addr: SocketAddr, client: &TcpStream) -> Option<String> {
    let client_port = client.local_addr().ok()?.port();
    let table = fs::read_to_string(format!("/proc/{}/net/tcp", server.id())).ok()?;
    let port_of = |field: &str| {
        field
            .rsplit(':')
            .next()
            .and_then(|hex| u16::from_str_radix(hex, 16).ok())
    };
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let ours = port_of(fields.get(1)?)? == addr.port()
            && port_of(fields.get(2)?)? == client_port
            && *fields.get(3)? == "01"; // ESTABLISHED
        let inode = fields.get(9)?;
        ours.then(|| format!("socket:[{inode}]"))
    })
}

/// Checks the `accept` line against the kernel while the connection is open.
fn check_accept_line(server: &mut Running, addr: SocketAddr, client: &TcpStream) -> u32 {
    let (fd, printed) = accept_line(server);
    let actual = fd_target(server, fd);
    if actual.as_deref() != Some(printed.as_str()) {
        server.fail(&format!(
            "The server printed `fd {fd} -> {printed}`, but /proc/PID/fd/{fd} says {actual:?}. \
             Print the number as_raw_fd() gives for the accepted stream, and what \
             read_link(\"/proc/self/fd/N\") says it is."
        ));
    }
    let connection = connection_inode(server, addr, client);
    if connection.as_deref() != Some(printed.as_str()) {
        server.fail(&format!(
            "fd {fd} is {printed}, but the socket of the test's connection is {}. Print \
             the descriptor of the socket accept() returned, not the listener's.",
            connection.unwrap_or_else(|| "not found".into())
        ));
    }
    fd
}

/// Sends `request`, and reads the reply until the server closes.
fn exchange(server: &mut Running, client: &mut TcpStream, request: &[u8]) -> Vec<u8> {
    client.write_all(request).expect("send the request");
    match read_until_closed(client) {
        Some(reply) => reply,
        None => server.fail(&format!(
            "The test sent {:?} and waited for the reply and the end of the connection; \
             the server did not close it. Drop the File once the reply is written.",
            String::from_utf8_lossy(request)
        )),
    }
}

/// Fails unless descriptor `fd` leaves the server's table soon.
fn check_closed(server: &mut Running, fd: u32, was: &str) {
    let start = Instant::now();
    // Polls a state the server should already be in; nothing waits for readiness.
    while fd_target(server, fd).as_deref() == Some(was) {
        if start.elapsed() > CLOSE_WAIT {
            server.fail(&format!(
                "The reply came, yet fd {fd} is still {was} in the server's table. Close \
                 the connection by dropping the File (closing it), not only by shutting \
                 it down: the descriptor must be freed."
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn prints_the_accepted_sockets_descriptor_and_what_proc_says() {
    let (mut server, addr) = start();
    let mut client = connect(addr);
    let fd = check_accept_line(&mut server, addr, &client);
    if fd < 3 {
        server.fail(&format!(
            "fd {fd} is one of stdin, stdout or stderr, not a socket"
        ));
    }
    let reply = exchange(&mut server, &mut client, b"hello, file\n");
    if reply != b"HELLO, FILE\n" {
        server.fail(&format!(
            "The reply to \"hello, file\\n\" should be \"HELLO, FILE\\n\", then the end of \
             the connection; it was {:?}.",
            String::from_utf8_lossy(&reply)
        ));
    }
}

#[test]
fn closing_the_file_frees_the_number_for_the_next_client() {
    let (mut server, addr) = start();
    let mut first = connect(addr);
    let fd = check_accept_line(&mut server, addr, &first);
    let was = fd_target(&server, fd).unwrap_or_default();
    exchange(&mut server, &mut first, b"first\n");
    check_closed(&mut server, fd, &was);

    let mut second = connect(addr);
    let fd_again = check_accept_line(&mut server, addr, &second);
    if fd_again != fd {
        server.fail(&format!(
            "The first client's socket was fd {fd}; once it is closed, the next accept() \
             gets the lowest free number, {fd} again. It got {fd_again}: is a descriptor \
             still open that should not be?"
        ));
    }
    let reply = exchange(&mut server, &mut second, "second, ünïcode\n".as_bytes());
    if reply != "SECOND, ÜNÏCODE\n".as_bytes() {
        server.fail(&format!(
            "The second client's reply should be \"SECOND, ÜNÏCODE\\n\" (upper-cased as \
             text); it was {:?}.",
            String::from_utf8_lossy(&reply)
        ));
    }
}

#[test]
fn a_line_that_is_not_utf8_gets_an_error_line() {
    let (mut server, addr) = start();
    let mut client = connect(addr);
    let fd = check_accept_line(&mut server, addr, &client);
    let was = fd_target(&server, fd).unwrap_or_default();
    let reply = exchange(&mut server, &mut client, b"caf\xe9\n");
    if reply != b"error: not UTF-8\n" {
        server.fail(&format!(
            "A line that is not UTF-8 text gets the reply \"error: not UTF-8\\n\"; the reply \
             was {:?}.",
            String::from_utf8_lossy(&reply)
        ));
    }
    check_closed(&mut server, fd, &was);
    let mut next = connect(addr);
    check_accept_line(&mut server, addr, &next);
    exchange(&mut server, &mut next, b"next\n");
}

/// How to replay an exchange by hand with the course's own programs.
fn by_hand(server: &Running) -> String {
    format!(
        "{}\n# and in a second terminal, type a line:\ncargo run -q -p socket-as-file -- 127.0.0.1:9999",
        server.program().cargo_run("127.0.0.1:9999")
    )
}

/// Connects a recording client; `prepare` sends the request in its own way. Returns
/// the reply (read until the server closes) and the wire, or fails saying why.
fn exchange_wire(
    server: &mut Running,
    addr: SocketAddr,
    prepare: impl FnOnce(&mut Wire<TcpStream>) -> std::io::Result<()>,
    expected: &[u8],
    lesson: &str,
) -> u32 {
    let mut wire = Wire::connect(addr).expect("connect to the server");
    let fd = check_accept_line(server, addr, &wire.stream);
    if let Err(error) = prepare(&mut wire) {
        wire.transcript.note(format!("sending failed: {error}"));
    }
    let (reply, ending) = wire.read_to_close();
    if reply != expected || ending == Ending::StillOpen {
        let problem = format!(
            "The reply should be b\"{}\", then the end of the connection; it was b\"{}\"{}. \
             {lesson}",
            expected.escape_ascii(),
            reply.escape_ascii(),
            if ending == Ending::StillOpen {
                ", and the connection stayed open"
            } else {
                ""
            }
        );
        let again = by_hand(server);
        server.fail_exchange(&problem, &wire.transcript, &again);
    }
    fd
}

#[test]
fn a_line_sent_one_byte_at_a_time_is_read_whole() {
    let (mut server, addr) = start();
    exchange_wire(
        &mut server,
        addr,
        |wire| wire.send_byte_at_a_time(b"one byte at a time\n"),
        b"ONE BYTE AT A TIME\n",
        "The client sent its line one byte at a time: one read() returns whatever has \
         arrived, maybe a single byte. Read up to the newline (read_until(b'\\n', ..) on a \
         BufReader over the File, TODO 3), so the whole line is answered.",
    );
}

#[test]
fn a_line_longer_than_1024_bytes_is_cut_at_1024() {
    let (mut server, addr) = start();
    let mut expected = vec![b'L'; 1024];
    expected.push(b'\n');
    exchange_wire(
        &mut server,
        addr,
        |wire| wire.send(&[b'l'; 1500]),
        &expected,
        "The client sent 1500 bytes and no newline, and waits. A line is at most 1024 \
         bytes: read through (&file).take(MAX_LINE), so the server answers the first 1024 \
         instead of waiting for a newline that never comes (TODO 3).",
    );
}

#[test]
fn a_last_line_without_newline_is_answered() {
    let (mut server, addr) = start();
    exchange_wire(
        &mut server,
        addr,
        |wire| {
            wire.send(b"no newline")?;
            wire.transcript.note("the test shut its sending side (FIN)");
            wire.stream.shutdown(std::net::Shutdown::Write)
        },
        b"NO NEWLINE\n",
        "The client sent b\"no newline\" and closed its sending side: the line ends where \
         the client stops sending. read_until returns it without a newline; reply to it.",
    );
}

#[test]
fn a_line_ending_in_crlf_gets_a_plain_newline() {
    let (mut server, addr) = start();
    exchange_wire(
        &mut server,
        addr,
        |wire| wire.send(b"from a terminal\r\n"),
        b"FROM A TERMINAL\n",
        "A line may end in \"\\r\\n\" (telnet, Windows): the reply is the text without \
         its own line ending, upper-cased, then \"\\n\" (TODO 3).",
    );
}

#[test]
fn prints_close_once_the_file_is_dropped() {
    let (mut server, addr) = start();
    let fd = exchange_wire(
        &mut server,
        addr,
        |wire| wire.send(b"close me\n"),
        b"CLOSE ME\n",
        "",
    );
    server.wait_for_line_containing(
        &format!("close: fd {fd}"),
        &format!("the line `close: fd {fd}`, printed once the File is dropped (TODO 4)"),
    );
}

#[test]
fn a_client_that_hangs_up_without_a_line_is_closed_and_the_server_goes_on() {
    let (mut server, addr) = start();
    let client = connect(addr);
    let fd = check_accept_line(&mut server, addr, &client);
    let was = fd_target(&server, fd).unwrap_or_default();
    drop(client);
    server.wait_for_line_containing(
        &format!("fd {fd}: the client hung up without a line"),
        &format!("the line `fd {fd}: the client hung up without a line`"),
    );
    check_closed(&mut server, fd, &was);
    let mut next = connect(addr);
    check_accept_line(&mut server, addr, &next);
    let reply = exchange(&mut server, &mut next, b"still serving?\n");
    if reply != b"STILL SERVING?\n" {
        server.fail("After a client hung up, the next one should be served as usual.");
    }
}

// --- Faults a real peer or user causes ---

#[test]
fn a_silent_client_cannot_hold_the_server() {
    let (mut server, addr) = program().start_server(&["127.0.0.1:0", "300"]);
    // Says nothing: the server, serving clients in turn, must not wait for it forever.
    let _silent = connect(addr);
    let mut next = connect(addr);
    next.write_all(b"next\n").expect("send a line");
    match read_until_closed(&mut next) {
        Some(reply) if reply == b"NEXT\n" => {}
        Some(reply) => server.fail(&format!(
            "While a silent client stayed connected, the next client sent \"next\\n\" and got \
             {:?}.",
            String::from_utf8_lossy(&reply)
        )),
        None => server.fail(
            "A client connected and said nothing; the next client's line then went \
             unanswered. The server serves clients in turn, so it must bound how long one \
             may hold it: keep the given set_read_timeout(client_timeout) in main (CLIENT_MS \
             300 here).",
        ),
    }
}
