//! `stall`: why a blocking call inside a task stalls every other task on its thread.
//!
//! A runtime with one worker thread (tokio's `current_thread`, as `asyncio` has one
//! event loop) runs two tasks: an upper-casing server task on a loopback connection,
//! and a task that, once the second line is answered, waits 300 ms. A client in a thread of its own asks
//! the server task for a line every 50 ms and times each answer. Twice: once the third
//! task waits with `tokio::time::sleep(..).await`, which hands the thread back to
//! the runtime; once with `std::thread::sleep(..)`, which keeps it. The second is
//! what any blocking call does inside a task: a `std::net` read, a `std::fs` read,
//! a lock that is held, a long computation.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use std::io::{BufRead, Write};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

const ASKS: u32 = 8;
const EVERY: Duration = Duration::from_millis(50);
const BLOCKER_WAITS: Duration = Duration::from_millis(300);

pub fn run() -> Result<()> {
    println!(
        "One worker thread serves a client that asks for a line every {EVERY:?}; after the \
         second\nanswer, another task on that thread waits {BLOCKER_WAITS:?}."
    );
    for blocking in [false, true] {
        // #[tokio::main(flavor = "current_thread")]; asyncio's one event loop.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the tokio runtime failed")?;
        let waits = runtime.block_on(round(blocking))?;
        let how = match blocking {
            false => "tokio::time::sleep(..).await",
            true => "std::thread::sleep(..)     ",
        };
        let shown: Vec<String> = waits
            .iter()
            .map(|wait| format!("{}ms", wait.as_millis()))
            .collect();
        let worst = waits.iter().max().copied().unwrap_or_default();
        println!(
            "  the other task calls {how}: answers took {}; the slowest {}ms",
            shown.join(" "),
            worst.as_millis()
        );
    }
    Ok(())
}

// ANCHOR: round
/// One round: returns how long each of the client's answers took.
async fn round(blocking: bool) -> Result<Vec<Duration>> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    // The client is a thread of its own, outside the runtime: it asks on time
    // whatever the runtime is doing, as a client on another machine would.
    let client = std::thread::spawn(move || ask(addr));
    // The task that waits, once the second answer is out: the right way, or
    // with a blocking call.
    let second_answered = Arc::new(Notify::new());
    let start_waiting = Arc::clone(&second_answered);
    let blocker = tokio::spawn(async move {
        start_waiting.notified().await;
        if blocking {
            std::thread::sleep(BLOCKER_WAITS); // keeps the only worker thread
        } else {
            tokio::time::sleep(BLOCKER_WAITS).await; // gives it back
        }
    });
    // The server task, here: upper-cases every line of the one connection.
    let (conn, _) = listener.accept().await.context("accept() failed")?;
    let (reader, mut writer) = conn.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut answered = 0;
    while let Some(line) = lines.next_line().await.context("recv failed")? {
        let answer = format!("{}\n", line.to_uppercase());
        writer
            .write_all(answer.as_bytes())
            .await
            .context("send failed")?;
        answered += 1;
        if answered == 2 {
            second_answered.notify_one();
        }
    }
    let _ = blocker.await;
    client
        .join()
        .map_err(|_| anyhow::anyhow!("the client's thread panicked"))?
}
// ANCHOR_END: round

/// The client: a line every 50 ms, each answer timed; plain blocking std calls,
/// in a thread of its own.
fn ask(addr: std::net::SocketAddr) -> Result<Vec<Duration>> {
    let conn =
        std::net::TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    conn.set_read_timeout(Some(Duration::from_secs(5)))
        .context("settimeout failed")?;
    let mut answers = std::io::BufReader::new(&conn);
    let mut waits = Vec::new();
    let start = Instant::now();
    for asked in 1..=ASKS {
        std::thread::sleep((start + EVERY * asked).saturating_duration_since(Instant::now()));
        let sent = Instant::now();
        (&conn)
            .write_all(b"are you there?\n")
            .context("sendall failed")?;
        let mut answer = String::new();
        answers.read_line(&mut answer).context("recv failed")?;
        waits.push(sent.elapsed());
    }
    Ok(waits)
}
