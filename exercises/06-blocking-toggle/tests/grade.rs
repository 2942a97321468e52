//! Grades exercise 06: one thread serving several clients with non-blocking sockets.
//!
//! The same file grades the reference answer (solutions/06-blocking-toggle). Each
//! test starts the server on 127.0.0.1:0, reads its `listening on ADDR` line and
//! plays several clients at once, some of them unhelpful: one that stays silent,
//! one that leaves abruptly, one that sends without ever reading.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use test_support::{DEADLINE, Program, Running, connect, program_under_test, read_until_closed};

const CHAPTER: &str = "the book's chapter \"Blocking or not: setblocking\" \
    (book/src/blocking-toggle.md), and exercises/06-blocking-toggle/hint.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

fn start() -> (Running, SocketAddr) {
    program().start_server(&["127.0.0.1:0"])
}

/// Sends `message` from `client` and reads exactly as many bytes back; fails the
/// test, saying who was being served, unless they are `message` upper-cased.
fn expect_reply(server: &mut Running, client: &mut TcpStream, who: &str, message: &[u8]) {
    let expected = message.to_ascii_uppercase();
    if let Err(e) = client.write_all(message) {
        server.fail(&format!(
            "Sending b\"{}\" as {who} failed: {e}",
            message.escape_ascii()
        ));
    }
    let mut reply = vec![0u8; expected.len()];
    match client.read_exact(&mut reply) {
        Ok(()) if reply == expected => {}
        Ok(()) => server.fail(&format!(
            "{who} sent b\"{}\" and should get back b\"{}\", but got b\"{}\".",
            message.escape_ascii(),
            expected.escape_ascii(),
            reply.escape_ascii()
        )),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            server.fail(&format!(
                "{who} sent b\"{}\" and waited {DEADLINE:?} for the reply, b\"{}\", in vain. \
                 Is the server stuck in a call that waits (a blocking accept, recv or send \
                 for another client), or not giving this client a turn?",
                message.escape_ascii(),
                expected.escape_ascii()
            ))
        }
        Err(e) => server.fail(&format!(
            "{who} sent b\"{}\" and, waiting for the reply, got an error instead: {e} \
             (did the server close the connection?)",
            message.escape_ascii()
        )),
    }
}

#[test]
fn replies_upper_cased_and_keeps_the_connection_open() {
    let (mut server, addr) = start();
    let mut client = connect(addr);
    expect_reply(&mut server, &mut client, "the client", b"hello, socket\n");
    expect_reply(
        &mut server,
        &mut client,
        "the client",
        b"and again, on the same connection",
    );
}

#[test]
fn a_silent_client_does_not_stall_the_others() {
    let (mut server, addr) = start();
    // First in the accept queue: a client that says nothing. A blocking server
    // accepts it and then waits in recv() for it forever.
    let mut silent = connect(addr);
    let mut second = connect(addr);
    expect_reply(
        &mut server,
        &mut second,
        "a second client (while the first one stays silent)",
        b"am I being served?",
    );
    // Now the first one speaks, and both are served.
    expect_reply(
        &mut server,
        &mut silent,
        "the first client, finally speaking",
        b"sorry, I'm late",
    );
    expect_reply(
        &mut server,
        &mut second,
        "the second client, once more",
        b"still here",
    );
}

#[test]
fn serves_many_clients_at_once() {
    let (mut server, addr) = start();
    let mut clients: Vec<TcpStream> = (0..5).map(|_| connect(addr)).collect();
    // Last to connect speaks first, and each gets its own reply.
    for (i, client) in clients.iter_mut().enumerate().rev() {
        let message = format!("client number {i} speaking\n");
        expect_reply(
            &mut server,
            client,
            &format!("client {i} of 5"),
            message.as_bytes(),
        );
    }
    // All still connected; one more round in the order they came.
    for (i, client) in clients.iter_mut().enumerate() {
        let message = format!("round two from client {i}\n");
        expect_reply(
            &mut server,
            client,
            &format!("client {i} of 5"),
            message.as_bytes(),
        );
    }
}

#[test]
fn a_client_that_is_done_gets_every_reply_then_is_closed() {
    let (mut server, addr) = start();
    let mut client = connect(addr);
    client.write_all(b"last words, no newline").unwrap();
    // Python's conn.shutdown(socket.SHUT_WR): "I have nothing more to send".
    client.shutdown(Shutdown::Write).unwrap();
    match read_until_closed(&mut client) {
        Some(reply) if reply == b"LAST WORDS, NO NEWLINE" => {}
        Some(reply) => server.fail(&format!(
            "The client sent b\"last words, no newline\" and closed its sending side; it \
             should get b\"LAST WORDS, NO NEWLINE\" and then the end of the connection, but \
             got b\"{}\".",
            reply.escape_ascii()
        )),
        None => server.fail(&format!(
            "The client sent its last bytes and closed its sending side (recv() on the server \
             returns 0), but the server did not send the rest of the replies and close the \
             connection within {DEADLINE:?}. Once a client is done and has every reply, close \
             its socket (drop it) and forget it."
        )),
    }
    let mut next = connect(addr);
    expect_reply(
        &mut server,
        &mut next,
        "a client after that one",
        b"next, please",
    );
}

#[test]
fn a_client_that_vanishes_does_not_stop_the_server() {
    let (mut server, addr) = start();
    // One leaves politely; one resets the connection (SO_LINGER of 0 makes close()
    // send a reset), so the server's next recv() or send() on it fails.
    drop(connect(addr));
    let mut rude = connect(addr);
    expect_reply(&mut server, &mut rude, "a client that will reset", b"hi");
    rude.write_all(b"and bye").unwrap();
    socket2::SockRef::from(&rude)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(rude);

    let mut next = connect(addr);
    expect_reply(
        &mut server,
        &mut next,
        "a new client, after one that left and one that reset its connection (a recv() or \
         send() that fails is that one client's problem: drop it and serve the others)",
        b"anyone home?",
    );
}

#[test]
fn a_client_that_never_reads_does_not_stall_the_others() {
    let (mut server, addr) = start();
    // This client sends a flood and never reads a reply: soon its buffers are full
    // and a send() to it would wait. A server whose send waits, or who tries the
    // same send again and again, serves nobody else from then on.
    let flooder = connect(addr);
    let written = Arc::new(AtomicUsize::new(0));
    {
        let mut flooder = flooder.try_clone().unwrap();
        let written = Arc::clone(&written);
        thread::spawn(move || {
            let chunk = [b'x'; 64 * 1024];
            for _ in 0..512 {
                // Blocks once the server stops reading this client (as it should);
                // fails when the server is killed at the end of the test.
                if flooder.write_all(&chunk).is_err() {
                    break;
                }
                written.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        });
    }
    // Meanwhile another client keeps talking, exchange after exchange, each with
    // its own deadline, for long enough that the flood fills every buffer.
    let mut talker = connect(addr);
    let start = Instant::now();
    let mut exchanges = 0;
    while start.elapsed() < Duration::from_millis(400) {
        exchanges += 1;
        let who = format!(
            "a second client (exchange {exchanges}, while the first sends {} KiB without \
             reading any reply)",
            written.load(Ordering::SeqCst) / 1024
        );
        expect_reply(&mut server, &mut talker, &who, b"can you hear me?");
    }
    drop(flooder);
}

/// A Linux-only check through /proc: one thread does all the work, and it rests
/// when there is nothing to do.
///
/// It watches the server's process through /proc (Linux only).
#[cfg(target_os = "linux")]
#[test]
fn one_thread_and_no_busy_waiting() {
    let (mut server, addr) = start();
    let pid = server.id();
    let _silent = connect(addr);
    let mut talker = connect(addr);
    let mut write_and_read = |message: &[u8]| -> Result<(), String> {
        let mut reply = vec![0u8; message.len()];
        talker
            .write_all(message)
            .and_then(|()| talker.read_exact(&mut reply))
            .map_err(|e| match e.kind() {
                ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
                    "A client sent b\"{}\" and got no reply within {DEADLINE:?}.",
                    message.escape_ascii()
                ),
                _ => format!("An exchange with a client failed: {e}"),
            })?;
        if reply != message.to_ascii_uppercase() {
            return Err(format!(
                "A client sent b\"{}\" and got back b\"{}\".",
                message.escape_ascii(),
                reply.escape_ascii()
            ));
        }
        Ok(())
    };
    if let Err(problem) = write_and_read(b"ping") {
        server.fail(&problem);
    }

    let threads = linux::threads(pid);
    if threads != 1 {
        server.fail(&format!(
            "With two clients connected, the server runs {threads} threads. This exercise is \
             one thread serving every client, with non-blocking sockets: no thread per \
             client, no runtime."
        ));
    }

    // Both clients are quiet now: nothing for the server to do. This sleep is the
    // measurement window, not a wait for something to become ready.
    let (cpu_before, start) = (linux::cpu_time(pid), Instant::now());
    thread::sleep(Duration::from_millis(400));
    let (cpu, wall) = (linux::cpu_time(pid) - cpu_before, start.elapsed());
    if cpu > wall / 4 {
        server.fail(&format!(
            "With nothing to do, the server used {} ms of CPU time in {} ms: it is spinning, \
             trying accept() and recv() again and again without a pause. When a whole round \
             finds nothing ready, sleep a little (a millisecond or so) before the next one.",
            cpu.as_millis(),
            wall.as_millis()
        ));
    }
    if let Err(problem) = write_and_read(b"still awake?") {
        server.fail(&problem);
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs;
    use std::time::Duration;

    /// How many threads process `pid` runs now.
    pub fn threads(pid: u32) -> usize {
        fs::read_dir(format!("/proc/{pid}/task"))
            .map(|entries| entries.count())
            .unwrap_or(0)
    }

    /// The CPU time (user and system) process `pid` has used so far.
    pub fn cpu_time(pid: u32) -> Duration {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields 14 and 15 (utime, stime), counted after the command name,
        // which is in parentheses and may itself contain spaces.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks: u64 = fields
            .get(11..13)
            .unwrap_or_default()
            .iter()
            .map(|f| f.parse::<u64>().unwrap_or(0))
            .sum();
        // The kernel counts in USER_HZ ticks, 100 per second on Linux.
        Duration::from_millis(ticks * 10)
    }
}
