//! Grades exercise 16: a server that serves every connected client at once.
//!
//! The same file grades the reference answer (solutions/16-concurrent-server). Each
//! test starts the server on 127.0.0.1:0 and, before anything else, connects a
//! client that does not finish: one that says nothing, or says half a line. A
//! server that serves one client at a time is stuck with that client; the test
//! then checks that the others are answered all the same, within a deadline.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use test_support::{Running, connect, program_under_test};

const CHAPTER: &str = "the book's chapter \"Serving many clients\" \
    (book/src/concurrent-server.md), and exercises/16-concurrent-server/hint.md";

/// How long a client may wait for its answer. A server that serves everyone at
/// once answers on loopback in a millisecond; this is for a machine under load.
const ANSWER_WITHIN: Duration = Duration::from_millis(1500);

fn start() -> (Running, SocketAddr) {
    program_under_test!(CHAPTER).start_server(&["127.0.0.1:0"])
}

/// A test client: a connection and a reader for the server's lines.
struct Client {
    name: String,
    conn: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr, name: &str) -> Client {
        let conn = connect(addr);
        conn.set_read_timeout(Some(ANSWER_WITHIN))
            .expect("set_read_timeout");
        let reader = BufReader::new(conn.try_clone().expect("try_clone"));
        Client {
            name: name.to_string(),
            conn,
            reader,
        }
    }

    fn send(&mut self, server: &mut Running, bytes: &[u8]) {
        if let Err(error) = self.conn.write_all(bytes) {
            server.fail(&format!(
                "{} could not send b\"{}\": {error}. Did the server close the connection?",
                self.name,
                bytes.escape_ascii()
            ));
        }
    }

    /// Reads one line and fails unless it is `expected`; `waiting` says which
    /// unfinished clients were connected, for the message.
    fn expect(&mut self, server: &mut Running, expected: &str, waiting: &str) {
        let mut line = Vec::new();
        let start = Instant::now();
        match self.reader.read_until(b'\n', &mut line) {
            Ok(_) if line == format!("{expected}\n").as_bytes() => {}
            Ok(0) => server.fail(&format!(
                "{} waited for {expected:?}, and the server closed the connection instead.",
                self.name
            )),
            Ok(_) => server.fail(&format!(
                "{} expected the line {expected:?} and got {:?}.",
                self.name,
                String::from_utf8_lossy(&line)
            )),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                server.fail(&format!(
                    "{} waited {:.1?} for its answer, {expected:?}, in vain, while {waiting} \
                     stayed connected. A server that serves one client at a time is stuck in \
                     recv() for that client, and nobody behind it is served. Serve each \
                     client in its own thread (TODO 1 and 2), or with a readiness loop.",
                    self.name,
                    start.elapsed()
                ))
            }
            Err(error) => server.fail(&format!(
                "{} waited for {expected:?} and got an error: {error}",
                self.name
            )),
        }
    }

    fn ask(&mut self, server: &mut Running, line: &str, waiting: &str) {
        self.send(server, format!("{line}\n").as_bytes());
        self.expect(server, &line.to_uppercase(), waiting);
    }
}

#[test]
fn a_silent_client_does_not_block_the_next_one() {
    let (mut server, addr) = start();
    let _silent = Client::connect(addr, "the silent client");
    let mut next = Client::connect(addr, "the next client");
    next.ask(&mut server, "hello, anyone?", "a client that says nothing");
}

#[test]
fn fifty_clients_at_once_are_all_answered() {
    let (mut server, addr) = start();
    // All fifty connect before anyone speaks, slow ones first.
    let _silent = Client::connect(addr, "client 0 (silent)");
    let mut dripping = Client::connect(addr, "client 1 (a byte at a time)");
    let mut others: Vec<Client> = (2..50)
        .map(|i| Client::connect(addr, &format!("client {i}")))
        .collect();
    let waiting = "a client that says nothing, and one that sends a byte at a time,";
    dripping.send(&mut server, b"d");
    for (i, client) in others.iter_mut().enumerate() {
        client.send(
            &mut server,
            format!("line from client {}\n", i + 2).as_bytes(),
        );
    }
    for (i, client) in others.iter_mut().enumerate() {
        client.expect(&mut server, &format!("LINE FROM CLIENT {}", i + 2), waiting);
    }
    // The slow one finishes its line, a byte at a time, and is answered too.
    for byte in "rip, drip, drip\n".bytes() {
        dripping.send(&mut server, &[byte]);
        thread::sleep(Duration::from_millis(10)); // the dawdling under test
    }
    dripping.expect(&mut server, "DRIP, DRIP, DRIP", "a silent client");
    // Everyone is still connected, and still served.
    for (i, client) in others.iter_mut().enumerate().step_by(10) {
        client.ask(&mut server, &format!("again {}", i + 2), waiting);
    }
}

#[test]
fn clients_take_turns_on_their_open_connections() {
    let (mut server, addr) = start();
    let mut first = Client::connect(addr, "the first client");
    let mut second = Client::connect(addr, "the second client");
    first.ask(&mut server, "first, one", "the second client");
    second.ask(
        &mut server,
        "second, one",
        "the first client (connected, not done)",
    );
    first.ask(&mut server, "first, two", "the second client");
    second.ask(&mut server, "second, two — ünïcödé", "the first client");
}

#[test]
fn a_client_that_leaves_mid_line_does_not_disturb_the_others() {
    let (mut server, addr) = start();
    let mut half = Client::connect(addr, "a client with half a line");
    half.send(&mut server, b"no end in si");
    let mut rude = Client::connect(addr, "a client that leaves at once");
    rude.send(&mut server, b"bye without newline");
    drop(rude);
    let mut polite = Client::connect(addr, "a polite client");
    polite.ask(&mut server, "still there?", "a client with half a line");
    half.send(&mut server, b"ght\n");
    half.expect(&mut server, "NO END IN SIGHT", "a polite client");
}

// --- Faults a real peer or user causes ---

/// Sends long lines without reading a single reply, until neither direction has
/// room left: the server is then stuck in send() for this client. Returns how many
/// bytes went out.
fn flood_without_reading(conn: &TcpStream) -> usize {
    let line = [b'x'; 1000]
        .iter()
        .chain(b"\n")
        .copied()
        .collect::<Vec<u8>>();
    conn.set_nonblocking(true).expect("set_nonblocking");
    let mut sent = 0;
    let mut stuck_since: Option<Instant> = None;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        // Whole lines only: the rest of a line that went out in part comes first.
        let at = sent % line.len();
        match (&*conn).write(&line[at..]) {
            Ok(n) => {
                sent += n;
                stuck_since = None;
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                let since = *stuck_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(100) {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => break,
        }
    }
    sent
}

#[test]
fn a_client_that_never_reads_its_replies_is_closed() {
    let (mut server, addr) = start();
    let _silent = Client::connect(addr, "the silent client");
    let flooder = connect(addr);
    let sent = flood_without_reading(&flooder);
    // Once the server gives up on it and closes, the unread lines in the server's
    // buffer turn the close into a reset: our next send fails.
    let start = Instant::now();
    loop {
        match (&flooder).write(b"x") {
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::ConnectionReset
                        | ErrorKind::BrokenPipe
                        | ErrorKind::ConnectionAborted
                ) =>
            {
                return;
            }
            _ if start.elapsed() > test_support::DEADLINE => server.fail(&format!(
                "A client sent {sent} bytes of lines and read none of the replies, and the \
                 server was still holding its connection {:.1?} later. Its thread is stuck in \
                 send() for good: a client that takes no replies must not hold a thread (or the \
                 server) forever. Give the connection a send timeout \
                 (conn.set_write_timeout, Python's settimeout) and close it when send gives up.",
                start.elapsed()
            )),
            _ => thread::sleep(Duration::from_millis(20)),
        }
    }
}
