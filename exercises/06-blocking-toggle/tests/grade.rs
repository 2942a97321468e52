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

use test_support::peers::{self, MIB};
use test_support::{
    DEADLINE, Program, Running, Wire, connect, program_under_test, read_until_closed,
};

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

/// Waits while `counter` grows towards `total`; returns once it got there or has
/// not moved for 150 ms (the peer stopped taking bytes), or after `limit`. This is
/// a measurement of back-pressure, not a wait for readiness.
fn until_stalled(counter: &AtomicUsize, total: usize, limit: Duration) {
    let start = Instant::now();
    let (mut last, mut since) = (usize::MAX, Instant::now());
    while start.elapsed() < limit {
        let now = counter.load(Ordering::SeqCst);
        if now >= total {
            return;
        }
        if now != last {
            (last, since) = (now, Instant::now());
        } else if since.elapsed() > Duration::from_millis(150) {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_big_reply_comes_back_whole_to_a_slow_reader() {
    // A client with a small receive window sends 4 MiB, more than the buffers on the
    // way back hold (about 3 MiB), reading nothing until it is stuck; then it says it
    // is done and reads slowly at first. The server's send() can take only part of
    // what it offers, or nothing, and when recv() returns 0 replies are still
    // waiting: all of them must reach the client before the server closes.
    let (mut server, addr) = start();
    let len = 4 * MIB;
    let client = peers::connect_small_buffer(addr, 4096).expect("connect");
    let mut sender = client.try_clone().expect("clone the client");
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    let writer = thread::spawn(move || {
        for chunk in peers::payload(len).chunks(64 * 1024) {
            if sender.write_all(chunk).is_err() {
                break;
            }
            counter.fetch_add(chunk.len(), Ordering::SeqCst);
        }
        let _ = sender.shutdown(Shutdown::Write);
    });
    until_stalled(&written, len, Duration::from_millis(800));
    let mut wire = Wire::new(client);
    let limit = Duration::from_millis(1500);
    let mut got = wire.read_slowly(3 * MIB / 2, 16 * 1024, Duration::from_millis(1), limit);
    let rest = wire.read_slowly(len, 64 * 1024, Duration::ZERO, limit);
    got.extend_from_slice(&rest);
    let _ = writer.join();
    let expected = peers::payload(len).to_ascii_uppercase();
    if got != expected {
        let first = got
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(len));
        server.fail_exchange(
            &format!(
                "A client sent 4 MiB, then closed its sending side, and read the replies \
                 through a small window. It got {} of the {len} bytes back; the first \
                 wrong or missing one is at offset {first}. A send() may take only part of \
                 what it is offered: drain what it took and keep the rest for the next turn \
                 (TODO 3); and when the client is done sending, send everything pending \
                 before closing.",
                got.len()
            ),
            &wire.transcript,
            "",
        );
    }
}

/// The server stops reading a client while MAX_PENDING bytes of its replies are
/// unsent: a client that floods without reading must not make it hoard memory.
#[cfg(target_os = "linux")]
#[test]
fn a_flood_is_not_hoarded() {
    let (mut server, addr) = start();
    let pid = server.id();
    let before = linux::resident_kib(pid);
    let flooder = peers::connect_small_buffer(addr, 4096).expect("connect");
    let written = Arc::new(AtomicUsize::new(0));
    let flood = 24 * MIB;
    {
        let mut flooder = flooder.try_clone().expect("clone");
        let written = Arc::clone(&written);
        thread::spawn(move || {
            let chunk = [b'f'; 64 * 1024];
            while written.load(Ordering::SeqCst) < flood {
                if flooder.write_all(&chunk).is_err() {
                    break;
                }
                written.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        });
    }
    // Until the flood is all sent, or has stalled (the server stopped reading).
    until_stalled(&written, flood, Duration::from_millis(1500));
    let grown = linux::resident_kib(pid).saturating_sub(before);
    if grown > 8 * 1024 {
        server.fail(&format!(
            "A client sent {} MiB without reading any reply, and the server's memory grew by \
             {} MiB: it kept reading, and hoards the replies it cannot send. Stop reading \
             from a client while MAX_PENDING bytes of its replies wait (TODO 3): then its \
             own buffers fill, and its sends wait instead of your memory growing.",
            written.load(Ordering::SeqCst) / MIB,
            grown / 1024
        ));
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
    let rests_before = linux::voluntary_switches(pid);
    thread::sleep(Duration::from_millis(400));
    let (cpu, wall) = (linux::cpu_time(pid) - cpu_before, start.elapsed());
    // A server that sleeps when idle gives the CPU up hundreds of times in this
    // window (voluntary context switches); one that spins never does, however
    // little CPU a busy machine lets it have.
    let rests = linux::voluntary_switches(pid) - rests_before;
    if cpu > wall / 4 || (rests < 10 && cpu > wall / 50) {
        server.fail(&format!(
            "With nothing to do, the server used {} ms of CPU time in {} ms and rested \
             {rests} times: it is spinning, \
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

    /// How many times process `pid` has given up the CPU of its own accord
    /// (sleeping or waiting), from /proc/PID/status.
    pub fn voluntary_switches(pid: u32) -> u64 {
        fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|rest| rest.trim().parse().ok())
            .unwrap_or(0)
    }

    /// The memory process `pid` has resident (VmRSS), in KiB.
    pub fn resident_kib(pid: u32) -> usize {
        fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

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
