//! Exercise 17: the upper-casing server, async, with tokio.
//!
//! This server is already async: it uses tokio's sockets and `.await`. But it
//! serves one client at a time (it awaits each conversation before it accepts the
//! next), a silent client keeps it for ever, and `quit` on stdin does nothing
//! (book: "Serving many clients", its section on tokio).
//!
//! 1. In `serve`, give each client a task of its own: `clients.spawn(task)` instead
//!    of `task.await`, and go straight back to accept().
//! 2. In `serve_client`, close a client that sends nothing for `idle`: race the
//!    read against a timer (`tokio::time::timeout`), and on timeout send
//!    `error: idle for 300ms` (the Duration's `{:?}`) and close.
//! 3. Stop cleanly on `quit`: the switch is `stopped` (a `watch` channel that turns
//!    `true`). `serve` stops accepting and waits for every task; each task, waiting
//!    for its client, must see the switch too (`tokio::select!`), send
//!    `error: the server is shutting down` and close.
//!
//! Never make a blocking call inside a task (std's sockets, `std::thread::sleep`,
//! stdin): the runtime has one thread here, and every client waits while it blocks.
//! Never hold the `stats` lock across an `.await`.
//!
//! Grade it:  cd exercises/17-async-server && cargo test
//! Try it:    cargo run -p exercise-async-server -- --idle-timeout 5000, then
//!            `nc 127.0.0.1 9999` in two terminals; type `quit` in the server's terminal
//! Stuck?     read hint.md next to this file.

// A stub compiles but does not do everything yet: these allows keep the compiler
// quiet about that. Delete them once your code is written.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinSet;

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_IDLE_MS: u64 = 10_000;
/// The longest line a client may send, in bytes.
const MAX_LINE: usize = 1024;
const USAGE: &str = "usage: exercise-async-server [ADDR] [--idle-timeout MS]";

/// What every task shares: how many lines the server has answered.
#[derive(Default)]
struct Stats {
    lines: u64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let (addr, idle) = arguments()?;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("bind({addr}) failed"))?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    let stopped = quit_on_stdin();
    let stats = Arc::new(Mutex::new(Stats::default()));
    serve(listener, idle, stopped, Arc::clone(&stats)).await;
    println!("shutdown: served {} lines", stats.lock().await.lines);
    Ok(())
}

/// Accepts clients until the switch is pulled; then waits until every task has
/// said goodbye.
async fn serve(
    listener: TcpListener,
    idle: Duration,
    stopped: watch::Receiver<bool>,
    stats: Arc<Mutex<Stats>>,
) {
    let mut clients: JoinSet<()> = JoinSet::new();
    // TODO 3: stop accepting when the switch is pulled: put the accept in a
    //         tokio::select! beside `Ok(_) = stopping.wait_for(|&stop| stop) => break`,
    //         with `let mut stopping = stopped.clone();` before the loop; after the
    //         loop, `while clients.join_next().await.is_some() {}`.
    loop {
        match listener.accept().await {
            Ok((conn, peer)) => {
                let task = serve_client(conn, peer, idle, stopped.clone(), Arc::clone(&stats));
                // TODO 1: clients.spawn(task), and go straight back to accept().
                task.await;
            }
            Err(error) => {
                eprintln!("accept() failed: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One client: a line in, the line upper-cased out, until it leaves (and, once
/// TODO 2 and 3 are done, until it goes idle or the server stops).
async fn serve_client(
    conn: TcpStream,
    peer: SocketAddr,
    idle: Duration,
    mut stopped: watch::Receiver<bool>,
    stats: Arc<Mutex<Stats>>,
) {
    let (reader, mut writer) = conn.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let farewell: String = loop {
        line.clear();
        // TODO 2: tokio::time::timeout(idle, read_line(..)).await, and on Err(_)
        //         break with idle_farewell(idle) (write it, below).
        // TODO 3: race it with the switch, in a tokio::select!:
        //             Ok(_) = stopped.wait_for(|&stop| stop) => break "error: the server is shutting down\n".to_string(),
        let read = read_line(&mut reader, &mut line).await;
        let reply = match read {
            Err(error) => {
                println!("{peer}: recv failed: {error}");
                return;
            }
            Ok(0) => return, // the client closed its side
            Ok(_) => match answer(&line) {
                Ok(reply) => reply,
                Err(error) => break error,
            },
        };
        if let Err(error) = writer.write_all(reply.as_bytes()).await {
            println!("{peer}: send failed: {error}");
            return;
        }
        // The lock is held for one addition, never across an .await. (Given.)
        stats.lock().await.lines += 1;
    };
    // The farewell must not wait: the client may be one that reads nothing.
    let _ = writer.try_write(farewell.as_bytes());
    let _ = writer.shutdown().await;
}

/// TODO 2: the line a client idle for `idle` hears before it is closed:
/// `error: idle for 300ms` and a `\n`, for 300 ms (the Duration's `{:?}`).
fn idle_farewell(idle: Duration) -> String {
    todo!("TODO 2: the idle client's farewell line, then use it in serve_client")
}

/// Reads up to the next `\n`, but never more than MAX_LINE + 1 bytes. (Given.)
async fn read_line(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    line: &mut Vec<u8>,
) -> std::io::Result<usize> {
    reader
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)
        .await
}

/// The answer to one line, or the error line that ends the conversation. (Given.)
fn answer(line: &[u8]) -> Result<String, String> {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.len() > MAX_LINE {
        return Err(format!("error: line longer than {MAX_LINE} bytes\n"));
    }
    match std::str::from_utf8(text) {
        Ok(text) => Ok(format!("{}\n", text.to_uppercase())),
        Err(_) => Err("error: not valid UTF-8\n".to_string()),
    }
}

/// The switch: a thread reads stdin (blocking, so not in a task) and pulls it on
/// the line `quit`. (Given.)
fn quit_on_stdin() -> watch::Receiver<bool> {
    let (stop, stopped) = watch::channel(false);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            match line {
                Ok(line) if line.trim() == "quit" => {
                    let _ = stop.send(true);
                    return;
                }
                Ok(_) => println!("stdin: type `quit` to stop the server"),
                Err(_) => return,
            }
        }
        // The end of stdin does not stop the server. (When `stop` is dropped here,
        // wait_for() returns Err, which the `Ok(_) =` patterns of select! ignore.)
    });
    stopped
}

/// `[ADDR] [--idle-timeout MS]` (Given.)
fn arguments() -> Result<(SocketAddr, Duration)> {
    // program-support: `--help` prints the usage (exit 0); a bad or extra argument
    // prints it on stderr (exit 2); the number is range-checked.
    let mut args = program_support::Args::new(USAGE);
    let mut addr = args.parse_addr(DEFAULT_ADDR, DEFAULT_ADDR);
    let mut idle = Duration::from_millis(DEFAULT_IDLE_MS);
    let mut addr_given = false;
    while let Some(arg) = args.next() {
        if arg == "--idle-timeout" {
            let text = args.value_of("--idle-timeout");
            idle = Duration::from_millis(args.parse_number("MS", &text, 1..=3_600_000));
        } else if !addr_given && !arg.starts_with('-') {
            addr = args.parse_addr(&arg, DEFAULT_ADDR);
            addr_given = true;
        } else {
            args.fail(format_args!("unexpected argument {arg:?}"));
        }
    }
    Ok((addr, idle))
}
