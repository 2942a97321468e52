//! `load --addr ADDR`: N clients at once against any server on an address, from
//! this process, which holds only the clients' ends of the connections.
//!
//! `load --mode M` (load.rs) runs the server in its own process, so the two share one
//! limit on open files and one CPU account. Here the server is another process (one
//! of ours, or a Python one): each process holds one end of each connection, and the
//! server's own figures come from the kernel's account of it, `/proc/PID/stat`
//! (CPU time, as rusage has it) and `/proc/PID/status` (resident memory).
//!
//! 1. hold: every client connects and has one line answered; none leaves.
//! 2. round trips: each sends ROUNDS more lines, one at a time, each after the
//!    answer to the one before; every round trip is timed (p50, p99).
//! 3. every answer is checked: nothing lost, nothing garbled, no client stuck.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::arguments::{MAX_CLIENTS, MAX_ROUNDS, MAX_WAIT_SECS, number};
use crate::clients::Load;

/// Descriptors besides the clients' sockets: stdio, epoll, a few spare.
#[cfg(unix)]
const SPARE_FDS: u64 = 32;

pub struct Settings {
    pub addr: SocketAddr,
    pub clients: usize,
    pub rounds: usize,
    /// How long each phase may take before the clients still waiting are stuck.
    pub wait: Duration,
    /// The server's process id, for its memory and CPU time (Linux: /proc).
    pub server_pid: Option<u32>,
    /// A name for the server in the summary line (`row:`).
    pub name: String,
}

/// `--addr ADDR [--server-pid PID] [--name NAME] [--clients N] [--rounds R] [--wait SECS]`
pub fn arguments(args: &[String]) -> Result<Settings> {
    let mut settings = Settings {
        addr: crate::DEFAULT_ADDR.parse()?,
        clients: 1000,
        rounds: 100,
        wait: Duration::from_secs(30),
        server_pid: None,
        name: String::from("server"),
    };
    let mut args = args.iter();
    const FLAGS: [&str; 6] = [
        "--addr",
        "--server-pid",
        "--name",
        "--clients",
        "--rounds",
        "--wait",
    ];
    while let Some(arg) = args.next() {
        if !FLAGS.contains(&arg.as_str()) {
            bail!("unknown argument {arg:?}\n{}", crate::USAGE);
        }
        let value = crate::arguments::value(&mut args, arg)?;
        match arg.as_str() {
            "--addr" => {
                settings.addr = value.parse().with_context(|| {
                    format!(
                        "--addr {value:?} is not an address like 127.0.0.1:9999\n{}",
                        crate::USAGE
                    )
                })?
            }
            "--server-pid" => {
                settings.server_pid = Some(number(value, arg, 1..=u32::MAX)?);
            }
            "--name" => settings.name = value.to_string(),
            "--clients" => settings.clients = number(value, arg, 1..=MAX_CLIENTS)?,
            "--rounds" => settings.rounds = number(value, arg, 1..=MAX_ROUNDS)?,
            "--wait" => settings.wait = Duration::from_secs(number(value, arg, 1..=MAX_WAIT_SECS)?),
            other => bail!("unknown argument {other:?}\n{}", crate::USAGE),
        }
    }
    if settings.clients == 0 || settings.rounds == 0 {
        bail!(
            "--clients and --rounds must be at least 1\n{}",
            crate::USAGE
        );
    }
    Ok(settings)
}

pub fn run(settings: &Settings) -> Result<()> {
    let n = settings.clients;
    let addr = settings.addr;
    raise_fd_limit(n as u64)?;
    let server = settings.server_pid.map(Account::new).transpose()?;
    let before = server.as_ref().map(Account::read).transpose()?;

    println!("hold: {n} clients connect to {addr}; each sends one line and waits for its answer");
    let mut load = Load::connect(addr, n, true)?;
    let start = Instant::now();
    load.pump(1, settings.wait)?;
    let answered = load.count(|c| c.answered >= 1);
    println!(
        "  answered: {answered} of {n} after {:.1?}",
        start.elapsed()
    );
    let held = server.as_ref().map(Account::read).transpose()?;
    if let (Some(before), Some(held)) = (&before, &held) {
        println!(
            "  server: {:.1} MiB resident, {} threads (before the clients: {:.1} MiB): {:.1} KiB per client",
            held.rss_kib as f64 / 1024.0,
            held.threads,
            before.rss_kib as f64 / 1024.0,
            (held.rss_kib as f64 - before.rss_kib as f64) / n as f64
        );
    }
    if answered < n {
        let failure = load.first_failure();
        bail!(
            "{} of {n} clients got no answer from {addr} within {:?} (first failure: {})",
            n - answered,
            settings.wait,
            failure.unwrap_or_else(|| "none; still waiting".into())
        );
    }

    let rounds = settings.rounds;
    println!("round trips: each client sends {rounds} more lines, one at a time");
    let start = Instant::now();
    load.pump(1 + rounds, settings.wait.max(Duration::from_secs(60)))?;
    let elapsed = start.elapsed();
    let after = server.as_ref().map(Account::read).transpose()?;
    let done = load.count(|c| c.answered > rounds);
    let total = (rounds * n) as f64;
    let per_second = total / elapsed.as_secs_f64();
    let (p50, p99) = load.percentiles();
    println!(
        "  {total} round trips in {:.2}s: {per_second:.0} per second; p50 {p50:?}, p99 {p99:?}",
        elapsed.as_secs_f64()
    );
    let cpu = match (&held, &after) {
        (Some(held), Some(after)) => {
            let cpu = after.cpu.saturating_sub(held.cpu);
            let each = cpu.as_secs_f64() * 1e6 / total;
            println!(
                "  server CPU time (user + system): {:.2}s, {each:.1}µs per round trip",
                cpu.as_secs_f64()
            );
            Some(each)
        }
        _ => None,
    };
    let wrong = load.clients.iter().map(|c| c.wrong).sum::<usize>();
    if wrong > 0 || done < n {
        bail!(
            "{wrong} wrong answers; {} of {n} clients did not finish (first failure: {})",
            n - done,
            load.first_failure()
                .unwrap_or_else(|| "none; still waiting".into())
        );
    }
    println!("  every answer was right, none was lost, no client was stuck");
    // One line for a table: name, clients, held, round trips/s, p50, p99, MiB,
    // KiB per client, µs of CPU per round trip.
    let memory = match (&before, &held) {
        (Some(before), Some(held)) => format!(
            "{:.1} | {:.1}",
            held.rss_kib as f64 / 1024.0,
            (held.rss_kib as f64 - before.rss_kib as f64) / n as f64
        ),
        _ => String::from("- | -"),
    };
    let cpu = cpu.map_or(String::from("-"), |each| format!("{each:.1}"));
    println!(
        "row: | {} | {n} | {answered} | {per_second:.0} | {:.2} | {:.2} | {memory} | {cpu} |",
        settings.name,
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
    );
    Ok(())
}

// ANCHOR: fd_limit
/// This process holds one socket per client. Linux starts a process with a soft
/// limit on open files (`ulimit -n`, often 1024) below its hard limit; any process
/// may raise its own soft limit up to the hard one, so we do, as Python's
/// `resource.setrlimit(RLIMIT_NOFILE, (hard, hard))` would.
#[cfg(unix)]
pub fn raise_fd_limit(needed_sockets: u64) -> Result<()> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) =
        getrlimit(Resource::RLIMIT_NOFILE).context("getrlimit(RLIMIT_NOFILE) failed")?;
    let needed = needed_sockets + SPARE_FDS;
    if needed > hard {
        bail!(
            "{needed_sockets} sockets need about {needed} file descriptors, more than this \
             system lets one process open (the hard limit, `ulimit -H -n`, is {hard}). Use at \
             most {} clients, or raise the hard limit (as root: `ulimit -H -n {needed}`, or \
             LimitNOFILE= in a systemd unit, or /etc/security/limits.conf).",
            hard.saturating_sub(SPARE_FDS)
        );
    }
    if soft < hard {
        setrlimit(Resource::RLIMIT_NOFILE, hard, hard)
            .with_context(|| format!("setrlimit(RLIMIT_NOFILE, {hard}) failed"))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn raise_fd_limit(_needed_sockets: u64) -> Result<()> {
    Ok(())
}
// ANCHOR_END: fd_limit

/// The kernel's account of the server process.
struct Account {
    pid: u32,
}

struct Reading {
    /// User plus system CPU time of every thread, as getrusage(RUSAGE_SELF) says.
    cpu: Duration,
    rss_kib: u64,
    threads: u64,
}

impl Account {
    fn new(pid: u32) -> Result<Account> {
        let account = Account { pid };
        account.read()?;
        Ok(account)
    }

    #[cfg(target_os = "linux")]
    fn read(&self) -> Result<Reading> {
        let pid = self.pid;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .with_context(|| format!("reading /proc/{pid}/stat failed: is {pid} running?"))?;
        // pid (comm) state ppid ...: fields 14 and 15 (utime, stime) count clock
        // ticks of 1/100 s (USER_HZ). The name may hold spaces: split after its ')'.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let tick = |index: usize| -> Result<u64> {
            fields
                .get(index - 3)
                .and_then(|field| field.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("/proc/{pid}/stat: no field {index}"))
        };
        let ticks = tick(14)? + tick(15)?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .with_context(|| format!("reading /proc/{pid}/status failed"))?;
        let field = |name: &str| -> Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("/proc/{pid}/status: no {name}"))
        };
        Ok(Reading {
            cpu: Duration::from_millis(ticks * 10),
            rss_kib: field("VmRSS:")?,
            threads: field("Threads:")?,
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn read(&self) -> Result<Reading> {
        bail!(
            "--server-pid {}: a server's memory and CPU time are read from /proc, on Linux only",
            self.pid
        )
    }
}
