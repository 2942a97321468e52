//! What the three modes share besides the protocol: their settings, the listening
//! socket, the switch that stops them, and the counters they keep.

use std::io::{BufRead, Write};
use std::net::{Shutdown as Direction, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

/// How many finished handshakes the kernel may queue for us: listen(1024). The
/// load test connects thousands of clients at once; with the article's listen(5)
/// most of their SYNs would be dropped and retried a second later. Linux caps the
/// value at net.core.somaxconn (4096 by default).
pub const BACKLOG: i32 = 1024;

/// The settings of a server, whatever its mode.
#[derive(Clone, Debug)]
pub struct Config {
    /// Close a client that has sent us nothing, and taken nothing from us, this long.
    pub idle_timeout: Duration,
    /// The longest line a client may send, in bytes, without its `\n`.
    pub max_line: usize,
    /// Print nothing per client (the demo and the load test).
    pub quiet: bool,
}

/// One server: its settings, its stop switch and its counters, shared by every
/// thread of the server.
pub struct Server {
    pub config: Config,
    pub shutdown: Shutdown,
    pub stats: Stats,
}

impl Server {
    pub fn new(config: Config) -> Arc<Server> {
        Arc::new(Server {
            config,
            shutdown: Shutdown::default(),
            stats: Stats::default(),
        })
    }

    /// Prints one line about a client, unless the server is quiet.
    pub fn log(&self, line: std::fmt::Arguments<'_>) {
        if !self.config.quiet {
            println!("{line}");
        }
    }
}

// ANCHOR: bind
/// socket(), setsockopt(SO_REUSEADDR), bind(addr), listen(1024), as in the first
/// server; every mode starts from this blocking listener.
pub fn bind(addr: SocketAddr) -> Result<TcpListener> {
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).context("socket() failed")?;
    socket
        .set_reuse_address(true)
        .context("setsockopt(SO_REUSEADDR) failed")?;
    socket
        .bind(&addr.into())
        .with_context(|| format!("bind({addr}) failed"))?;
    socket
        .listen(BACKLOG)
        .with_context(|| format!("listen({BACKLOG}) on {addr} failed"))?;
    Ok(socket.into())
}
// ANCHOR_END: bind

// ANCHOR: shutdown
/// The stop switch. Anyone may pull it (a `quit` line on stdin, the demo, the load
/// test); each mode says, with `on_request`, how to wake itself up when it is
/// pulled, because a server asleep in accept(), recv() or poll() checks nothing.
#[derive(Default)]
pub struct Shutdown {
    requested: AtomicBool,
    wakers: Mutex<Vec<Box<dyn Fn() + Send>>>,
}

impl Shutdown {
    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Pulls the switch and runs every waker.
    pub fn request(&self) {
        let wakers = lock(&self.wakers);
        self.requested.store(true, Ordering::SeqCst);
        for wake in wakers.iter() {
            wake();
        }
    }

    /// Runs `wake` when the switch is pulled (at once if it already was).
    pub fn on_request(&self, wake: impl Fn() + Send + 'static) {
        let mut wakers = lock(&self.wakers);
        if self.requested() {
            wake();
        }
        wakers.push(Box::new(wake));
    }
}

/// Reads stdin in a thread: the line `quit` stops the server. The end of stdin does
/// not: a server started in the background (`server &` in a script, a service)
/// reads its stdin from /dev/null, which ends at once.
pub fn quit_on_stdin(server: &Arc<Server>) {
    let server = Arc::clone(server);
    thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(line) if line.trim() == "quit" => {
                    println!("shutdown: `quit` on stdin; closing every connection");
                    server.shutdown.request();
                    return;
                }
                Ok(_) => println!("stdin: type `quit` to stop the server"),
                Err(_) => return,
            }
        }
    });
}
// ANCHOR_END: shutdown

// ANCHOR: goodbye
/// Says why we are closing, if there is anything to say, and closes. The farewell
/// is written without waiting (a client that reads nothing must not hold us up);
/// shutdown(SHUT_WR) then sends the FIN right behind it.
pub fn goodbye(mut conn: TcpStream, farewell: Option<String>) {
    if let Some(farewell) = farewell {
        let _ = conn.set_nonblocking(true);
        let _ = conn.write(farewell.as_bytes());
    }
    let _ = conn.shutdown(Direction::Write);
    // Dropping `conn` is close().
}
// ANCHOR_END: goodbye

/// The counters a server keeps, for its last line and for the load test.
#[derive(Default)]
pub struct Stats {
    accepted: AtomicU64,
    open: AtomicUsize,
    peak: AtomicUsize,
    lines: AtomicU64,
}

impl Stats {
    /// A client was accepted; returns its number, from 1.
    pub fn opened(&self) -> u64 {
        let open = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(open, Ordering::SeqCst);
        self.accepted.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// A client's connection was closed after `lines` answered lines.
    pub fn closed(&self, lines: u64) {
        self.open.fetch_sub(1, Ordering::SeqCst);
        self.lines.fetch_add(lines, Ordering::SeqCst);
    }

    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    pub fn summary(&self) -> String {
        format!(
            "served {} clients and {} lines, at most {} at once",
            self.accepted.load(Ordering::SeqCst),
            self.lines.load(Ordering::SeqCst),
            self.peak()
        )
    }
}

/// Locks a mutex, and carries on if a thread panicked while holding it: the data
/// here (a list, a map) stays usable.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
