//! Wrong: reads each client with std's blocking `read_until` inside its task (`into_std()`)
//! Caught by: silent_clients_do_not_stop_twenty_others, clients_take_turns_on_their_open_connections
//!
//! A blocking call never returns to the runtime: while this task sleeps in recv(), the
//! runtime's thread (here the only one) runs no other task, so one silent client stops
//! the whole server. Inside a task every wait must be an `.await` on tokio's own socket;
//! blocking work goes to `tokio::task::spawn_blocking` or a thread of its own.

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

/// Accepts clients, a task each, until the switch is pulled; then waits until
/// every task has said goodbye.
async fn serve(
    listener: TcpListener,
    idle: Duration,
    stopped: watch::Receiver<bool>,
    stats: Arc<Mutex<Stats>>,
) {
    let mut clients = JoinSet::new();
    let mut stopping = stopped.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((conn, peer)) => {
                    let task = serve_client(conn, peer, idle, stopped.clone(), Arc::clone(&stats));
                    clients.spawn(task);
                }
                Err(error) => {
                    eprintln!("accept() failed: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Ok(_) = stopping.wait_for(|&stop| stop) => break,
            Some(_) = clients.join_next() => {}
        }
    }
    while clients.join_next().await.is_some() {}
}

/// One client, with std's familiar blocking reads: the tokio socket is turned back
/// into a std one, with the idle timeout as its read timeout.
async fn serve_client(
    conn: TcpStream,
    peer: SocketAddr,
    idle: Duration,
    stopped: watch::Receiver<bool>,
    stats: Arc<Mutex<Stats>>,
) {
    use std::io::{BufRead, Write};
    let Ok(conn) = conn.into_std() else { return };
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(idle));
    let mut reader = std::io::BufReader::new(&conn);
    let mut line = Vec::new();
    let farewell = loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(_) => break format!("error: idle for {idle:?}\n"),
        }
        if *stopped.borrow() {
            break "error: the server is shutting down\n".to_string();
        }
        match answer(&line) {
            Ok(reply) => {
                if (&conn).write_all(reply.as_bytes()).is_err() {
                    println!("{peer}: send failed");
                    return;
                }
            }
            Err(error) => break error,
        }
        stats.lock().await.lines += 1;
    };
    let _ = (&conn).write_all(farewell.as_bytes());
}

/// Reads up to the next `\n`, but never more than MAX_LINE + 1 bytes.
async fn read_line(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    line: &mut Vec<u8>,
) -> std::io::Result<usize> {
    reader
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)
        .await
}

/// The answer to one line, or the error line that ends the conversation.
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
/// the line `quit`.
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

/// `[ADDR] [--idle-timeout MS]`
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
