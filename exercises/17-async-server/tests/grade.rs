//! Grades exercise 17: an async server with tokio that serves every client at once,
//! closes idle clients, and stops cleanly on `quit`.
//!
//! The same file grades the reference answer (solutions/17-async-server). Each test
//! starts the server on 127.0.0.1:0 and talks to it over real sockets. Most first
//! connect clients that do not finish: a task that blocks its thread, or holds a
//! lock while it waits, or that is awaited instead of spawned, is stuck with them.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use test_support::{Running, connect, program_under_test};

const CHAPTER: &str = "the book's chapter \"Serving many clients\" \
    (book/src/concurrent-server.md), section \"With tokio\", and \
    exercises/17-async-server/hint.md";

/// How long a client may wait for its answer. On loopback an async server answers
/// in a millisecond; this is for a machine under load.
const ANSWER_WITHIN: Duration = Duration::from_millis(1000);

fn start(extra: &[&str]) -> (Running, SocketAddr) {
    let mut args = vec!["127.0.0.1:0"];
    args.extend_from_slice(extra);
    program_under_test!(CHAPTER).start_server(&args)
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

    /// Reads one line and fails unless it is `expected`; `stuck` says what a server
    /// that gives no answer in time probably does wrong.
    fn expect(&mut self, server: &mut Running, expected: &str, stuck: &str) {
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
                    "{} waited {:.1?} for {expected:?}, in vain. {stuck}",
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

    fn ask(&mut self, server: &mut Running, line: &str, stuck: &str) {
        self.send(server, format!("{line}\n").as_bytes());
        self.expect(server, &line.to_uppercase(), stuck);
    }

    /// Whether the server closes the connection (after anything it still sends).
    fn is_closed(&mut self) -> bool {
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut self.reader, &mut rest).is_ok()
    }
}

const NOT_AT_ONCE: &str = "Other clients were connected and not done. A server that \
    awaits each client before it accepts the next (TODO 1: spawn a task instead), or \
    whose tasks make a blocking call (std's sockets, std::thread::sleep: the runtime's \
    only thread stops), or hold the stats lock across an .await, serves nobody else \
    while they wait.";

#[test]
fn silent_clients_do_not_stop_twenty_others() {
    let (mut server, addr) = start(&[]);
    // Four silent clients and one with half a line connect before anyone speaks.
    let _silent: Vec<Client> = (0..4)
        .map(|i| Client::connect(addr, &format!("silent client {i}")))
        .collect();
    let mut half = Client::connect(addr, "the client with half a line");
    half.send(&mut server, b"half a ");
    let mut others: Vec<Client> = (0..20)
        .map(|i| Client::connect(addr, &format!("client {i}")))
        .collect();
    for (i, client) in others.iter_mut().enumerate() {
        client.send(&mut server, format!("line from client {i}\n").as_bytes());
    }
    for (i, client) in others.iter_mut().enumerate() {
        client.expect(&mut server, &format!("LINE FROM CLIENT {i}"), NOT_AT_ONCE);
    }
    half.send(&mut server, b"line\n");
    half.expect(&mut server, "HALF A LINE", NOT_AT_ONCE);
}

#[test]
fn clients_take_turns_on_their_open_connections() {
    let (mut server, addr) = start(&[]);
    let mut first = Client::connect(addr, "the first client");
    let mut second = Client::connect(addr, "the second client");
    first.ask(&mut server, "first, one", NOT_AT_ONCE);
    second.ask(&mut server, "second, one", NOT_AT_ONCE);
    first.ask(&mut server, "first, two", NOT_AT_ONCE);
    second.ask(&mut server, "second, two — ünïcödé", NOT_AT_ONCE);
}

#[test]
fn a_silent_client_is_closed_after_the_idle_timeout() {
    let (mut server, addr) = start(&["--idle-timeout", "300"]);
    let mut talker = Client::connect(addr, "a client that talks");
    talker.ask(&mut server, "hello", NOT_AT_ONCE);
    let mut silent = Client::connect(addr, "a silent client");
    let begin = Instant::now();
    silent.expect(
        &mut server,
        "error: idle for 300ms",
        "The server was started with --idle-timeout 300: a client that sends nothing for \
         300 ms must get `error: idle for 300ms` and be closed (TODO 2: race the read \
         against tokio::time::timeout).",
    );
    let waited = begin.elapsed();
    if waited < Duration::from_millis(250) {
        server.fail(&format!(
            "The silent client was called idle after {waited:?}, before its 300 ms were up."
        ));
    }
    if !silent.is_closed() {
        server.fail("After `error: idle for 300ms` the server must close the connection.");
    }
}

#[test]
fn quit_on_stdin_says_goodbye_to_every_client_and_exits() {
    let (mut server, addr) = start(&[]);
    let mut talker = Client::connect(addr, "a client that talked");
    talker.ask(&mut server, "before", NOT_AT_ONCE);
    let mut silent = Client::connect(addr, "a silent client");
    // A third client leaves at once: when the server has closed it, it has accepted
    // the silent one too (accept() takes them in order).
    let mut third = Client::connect(addr, "a third client");
    third
        .conn
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    third
        .conn
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("set_read_timeout");
    let _ = third.is_closed();
    writeln!(server.stdin(), "quit").expect("write quit to the server's stdin");
    let stuck = "`quit` on stdin must reach every task (TODO 3: each task races its read \
                 against the switch, `stopped.wait_for(..)`, in a tokio::select!), and \
                 each says `error: the server is shutting down` before it closes. A task \
                 that is never told waits for its client for ever, and a server that waits \
                 for its tasks then never exits.";
    talker.expect(&mut server, "error: the server is shutting down", stuck);
    silent.expect(&mut server, "error: the server is shutting down", stuck);
    if !talker.is_closed() || !silent.is_closed() {
        server.fail("After the goodbye line the server must close each connection.");
    }
    let begin = Instant::now();
    let finished = server.finish();
    finished.assert_success();
    if begin.elapsed() > ANSWER_WITHIN {
        finished.fail("The server took too long to exit after `quit`.");
    }
    if !finished.stdout.contains("shutdown: served 1 lines") {
        finished.fail("Its last line should be `shutdown: served 1 lines`.");
    }
}
