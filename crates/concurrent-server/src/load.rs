//! `load`: N clients at once against one mode, in this process.
//!
//! 1. Every client connects, sends one line and waits for its answer, and none of
//!    them leaves. When every one has its answer, the server held N clients at once.
//! 2. Then each sends ROUNDS more lines, one at a time, each after the answer to the
//!    one before (a round trip), and we count round trips per second.
//! 3. Every answer is checked: nothing lost, nothing garbled, no client stuck.
//!
//! The clients are in clients.rs, shared with `load --addr` (measure.rs).

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::Mode;
use crate::clients::Load;
use crate::server::{self, Config, Server};

/// File descriptors besides the sockets: stdin/out/err, epoll, the listener, the
/// waker, a few for the runtime. Generous on purpose.
const SPARE_FDS: usize = 32;

pub struct Settings {
    pub mode: Mode,
    pub clients: usize,
    pub rounds: usize,
    /// How long every phase may take before the clients still waiting are stuck.
    pub wait: Duration,
}

pub fn run(settings: &Settings) -> Result<()> {
    let n = settings.clients;
    check_fd_limit(n)?;
    let listener = server::bind(([127, 0, 0, 1], 0).into())?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    let server = Server::new(Config {
        idle_timeout: Duration::from_secs(60),
        max_line: 1024,
        quiet: true,
    });
    let running = Arc::clone(&server);
    let mode = settings.mode;
    let serving = thread::spawn(move || mode.run(listener, &running));
    println!("server: --mode {} on {addr}, in this process", mode.name());
    let before = usage();

    // Phase 1: all connect, and each has one line answered while all stay.
    println!(
        "hold: {n} clients connect; each sends one line and waits for its answer; none leaves"
    );
    let mut load = Load::connect(addr, n, false)?;
    let start = Instant::now();
    load.pump(1, settings.wait)?;
    let connected = load.clients.iter().filter(|c| c.connected).count();
    println!("  connected (handshake done): {connected} of {n}");
    let answered = load.count(|c| c.answered >= 1);
    println!(
        "  answered: {answered} of {n} after {:.1?}",
        start.elapsed()
    );
    println!(
        "  most connections the server had open at once: {}",
        server.stats.peak()
    );
    if let Some(line) = before.and_then(|before| usage().map(|now| now.compare(&before))) {
        println!("  {line}");
    }
    if answered < n {
        let stuck = n - answered;
        stop(&server, load, serving)?;
        if mode == Mode::One {
            println!(
                "  --mode one answers one client, then waits for that client's next line: the\n  \
                 other {stuck} wait, connected but unserved, in the accept queue (and past its\n  \
                 size, with their SYNs dropped and sent again). No round trips to measure."
            );
            return Ok(());
        }
        bail!(
            "{stuck} of {n} clients got no answer within {:?}: stuck",
            settings.wait
        );
    }

    // Phase 2: ROUNDS round trips per client, all at once.
    let rounds = settings.rounds;
    println!(
        "round trips: each client sends {rounds} more lines, one at a time, each after the answer to the last"
    );
    let start = Instant::now();
    load.pump(1 + rounds, settings.wait.max(Duration::from_secs(60)))?;
    let elapsed = start.elapsed();
    let done = load.count(|c| c.answered > rounds);
    let total = rounds * done;
    println!(
        "  {total} round trips in {:.2}s: {:.0} per second",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    let wrong: usize = load.clients.iter().map(|c| c.wrong).sum();
    let failed: Vec<String> = load
        .clients
        .iter()
        .filter_map(|c| c.failed.clone())
        .collect();
    stop(&server, load, serving)?;
    if wrong > 0 || done < n || !failed.is_empty() {
        bail!(
            "{wrong} wrong answers; {} of {n} clients did not finish; failures: {:?}",
            n - done,
            failed.first()
        );
    }
    println!("  every answer was right, none was lost, no client was stuck");
    println!("shutdown: {}", server.stats.summary());
    Ok(())
}

/// Closes every client, pulls the server's switch and waits for it to stop.
fn stop(server: &Server, load: Load, serving: thread::JoinHandle<Result<()>>) -> Result<()> {
    drop(load);
    server.shutdown.request();
    serving
        .join()
        .map_err(|_| anyhow!("the server's thread panicked"))?
}

// ANCHOR: fd_limit
/// Every client here is two file descriptors in this process: its own socket, and
/// the one the server's accept() makes for it. Past the soft limit on open files
/// (`ulimit -n`, RLIMIT_NOFILE), socket() and accept() fail with EMFILE.
fn check_fd_limit(clients: usize) -> Result<()> {
    let needed = 2 * clients + SPARE_FDS;
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, getrlimit};
        let (soft, hard) =
            getrlimit(Resource::RLIMIT_NOFILE).context("getrlimit(RLIMIT_NOFILE) failed")?;
        println!(
            "open files: {clients} clients need about {needed} descriptors here (one socket per \
             client, one per\n  accepted connection, a few more); the limit (ulimit -n) is \
             {soft}, and at most {hard}"
        );
        let most = |limit: u64| (limit as usize).saturating_sub(SPARE_FDS) / 2;
        if needed as u64 > hard {
            bail!(
                "{clients} clients need about {needed} file descriptors, more than this \
                 system lets this process open (the hard limit is {hard}). Use at most {} \
                 clients, or ask the administrator for a higher hard limit.",
                most(hard)
            );
        }
        if needed as u64 > soft {
            bail!(
                "{clients} clients need about {needed} file descriptors, more than this \
                 process may open ({soft}, `ulimit -n`). Raise the limit in this shell with \
                 `ulimit -n {needed}` (allowed up to the hard limit, {hard}), or use at most \
                 {} clients.",
                most(soft)
            );
        }
    }
    #[cfg(not(unix))]
    println!(
        "open files: {clients} clients need about {needed} sockets here; this system's \
         limit is not checked"
    );
    Ok(())
}
// ANCHOR_END: fd_limit

/// This process's threads and resident memory, from /proc/self/status (Linux).
struct Usage {
    threads: u64,
    rss_kib: u64,
}

impl Usage {
    fn compare(&self, before: &Usage) -> String {
        format!(
            "this process: {} threads, {:.1} MiB resident (before the clients: {} threads, {:.1} MiB)",
            self.threads,
            self.rss_kib as f64 / 1024.0,
            before.threads,
            before.rss_kib as f64 / 1024.0
        )
    }
}

#[cfg(target_os = "linux")]
fn usage() -> Option<Usage> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line[name.len()..].split_whitespace().next()?.parse().ok()
    };
    Some(Usage {
        threads: field("Threads:")?,
        rss_kib: field("VmRSS:")?,
    })
}

#[cfg(not(target_os = "linux"))]
fn usage() -> Option<Usage> {
    None
}
