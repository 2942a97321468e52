//! The upper-casing server, serving many clients: four ways to do it.
//!
//! Run it:
//!   cargo run -p concurrent-server
//!       the demo: each mode in turn on 127.0.0.1:0, with three clients (a slow
//!       one, a silent one, a quick one), and who was answered when
//!   cargo run -p concurrent-server -- [ADDR] [--mode one|threads|poll|tokio]
//!                                     [--idle-timeout MS] [--max-line BYTES] [--quiet]
//!       a server on ADDR (127.0.0.1:9999 by default); type `quit` to stop it
//!   cargo run --release -p concurrent-server -- load [--mode M] [--clients N]
//!                                                    [--rounds R] [--wait SECS]
//!       N clients at once against a server of mode M in this process
//!   cargo run -p concurrent-server -- stall
//!       a blocking call inside a tokio task stalls the other tasks (stall.rs)
//!   cargo run --release -p concurrent-server -- load --addr ADDR [--server-pid PID] ...
//!       N clients at once against any server on ADDR, in another process (measure.rs)
//!
//! The protocol is in protocol.rs: lines in, the same lines upper-cased out, on one
//! connection for as long as the client stays. Each mode is one file: one.rs,
//! threads.rs, poll.rs, tasks.rs (tokio). The demo is in demo.rs, the flags in
//! arguments.rs; this file picks what to run and serves.

mod arguments;
mod clients;
mod demo;
mod load;
mod measure;
mod one;
mod poll;
mod protocol;
mod server;
mod stall;
mod tasks;
mod threads;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use anyhow::{Context, Result};

use arguments::{load_arguments, server_arguments};
use server::{Config, Server};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_IDLE_MS: u64 = 10_000;
const DEFAULT_MAX_LINE: usize = 1024;
const USAGE: &str = "usage:
  concurrent-server                  the demo
  concurrent-server [ADDR] [--mode one|threads|poll|tokio] [--idle-timeout MS] [--max-line BYTES] [--quiet]
  concurrent-server load [--mode one|threads|poll|tokio] [--clients N] [--rounds R] [--wait SECS]
  concurrent-server stall            a blocking call inside a tokio task, and what it does
  concurrent-server load --addr ADDR [--server-pid PID] [--name NAME] [--clients N] [--rounds R] [--wait SECS]";

/// The four ways to serve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    One,
    Threads,
    Poll,
    Tokio,
}

// ANCHOR: modes
impl Mode {
    /// Serves on `listener` until the server's shutdown switch is pulled.
    pub fn run(self, listener: TcpListener, server: &Arc<Server>) -> Result<()> {
        match self {
            Mode::One => one::run(listener, server),
            Mode::Threads => threads::run(listener, server),
            Mode::Poll => poll::run(listener, server),
            Mode::Tokio => tasks::run(listener, server),
        }
    }
}
// ANCHOR_END: modes

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::One, Mode::Threads, Mode::Poll, Mode::Tokio];

    pub fn name(self) -> &'static str {
        match self {
            Mode::One => "one",
            Mode::Threads => "threads",
            Mode::Poll => "poll",
            Mode::Tokio => "tokio",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Mode::One => "one client at a time",
            Mode::Threads => "a thread per client",
            Mode::Poll => "one thread, a readiness loop (mio)",
            Mode::Tokio => "a task per client, on an async runtime (tokio)",
        }
    }
}

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: program-support prints the usage, exit 2.
    let args = program_support::arguments(USAGE);
    match args.first().map(String::as_str) {
        None => demo::run(),
        // With --addr, the clients only, against a server in another process.
        Some("load") if args.iter().any(|arg| arg == "--addr") => {
            measure::run(&measure::arguments(&args[1..])?)
        }
        Some("load") => load::run(&load_arguments(&args[1..])?),
        Some("stall") if args.len() == 1 => stall::run(),
        Some(_) => {
            let (addr, mode, config) = server_arguments(&args)?;
            serve(addr, mode, config)
        }
    }
}

// ANCHOR: serve
/// A real server: `listening on ADDR`, then clients until `quit` on stdin.
fn serve(addr: SocketAddr, mode: Mode, config: Config) -> Result<()> {
    // A socket per client: take every descriptor the system allows (the hard limit).
    measure::raise_fd_limit(0)?;
    let listener = server::bind(addr)?;
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");
    println!(
        "mode {}: {}; idle timeout {:?}, lines up to {} bytes; type `quit` to stop",
        mode.name(),
        mode.what(),
        config.idle_timeout,
        config.max_line
    );
    let server = Server::new(config);
    server::quit_on_stdin(&server);
    mode.run(listener, &server)?;
    println!("shutdown: {}", server.stats.summary());
    Ok(())
}
// ANCHOR_END: serve
