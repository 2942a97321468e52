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

/// How long the server's threads have wanted a CPU so far: the time they ran plus
/// the time they waited for a turn, summed over /proc/PID/task/*/schedstat. A
/// thread blocked in a call adds nothing; one that spins adds about the wall time,
/// however busy the machine is (then it waits for its turn instead of running).
#[cfg(target_os = "linux")]
fn runnable_time(server: &Running) -> Duration {
    let tasks =
        std::fs::read_dir(format!("/proc/{}/task", server.id())).expect("read /proc/PID/task");
    let nanos: u64 = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .map(|stat| {
            // on-CPU time and run-queue wait, in nanoseconds, then the timeslices.
            stat.split_whitespace()
                .take(2)
                .filter_map(|field| field.parse::<u64>().ok())
                .sum::<u64>()
        })
        .sum();
    Duration::from_nanos(nanos)
}

/// How many of the file descriptors numbered below `limit` the server has open,
/// from /proc/PID/fd. (A descriptor it inherited with a higher number takes no room
/// under the limit: the kernel hands out the lowest free number.)
#[cfg(target_os = "linux")]
fn open_files_below(server: &Running, limit: usize) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", server.id()))
        .expect("read /proc/PID/fd")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<usize>().ok())
        .filter(|&fd| fd < limit)
        .count()
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

#[test]
fn serves_clients_on_ipv6() {
    let (mut server, addr) = program_under_test!(CHAPTER).start_server(&["[::1]:0"]);
    let _silent = Client::connect(addr, "a silent client on [::1]");
    let mut next = Client::connect(addr, "the next client on [::1]");
    next.ask(&mut server, "hello over six", "a silent client on [::1]");
}

/// A server that waits in accept() and read() wants no CPU while nobody speaks; one
/// that asks non-blocking sockets again and again, without waiting for readiness
/// (poll, mio), burns a core doing nothing.
#[cfg(target_os = "linux")]
#[test]
fn an_idle_server_uses_no_cpu_time() {
    const IDLE: Duration = Duration::from_millis(600);
    const ALLOWED: Duration = Duration::from_millis(60);
    let (mut server, addr) = start();
    let _silent = Client::connect(addr, "a silent client");
    let mut client = Client::connect(addr, "a client");
    client.ask(&mut server, "one line, then silence", "a silent client");
    let before = runnable_time(&server);
    // Nobody speaks: the idleness is what is measured.
    thread::sleep(IDLE);
    let used = runnable_time(&server).saturating_sub(before);
    if used > ALLOWED {
        server.fail(&format!(
            "Two clients were connected and silent, nobody else came, and in {IDLE:?} the \
             server wanted a CPU for {used:?} (run or waiting for its turn: \
             /proc/{}/task/*/schedstat), more than {ALLOWED:?}. It is busy asking sockets \
             that have nothing to say. Let the kernel wake it: \
             blocking calls in a thread per client, or a readiness loop that waits in \
             poll (mio's Poll::poll) until a socket is ready.",
            server.id()
        ));
    }
    client.ask(&mut server, "still served", "a silent client");
}

/// Reads one line within the client's read timeout; None if none came.
#[cfg(target_os = "linux")]
fn try_line(client: &mut Client) -> Option<String> {
    let mut line = Vec::new();
    match client.reader.read_until(b'\n', &mut line) {
        Ok(n) if n > 0 => Some(String::from_utf8_lossy(&line).into_owned()),
        _ => None,
    }
}

/// With a low limit on open files, accept() fails with EMFILE while every
/// descriptor is taken; the server must say so and go on, and take the waiting
/// client as soon as a descriptor is free again.
#[cfg(target_os = "linux")]
#[test]
fn accept_errors_do_not_stop_the_server() {
    const LIMIT: usize = 8;
    /// How long the client over the limit waits before one of the others leaves:
    /// the server meets EMFILE at once; this is the behaviour under test.
    const OVER_THE_LIMIT_FOR: Duration = Duration::from_millis(300);
    let program = program_under_test!(CHAPTER);
    // `ulimit -n` in a shell that then becomes the server: the limit is inherited.
    let shell = test_support::Program::new("sh", CHAPTER);
    let (mut server, addr) = shell.start_server(&[
        "-c",
        &format!("ulimit -n {LIMIT} && exec \"$0\" \"$@\""),
        program.path(),
        "127.0.0.1:0",
    ]);
    let room = LIMIT.saturating_sub(open_files_below(&server, LIMIT));
    if room == 0 {
        server.fail(&format!(
            "Before any client came, the server already had {LIMIT} files open (/proc/{}/fd), \
             the whole limit.",
            server.id()
        ));
    }
    // Fill every descriptor the server has left with a client it serves.
    let mut clients: Vec<Client> = (1..=room)
        .map(|i| Client::connect(addr, &format!("client {i}")))
        .collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.ask(
            &mut server,
            &format!("client {} is in", i + 1),
            "the others",
        );
    }
    // One more: the kernel queues it, but the server's accept() fails with EMFILE
    // (too many open files) until one of the others leaves.
    let mut over = Client::connect(addr, "the client over the limit");
    over.send(&mut server, b"let me in\n");
    over.conn
        .set_read_timeout(Some(OVER_THE_LIMIT_FOR))
        .expect("set_read_timeout");
    let early = try_line(&mut over);
    over.conn
        .set_read_timeout(Some(ANSWER_WITHIN))
        .expect("set_read_timeout");
    let answer = early.or_else(|| {
        drop(clients.remove(0));
        try_line(&mut over)
    });
    if answer.as_deref() != Some("LET ME IN\n") {
        let stopped = !server.is_running();
        server.fail(&format!(
            "The server could open only {LIMIT} files (ulimit -n {LIMIT}), and {room} clients \
             took the last of them; then one more connected and sent b\"let me in\\n\". \
             accept() fails for it with EMFILE (too many open files) until a descriptor is \
             free. Then client 1 left, freeing one, and the client over the limit should have \
             been answered b\"LET ME IN\\n\"; it got {answer:?}.{} An error from accept() \
             concerns that one attempt: print it and go on accepting (do not `?` or unwrap \
             it). By hand: `sh -c 'ulimit -n {LIMIT}; exec cargo run -q -p \
             exercise-concurrent-server'`, then {} `nc 127.0.0.1 9999` at once.",
            if stopped {
                " The server has stopped."
            } else {
                ""
            },
            room + 1
        ));
    }
    // The others are served still.
    drop(over);
    for client in &mut clients {
        let name = client.name.clone();
        client.ask(&mut server, &format!("{name} still here"), "the others");
    }
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
