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
//! threads.rs, poll.rs, tasks.rs (tokio).

mod clients;
mod load;
mod measure;
mod one;
mod poll;
mod protocol;
mod server;
mod stall;
mod tasks;
mod threads;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

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

    fn parse(text: &str) -> Result<Mode> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.name() == text)
            .ok_or_else(|| {
                program_support::usage_error(format_args!(
                    "--mode {text:?}: pick one, threads, poll or tokio"
                ))
            })
    }
}

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: program-support prints the usage, exit 2.
    let args = program_support::arguments(USAGE);
    match args.first().map(String::as_str) {
        None => demo(),
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

// ANCHOR: demo
/// When the slow client says its line, after connecting.
const SLOW_DELAY: Duration = Duration::from_millis(200);
/// The demo servers' idle timeout: the silent client is closed after this.
const DEMO_IDLE: Duration = Duration::from_millis(300);

/// Each mode in turn, on 127.0.0.1:0, with the same three clients, connected in
/// this order: `slow` says its line 200 ms after connecting, `silent` never says
/// anything, `quick` says its line at once.
fn demo() -> Result<()> {
    println!(
        "Three clients connect, in this order: slow (says its line after {SLOW_DELAY:?}), \
         silent (says nothing)\nand quick (says its line at once). Idle clients are \
         closed after {DEMO_IDLE:?}."
    );
    for mode in Mode::ALL {
        println!("\n--mode {}: {}", mode.name(), mode.what());
        let listener = server::bind("127.0.0.1:0".parse()?)?;
        let addr = listener.local_addr().context("getsockname() failed")?;
        let config = Config {
            idle_timeout: DEMO_IDLE,
            max_line: DEFAULT_MAX_LINE,
            quiet: true,
        };
        let server = Server::new(config);
        let running = Arc::clone(&server);
        let serving = thread::spawn(move || mode.run(listener, &running));

        // The clients connect one after the other, so the accept queue holds them
        // in this order; then each talks in its own thread.
        let start = Instant::now();
        let plans = [
            ("slow", Some(("slow but sure", SLOW_DELAY))),
            ("silent", None),
            ("quick", Some(("quick", Duration::ZERO))),
        ];
        let mut talking = Vec::new();
        for (name, says) in plans {
            let conn =
                TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
            talking.push((name, thread::spawn(move || talk(conn, start, says))));
        }
        let mut quick_answered = Duration::ZERO;
        for (name, thread) in talking {
            let seen = thread
                .join()
                .map_err(|_| anyhow!("client {name}'s thread panicked"))?
                .with_context(|| format!("client {name} failed"))?;
            println!("  {name:<7} {seen}");
            quick_answered = seen.answered_at;
        }
        if quick_answered > SLOW_DELAY / 2 {
            println!(
                "  quick waited {}ms for its turn: the server was busy with slow, then with silent",
                quick_answered.as_millis()
            );
        } else {
            println!("  quick was answered at once, while slow and silent were still connected");
        }

        // Pull the switch, and wait for the server to stop.
        server.shutdown.request();
        serving
            .join()
            .map_err(|_| anyhow!("the server's thread panicked"))??;
    }
    Ok(())
}

/// What a demo client did and heard, timed from the start of its round.
struct Seen {
    said: Option<(&'static str, Duration)>,
    answer: String,
    answered_at: Duration,
}

impl std::fmt::Display for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.answered_at.as_millis();
        match self.said {
            Some((line, when)) => write!(
                f,
                "said {line:?} at {}ms, answered at {at}ms: {:?}",
                when.as_millis(),
                self.answer
            ),
            None => write!(
                f,
                "said nothing; at {at}ms the server said {:?}",
                self.answer
            ),
        }
    }
}

/// One demo client: says its line when its time comes, reads one line back.
fn talk(
    mut conn: TcpStream,
    start: Instant,
    says: Option<(&'static str, Duration)>,
) -> Result<Seen> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))
        .context("settimeout failed")?;
    let mut said = None;
    if let Some((line, after)) = says {
        thread::sleep(after.saturating_sub(start.elapsed()));
        let at = start.elapsed();
        conn.write_all(format!("{line}\n").as_bytes())
            .context("sendall failed")?;
        said = Some((line, at));
    }
    let mut answer = String::new();
    BufReader::new(&conn)
        .read_line(&mut answer)
        .context("recv failed")?;
    Ok(Seen {
        said,
        answer: answer.trim_end().to_string(),
        answered_at: start.elapsed(),
    })
}
// ANCHOR_END: demo

/// `[ADDR] [--mode M] [--idle-timeout MS] [--max-line BYTES] [--quiet]`
fn server_arguments(args: &[String]) -> Result<(SocketAddr, Mode, Config)> {
    let mut addr = DEFAULT_ADDR.parse()?;
    let mut mode = Mode::Threads;
    let mut config = Config {
        idle_timeout: Duration::from_millis(DEFAULT_IDLE_MS),
        max_line: DEFAULT_MAX_LINE,
        quiet: false,
    };
    let mut args = args.iter();
    let mut first = true;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => mode = Mode::parse(value(&mut args, arg)?)?,
            "--idle-timeout" => {
                let millis = number(value(&mut args, arg)?, arg, 1..=MAX_IDLE_MS)?;
                config.idle_timeout = Duration::from_millis(millis);
            }
            "--max-line" => config.max_line = number(value(&mut args, arg)?, arg, 1..=MAX_LINE)?,
            "--quiet" => config.quiet = true,
            text if first && !text.starts_with('-') => {
                addr = program_support::parse_addr(text, DEFAULT_ADDR);
            }
            other => program_support::usage_error(format_args!("unknown argument {other:?}")),
        }
        first = false;
    }
    Ok((addr, mode, config))
}

/// `[--mode M] [--clients N] [--rounds R] [--wait SECS]`
fn load_arguments(args: &[String]) -> Result<load::Settings> {
    let mut settings = load::Settings {
        mode: Mode::Threads,
        clients: 1000,
        rounds: 100,
        wait: Duration::from_secs(5),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => settings.mode = Mode::parse(value(&mut args, arg)?)?,
            "--clients" => settings.clients = number(value(&mut args, arg)?, arg, 1..=MAX_CLIENTS)?,
            "--rounds" => settings.rounds = number(value(&mut args, arg)?, arg, 1..=MAX_ROUNDS)?,
            "--wait" => {
                settings.wait =
                    Duration::from_secs(number(value(&mut args, arg)?, arg, 1..=MAX_WAIT_SECS)?)
            }
            other => program_support::usage_error(format_args!("unknown argument {other:?}")),
        }
    }
    Ok(settings)
}

fn value<'a>(args: &mut std::slice::Iter<'a, String>, flag: &str) -> Result<&'a str> {
    Ok(args
        .next()
        .map(String::as_str)
        .unwrap_or_else(|| program_support::usage_error(format_args!("{flag} needs a value"))))
}

/// A flag's number, range-checked (a usage error outside `range`), so that no
/// argument can overflow a deadline or ask for absurd amounts of memory.
fn number<T>(text: &str, flag: &str, range: std::ops::RangeInclusive<T>) -> Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    Ok(program_support::parse_number(flag, text, range))
}

/// The ranges of the numeric flags.
const MAX_IDLE_MS: u64 = 3_600_000;
const MAX_LINE: usize = 1 << 20;
const MAX_CLIENTS: usize = 100_000;
const MAX_ROUNDS: usize = 1_000_000;
const MAX_WAIT_SECS: u64 = 3600;
