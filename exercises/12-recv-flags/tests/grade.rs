//! Grades exercise 12, the record server that looks before it takes.
//!
//! The same file grades the reference answer (solutions/12-recv-flags). Each test
//! starts the server on 127.0.0.1:0, reads its two lines (`listening on ADDR` for
//! TCP, `udp on ADDR` for UDP), and plays clients that send records whole, in
//! pieces, cut short, too long, or as HTTP. Linux only: the server uses Linux's
//! MSG_TRUNC on UDP and MSG_PEEK | MSG_WAITALL on TCP.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::thread;
use std::time::Duration;

use test_support::{DEADLINE, Program, Running, connect, program_under_test, read_until_closed};

const CHAPTER: &str = "the book's chapter \"The flags of recv and send\" \
    (book/src/recv-flags.md), and exercises/12-recv-flags/hint.md";

/// The gap between two pieces of one message: long enough that the server's first
/// recv surely returns before the second piece is sent.
const GAP: Duration = Duration::from_millis(150);

struct Server {
    running: Running,
    tcp: SocketAddr,
    udp: SocketAddr,
}

fn start() -> Server {
    start_on("127.0.0.1:0")
}

fn start_on(addr: &str) -> Server {
    let program: Program = program_under_test!(CHAPTER);
    let (mut running, tcp) = program.start_server(&[addr]);
    let line = running.next_line("its second line, `udp on ADDR`");
    let udp = match line
        .strip_prefix("udp on ")
        .and_then(|rest| rest.parse::<SocketAddr>().ok())
    {
        Some(addr) if addr.port() != 0 => addr,
        _ => running.fail(&format!(
            "The second line must be `udp on ADDR`, with the address the UDP socket is \
             really bound to (local_addr(), not port 0). It was: {line:?}"
        )),
    };
    Server { running, tcp, udp }
}

impl Server {
    fn send(&mut self, conn: &mut TcpStream, data: &[u8]) {
        if let Err(e) = conn.write_all(data) {
            self.running
                .fail(&format!("sending b\"{}\" failed: {e}", data.escape_ascii()));
        }
    }

    /// Reads exactly `len` bytes of reply.
    #[track_caller]
    fn read_exactly(&mut self, conn: &mut TcpStream, len: usize, sent: &str) -> Vec<u8> {
        let mut reply = vec![0u8; len];
        let mut got = 0;
        while got < len {
            match conn.read(&mut reply[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(_) => break,
            }
        }
        if got < len {
            self.running.fail(&format!(
                "The client sent {sent} and waited for a reply of {len} bytes, but got \
                 only {got} (b\"{}\") before the server closed or {DEADLINE:?} passed.",
                reply[..got].escape_ascii()
            ));
        }
        reply
    }

    /// Reads until the server closes the connection.
    #[track_caller]
    fn read_to_close(&mut self, conn: &mut TcpStream, sent: &str) -> Vec<u8> {
        match read_until_closed(conn) {
            Some(reply) => reply,
            None => self.running.fail(&format!(
                "The client sent {sent} and waited {DEADLINE:?} for the server to answer \
                 and close the connection; it did not close it."
            )),
        }
    }

    #[track_caller]
    fn datagram(&mut self, data: &[u8], sent: &str) -> Vec<u8> {
        let sk = UdpSocket::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        sk.set_read_timeout(Some(DEADLINE))
            .expect("set_read_timeout");
        if let Err(e) = sk.send_to(data, self.udp) {
            self.running
                .fail(&format!("sendto({}) failed: {e}", self.udp));
        }
        let mut reply = vec![0u8; 65_536];
        match sk.recv_from(&mut reply) {
            Ok((n, _)) => reply[..n].to_vec(),
            Err(e) => self.running.fail(&format!(
                "The client sent {sent} to {} and waited {DEADLINE:?} for the reply \
                 datagram; none came ({e}).",
                self.udp
            )),
        }
    }
}

fn text(data: &[u8]) -> String {
    format!("b\"{}\"", data.escape_ascii())
}

#[test]
fn echoes_records_upper_cased() {
    let mut server = start();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"first record ok.second record!!!");
    let reply = server.read_exactly(&mut conn, 32, "two records of 16 bytes in one send");
    if reply != b"FIRST RECORD OK.SECOND RECORD!!!" {
        server.running.fail(&format!(
            "Two records of 16 bytes should come back upper-cased, \
             b\"FIRST RECORD OK.SECOND RECORD!!!\"; the reply was {}.",
            text(&reply)
        ));
    }
}

#[test]
fn a_record_sent_in_two_pieces_is_one_record() {
    let mut server = start();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"abcdef");
    thread::sleep(GAP);
    server.send(&mut conn, b"ghijklmnop");
    let reply = server.read_exactly(
        &mut conn,
        16,
        "one record in two pieces, b\"abcdef\" then, 150 ms later, b\"ghijklmnop\"",
    );
    if reply != b"ABCDEFGHIJKLMNOP" {
        server.running.fail(&format!(
            "A record sent in two pieces is still one record: the reply should be \
             b\"ABCDEFGHIJKLMNOP\", but it began {}. A plain recv(16) returns the first \
             6 bytes as soon as they come; MSG_WAITALL waits for all 16.",
            text(&reply)
        ));
    }
}

#[test]
fn a_record_cut_short_by_close_is_reported() {
    let mut server = start();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"complete record!abcde");
    conn.shutdown(Shutdown::Write).expect("shutdown(SHUT_WR)");
    let reply = server.read_to_close(
        &mut conn,
        "one record, then 5 bytes of another, then closed its side",
    );
    let expected = b"COMPLETE RECORD!short record: 5 of 16 bytes\n";
    if reply != expected {
        server.running.fail(&format!(
            "After a whole record, the client sent 5 bytes and closed. recv(16, \
             MSG_WAITALL) then returns 5: fewer than asked is not a record. Expected \
             {}, got {}.",
            text(expected),
            text(&reply)
        ));
    }
}

#[test]
fn the_sniffed_bytes_stay_in_the_first_record() {
    let mut server = start();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"GETAWAY: records");
    conn.shutdown(Shutdown::Write).expect("shutdown(SHUT_WR)");
    let reply = server.read_to_close(&mut conn, "b\"GETAWAY: records\" and closed");
    if reply != b"GETAWAY: RECORDS" {
        server.running.fail(&format!(
            "b\"GETAWAY: records\" is a record (it starts with b\"GETA\", not \
             b\"GET \"), and should come back as b\"GETAWAY: RECORDS\"; got {}. Was \
             the look at the first four bytes a peek (MSG_PEEK), which leaves them for \
             the record, or a recv, which takes them?",
            text(&reply)
        ));
    }
}

#[test]
fn an_http_client_is_turned_away() {
    let mut server = start();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"GET / HTTP/1.0\r\n\r\n");
    let reply = server.read_to_close(&mut conn, "b\"GET / HTTP/1.0\\r\\n\\r\\n\"");
    if !reply.starts_with(b"HTTP/1.0 400") {
        server.running.fail(&format!(
            "A client whose first four bytes are b\"GET \" speaks HTTP: it should get a \
             reply that starts with b\"HTTP/1.0 400\", then the connection closed. It \
             got {}.",
            text(&reply)
        ));
    }
}

#[test]
fn an_http_client_is_recognised_when_get_comes_in_pieces() {
    let mut server = start();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"GE");
    thread::sleep(GAP);
    server.send(&mut conn, b"T / HTTP/1.0\r\n\r\n");
    let reply = server.read_to_close(&mut conn, "b\"GE\", then b\"T / HTTP/1.0\\r\\n\\r\\n\"");
    if !reply.starts_with(b"HTTP/1.0 400") {
        server.running.fail(&format!(
            "The client sent b\"GE\", and b\"T / HTTP/1.0...\" 150 ms later: an HTTP \
             request in two pieces, which should get b\"HTTP/1.0 400...\". It got {}. A \
             plain peek returns the 2 bytes that have come; MSG_PEEK | MSG_WAITALL \
             waits for the 4 it asks for.",
            text(&reply)
        ));
    }
}

/// CPU time all the threads of process `pid` have used so far, from the first field
/// of each thread's /proc/PID/task/TID/schedstat (nanoseconds on a CPU).
fn cpu_time(pid: u32) -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

#[test]
fn waiting_for_the_first_bytes_does_not_spin() {
    let mut server = start();
    let pid = server.running.id();
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"G");
    let before = cpu_time(pid).expect("reading /proc/PID/task/*/schedstat");
    thread::sleep(Duration::from_millis(500));
    let after = cpu_time(pid).expect("reading /proc/PID/task/*/schedstat");
    let used = after.saturating_sub(before);
    // Asleep in recv, a server uses microseconds. A spinning one uses all the CPU it
    // can get: even on a machine busy enough to give it a tenth of a core, 50 ms.
    if used > Duration::from_millis(10) {
        server.running.fail(&format!(
            "While the server waited 500 ms for the client's next bytes (it had sent \
             only b\"G\"), it used {used:.1?} of CPU time. A server waiting for data \
             should sleep in recv. A loop of peeks spins: each MSG_PEEK returns the \
             same 1 byte at once. Ask one recv to wait: MSG_PEEK | MSG_WAITALL."
        ));
    }
    server.send(&mut conn, b"ET / HTTP/1.0\r\n\r\n");
    let reply = server.read_to_close(&mut conn, "b\"G\", then b\"ET / HTTP/1.0\\r\\n\\r\\n\"");
    if !reply.starts_with(b"HTTP/1.0 400") {
        server.running.fail(&format!(
            "b\"G\", then b\"ET / HTTP/1.0...\" is an HTTP request, which should get \
             b\"HTTP/1.0 400...\"; it got {}.",
            text(&reply)
        ));
    }
}

#[test]
fn a_silent_client_does_not_hold_the_server_for_ever() {
    let mut server = start();
    let _silent = TcpStream::connect(server.tcp).expect("connect");
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"after the silent");
    let reply = server.read_exactly(
        &mut conn,
        16,
        "a record, while another client, connected first, said nothing",
    );
    if reply != b"AFTER THE SILENT" {
        server.running.fail(&format!(
            "Expected b\"AFTER THE SILENT\", got {}.",
            text(&reply)
        ));
    }
}

#[test]
fn a_datagram_longer_than_a_record_is_reported_at_its_true_size() {
    let mut server = start();
    let long = b"forty bytes: much longer than a record!!";
    let reply = server.datagram(long, "a datagram of 40 bytes");
    let expected = b"too long: 40 bytes, a record is 16\n";
    if reply != expected {
        server.running.fail(&format!(
            "A datagram of 40 bytes, read with a buffer of 16, should get {}; it got {}. \
             Without MSG_TRUNC, recv returns 16, the buffer's size, and the rest is \
             thrown away unseen; with it, recv returns the true length, 40.",
            text(expected),
            text(&reply)
        ));
    }
}

#[test]
fn each_datagram_is_one_record_or_not() {
    let mut server = start();
    for (data, expected, sent) in [
        (
            &b"a datagram, 16 b"[..],
            &b"A DATAGRAM, 16 B"[..],
            "a datagram of 16 bytes",
        ),
        (
            b"five!",
            b"short record: 5 of 16 bytes\n",
            "a datagram of 5 bytes",
        ),
        (b"", b"short record: 0 of 16 bytes\n", "an empty datagram"),
        (
            b"seventeen bytes!!",
            b"too long: 17 bytes, a record is 16\n",
            "a datagram of 17 bytes",
        ),
    ] {
        let reply = server.datagram(data, sent);
        if reply != expected {
            server.running.fail(&format!(
                "The client sent {sent}, {}; the reply should be {}, but it was {}.",
                text(data),
                text(expected),
                text(&reply)
            ));
        }
    }
}

#[test]
fn serves_ipv6_loopback_too() {
    let mut server = start_on("[::1]:0");
    if server.udp.ip() != server.tcp.ip() {
        let (tcp, udp) = (server.tcp, server.udp);
        server.running.fail(&format!(
            "Started on [::1]:0, the server listens for TCP on {tcp} but for UDP on {udp}: \
             bind the UDP socket to the same IP as the TCP one, with port 0."
        ));
    }
    let mut conn = connect(server.tcp);
    server.send(&mut conn, b"over ipv6, too!!");
    let reply = server.read_exactly(&mut conn, 16, "a record over [::1]");
    if reply != b"OVER IPV6, TOO!!" {
        server.running.fail(&format!(
            "Expected b\"OVER IPV6, TOO!!\", got {}.",
            text(&reply)
        ));
    }
    let sk = UdpSocket::bind("[::1]:0").expect("bind [::1]:0");
    sk.set_read_timeout(Some(DEADLINE))
        .expect("set_read_timeout");
    sk.send_to(b"datagram on ipv6", server.udp)
        .expect("sendto [::1]");
    let mut buf = [0u8; 1024];
    match sk.recv_from(&mut buf) {
        Ok((n, _)) if &buf[..n] == b"DATAGRAM ON IPV6" => {}
        Ok((n, _)) => server.running.fail(&format!(
            "A datagram of 16 bytes over [::1] should come back upper-cased; got {}.",
            text(&buf[..n])
        )),
        Err(e) => server.running.fail(&format!(
            "No reply to a datagram sent to {} ({e}).",
            server.udp
        )),
    }
}
