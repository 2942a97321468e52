//! concurrent-server: the demo, each mode's defences (idle timeout, line cap, UTF-8),
//! many clients at once, a clean shutdown, and the load test.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use test_support::{Program, Running, connect, program_under_test, read_until_closed};

const CHAPTER: &str = "book/src/concurrent-server.md";
const MODES: [&str; 4] = ["one", "threads", "poll", "tokio"];

fn program() -> Program {
    program_under_test!(CHAPTER)
}

fn start(mode: &str, extra: &[&str]) -> (Running, SocketAddr) {
    let mut args = vec!["127.0.0.1:0", "--mode", mode];
    args.extend_from_slice(extra);
    program().start_server(&args)
}

/// A client that reads the server's answers line by line.
struct Client {
    conn: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn new(addr: SocketAddr) -> Client {
        let conn = connect(addr);
        let reader = BufReader::new(conn.try_clone().expect("try_clone"));
        Client { conn, reader }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.conn.write_all(bytes).expect("sendall");
    }

    /// The next line, without its `\n`; None if the server closed or said nothing.
    fn line(&mut self) -> Option<String> {
        let mut line = Vec::new();
        match self.reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(String::from_utf8_lossy(&line).trim_end().to_string()),
        }
    }

    fn ask(&mut self, line: &str) -> Option<String> {
        self.send(format!("{line}\n").as_bytes());
        self.line()
    }

    /// Whether the server closes the connection (after anything it still sends).
    fn is_closed(&mut self) -> bool {
        read_until_closed(self.reader.get_mut()).is_some()
    }
}

#[test]
fn the_demo_shows_one_at_a_time_and_many_at_once() {
    let start = Instant::now();
    let run = program().run(&[], "");
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("--mode one")
                .and(predicate::str::contains("--mode poll"))
                .and(predicate::str::contains("--mode tokio")),
            "the demo runs every mode",
        )
        .assert_stdout(
            predicate::str::contains("quick waited").count(1),
            "in --mode one, and only there, quick waits for the others",
        )
        .assert_stdout(
            predicate::str::contains("quick was answered at once").count(3),
            "threads, poll and tokio answer quick at once",
        )
        .assert_stdout(
            predicate::str::contains("\"error: idle for 300ms\"").count(4),
            "every mode closes the silent client",
        );
    let stdout = &run.stdout;
    let one = stdout.find("--mode one").unwrap();
    let threads = stdout.find("--mode threads").unwrap();
    assert!(stdout[one..threads].contains("quick waited"), "{stdout}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn every_mode_upper_cases_lines_and_answers_a_last_line_without_newline() {
    for mode in MODES {
        let (_server, addr) = start(mode, &[]);
        let mut client = Client::new(addr);
        assert_eq!(
            client.ask("héllo, wörld").as_deref(),
            Some("HÉLLO, WÖRLD"),
            "{mode}"
        );
        // Two lines in one send, and a line in two sends.
        client.send(b"one\r\ntwo\nthr");
        client.send(b"ee\nlast");
        client.conn.shutdown(std::net::Shutdown::Write).unwrap();
        for expected in ["ONE", "TWO", "THREE", "LAST"] {
            assert_eq!(client.line().as_deref(), Some(expected), "{mode}");
        }
        assert!(client.is_closed(), "{mode}: closes after the client did");
    }
}

#[test]
fn a_silent_client_is_closed_after_the_idle_timeout() {
    for mode in MODES {
        let (_server, addr) = start(mode, &["--idle-timeout", "200"]);
        let mut silent = Client::new(addr);
        let begin = Instant::now();
        assert_eq!(
            silent.line().as_deref(),
            Some("error: idle for 200ms"),
            "{mode}"
        );
        let waited = begin.elapsed();
        assert!(waited >= Duration::from_millis(190), "{mode}: {waited:?}");
        assert!(silent.is_closed(), "{mode}");
        // The server goes on.
        assert_eq!(
            Client::new(addr).ask("next").as_deref(),
            Some("NEXT"),
            "{mode}"
        );
    }
}

#[test]
fn a_long_line_or_bad_utf8_closes_that_client_only() {
    for mode in MODES {
        let (_server, addr) = start(mode, &["--max-line", "16"]);
        let mut greedy = Client::new(addr);
        assert_eq!(
            greedy.ask("sixteen bytes ok").as_deref(),
            Some("SIXTEEN BYTES OK")
        );
        greedy.send(b"seventeen bytes!!");
        assert_eq!(
            greedy.line().as_deref(),
            Some("error: line longer than 16 bytes"),
            "{mode}"
        );
        assert!(greedy.is_closed(), "{mode}");

        let mut bad = Client::new(addr);
        bad.send(b"fine\nnot \xff utf-8\n");
        assert_eq!(bad.line().as_deref(), Some("FINE"), "{mode}");
        assert_eq!(
            bad.line().as_deref(),
            Some("error: line 2 is not valid UTF-8 (bad byte at offset 4)"),
            "{mode}"
        );
        assert!(bad.is_closed(), "{mode}");
        assert_eq!(
            Client::new(addr).ask("still up").as_deref(),
            Some("STILL UP")
        );
    }
}

#[test]
fn threads_poll_and_tokio_serve_many_clients_while_slow_ones_dawdle() {
    for mode in ["threads", "poll", "tokio"] {
        let (_server, addr) = start(mode, &[]);
        let silent = Client::new(addr);
        let mut dripping = Client::new(addr);
        dripping.send(b"s");
        let mut others: Vec<Client> = (0..30).map(|_| Client::new(addr)).collect();
        for (i, client) in others.iter_mut().enumerate() {
            client.send(format!("client {i}\n").as_bytes());
        }
        for (i, client) in others.iter_mut().enumerate() {
            assert_eq!(client.line(), Some(format!("CLIENT {i}")), "{mode}");
        }
        for byte in b"low\n" {
            dripping.send(&[*byte]);
            thread::sleep(Duration::from_millis(20)); // the dawdling under test
        }
        assert_eq!(dripping.line().as_deref(), Some("SLOW"), "{mode}");
        drop(silent);
    }
}

#[test]
fn one_serves_nobody_else_while_a_client_is_connected() {
    let (_server, addr) = start("one", &[]);
    let mut first = Client::new(addr);
    assert_eq!(first.ask("first").as_deref(), Some("FIRST"));
    let mut second = Client::new(addr);
    second.send(b"second\n");
    second
        .conn
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert_eq!(second.line(), None, "no answer while the first stays");
    drop(first);
    second
        .conn
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    assert_eq!(second.line().as_deref(), Some("SECOND"));
}

#[test]
fn quit_on_stdin_closes_every_client_and_exits_cleanly() {
    // The blocking modes wake their threads from recv() with shutdown(SHUT_RD), which
    // Linux (and macOS) honour at once. Windows documents no such effect of
    // shutdown(SD_RECEIVE) on a recv() already waiting, and under Wine it has none:
    // there, only the readiness-based modes can stop while a client is connected.
    let modes: &[&str] = if cfg!(windows) {
        &["poll", "tokio"]
    } else {
        &MODES
    };
    for &mode in modes {
        let (mut server, addr) = start(mode, &[]);
        let mut client = Client::new(addr);
        assert_eq!(client.ask("before").as_deref(), Some("BEFORE"), "{mode}");
        server.close_stdin(); // the end of stdin alone does not stop it
        assert_eq!(client.ask("still").as_deref(), Some("STILL"), "{mode}");
        drop(server);

        let (mut server, addr) = start(mode, &[]);
        let mut client = Client::new(addr);
        assert_eq!(client.ask("before").as_deref(), Some("BEFORE"), "{mode}");
        writeln!(server.stdin(), "quit").unwrap();
        assert_eq!(
            client.line().as_deref(),
            Some("error: the server is shutting down"),
            "{mode}"
        );
        assert!(client.is_closed(), "{mode}");
        server.finish().assert_success().assert_stdout(
            predicate::str::contains("shutdown: served 1 clients and 1 lines"),
            "the last line sums up",
        );
    }
}

#[test]
fn load_holds_every_client_at_once_and_loses_nothing() {
    for mode in ["threads", "poll", "tokio"] {
        let run = program().run(
            &["load", "--mode", mode, "--clients", "100", "--rounds", "5"],
            "",
        );
        run.assert_success()
            .assert_stdout(
                predicate::str::contains("answered: 100 of 100"),
                "every client answered while all stay connected",
            )
            .assert_stdout(
                predicate::str::contains("most connections the server had open at once: 100"),
                "the server held them all",
            )
            .assert_stdout(
                predicate::str::contains("500 round trips"),
                "5 round trips each",
            )
            .assert_stdout(
                predicate::str::contains("every answer was right, none was lost"),
                "nothing lost",
            );
    }
}

#[test]
fn load_shows_that_one_serves_one_at_a_time() {
    let run = program().run(
        &["load", "--mode", "one", "--clients", "20", "--wait", "1"],
        "",
    );
    run.assert_success().assert_stdout(
        predicate::str::contains("answered: 1 of 20").and(predicate::str::contains(
            "most connections the server had open at once: 1",
        )),
        "one client answered, the others wait",
    );
}

#[cfg(unix)]
#[test]
fn load_refuses_more_clients_than_the_open_file_limit_allows() {
    let program = program();
    let command = format!(
        "ulimit -S -n 256 && exec '{}' load --clients 1000",
        program.path()
    );
    let output = std::process::Command::new("sh")
        .args(["-c", &command])
        .output()
        .expect("sh");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("1000 clients need about 2032 file descriptors")
            && stderr.contains("`ulimit -n 2032`"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_arguments_are_clear_errors() {
    program()
        .run(&["--mode", "fork"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("--mode \"fork\""),
            "names the bad mode",
        );
    program()
        .run(&["load", "--clients", "many"], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("not a whole number"), "says why");
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:0", "extra"]);
}

#[test]
fn a_huge_wait_is_a_usage_error_not_a_panic() {
    let program = test_support::program_under_test!("crates/program-support");
    let run = program.run(&["load", "--wait", "18446744073709551615"], "");
    if run.status.code() != Some(2) || run.stderr.contains("panicked") {
        run.fail("load --wait 18446744073709551615: a usage error (exit 2), never a panic.");
    }
}

/// `--mode one`: a client that sends lines and never reads a reply holds the one
/// server thread in send(); it must be let go within the idle timeout, counted for
/// the whole reply, not per send() call.
#[test]
fn a_client_that_never_reads_holds_mode_one_no_longer_than_the_idle_timeout() {
    // 700 ms: one deadline for the reply lets the next client in after about that;
    // SO_SNDTIMEO alone, restarted by every send() that moves a few bytes, took
    // three times as long (and 31 s with the default 10 s).
    let (_server, addr) = start("one", &["--idle-timeout", "700"]);
    let flooder = connect(addr);
    flooder.set_nonblocking(true).expect("set_nonblocking");
    let line = [b'x'; 1000]
        .iter()
        .chain(b"\n")
        .copied()
        .collect::<Vec<u8>>();
    let (mut sent, mut stuck_since) = (0usize, None::<Instant>);
    let begin = Instant::now();
    while begin.elapsed() < Duration::from_secs(2) {
        match (&flooder).write(&line[sent % line.len()..]) {
            Ok(n) => (sent, stuck_since) = (sent + n, None),
            Err(_) => {
                if stuck_since.get_or_insert_with(Instant::now).elapsed()
                    > Duration::from_millis(100)
                {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
        }
    }
    let waiting = Instant::now();
    let mut next = Client::new(addr);
    assert_eq!(
        next.ask("next").as_deref(),
        Some("NEXT"),
        "after {sent} bytes unread"
    );
    assert!(
        waiting.elapsed() < Duration::from_millis(1600),
        "the next client waited {:?}",
        waiting.elapsed()
    );
}
