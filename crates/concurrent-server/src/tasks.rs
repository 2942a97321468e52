//! `--mode tokio`: a task per client, on the tokio runtime.
//!
//! Python's `asyncio`, in Rust with the `tokio` crate, written the way tokio's own
//! tutorial writes a server: an accept loop that spawns a task per connection, and
//! in each task a loop of `read().await` and `write().await`. The code reads like the
//! blocking thread-per-client server; underneath it is the readiness loop of
//! `--mode poll`: tokio's runtime registers every socket with epoll (through mio),
//! and an `.await` that would block hands the thread back to the runtime instead.
//!
//! | Python (asyncio)                            | Rust (tokio)                                  |
//! |---------------------------------------------|-----------------------------------------------|
//! | `asyncio.run(main())`                       | `Runtime::new()?.block_on(main())`            |
//! | `await asyncio.start_server(handle, ...)`   | `TcpListener::from_std(listener)?` + accept loop |
//! | `asyncio.create_task(handle(r, w))`         | `tokio::spawn(handle(conn))` (here `JoinSet::spawn`) |
//! | `await reader.read(4096)`                   | `conn.read(&mut buffer).await`                |
//! | `writer.write(b); await writer.drain()`     | `conn.write(&b).await`                        |
//! | `await asyncio.wait_for(coro, timeout)`     | a `tokio::time::sleep` raced in `select!`     |
//! | `asyncio.wait(..., FIRST_COMPLETED)`        | `tokio::select! { ... }`                      |
//! | `asyncio.Event` / `event.wait()`            | `watch::channel(false)` / `wait_for(..)`      |
//! | `writer.write_eof()`                        | `conn.shutdown().await`                       |

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::protocol::{Ending, Session, plural};
use crate::server::Server;

/// Stop reading from a client while this much of its answers is unsent, as in
/// `--mode poll`. Here the task simply does not read again until its answers are
/// written, so what it holds is the answers to one read(): at most a few times
/// BUFFER_SIZE, well under this cap.
const BUFFER_SIZE: usize = 4096;

// ANCHOR: run
/// What `#[tokio::main]` would write for us: build a runtime (a pool of worker
/// threads, one per core, each running a readiness loop), and run the server's
/// future on it until it is done. The other modes are plain functions, so this one
/// builds its runtime by hand instead of making `main` async.
pub fn run(listener: std::net::TcpListener, server: &Arc<Server>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all() // the I/O driver (epoll) and the timers
        .build()
        .context("starting the tokio runtime failed")?;
    runtime.block_on(serve(listener, Arc::clone(server)))
}

async fn serve(listener: std::net::TcpListener, server: Arc<Server>) -> Result<()> {
    // sk.setblocking(False), then hand the socket to tokio (which registers it
    // with the runtime's epoll).
    listener
        .set_nonblocking(true)
        .context("setblocking(False) on the listener failed")?;
    let listener = TcpListener::from_std(listener).context("registering the listener failed")?;

    // The shutdown switch, as an async event every task can wait on.
    let (stop, stopped) = watch::channel(false);
    server.shutdown.on_request(move || {
        let _ = stop.send(true);
    });

    // Every client's task, so that shutdown can wait for each to say goodbye.
    let mut clients = JoinSet::new();
    let mut stopping = stopped.clone();
    loop {
        tokio::select! {
            // conn, addr = await loop.sock_accept(sk)
            accepted = listener.accept() => match accepted {
                Ok((conn, peer)) => {
                    let task = serve_client(conn, peer, Arc::clone(&server), stopped.clone());
                    clients.spawn(task);
                }
                Err(error) => {
                    // EMFILE, usually: wait a little rather than spin.
                    eprintln!("accept() failed: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = stopping.wait_for(|&stop| stop) => break,
            // Forget the tasks that have finished, so the set does not grow for ever.
            Some(_) = clients.join_next() => {}
        }
    }
    // Clean shutdown: every task has seen the switch too; wait until each has
    // said goodbye to its client.
    while clients.join_next().await.is_some() {}
    Ok(())
}
// ANCHOR_END: run

// ANCHOR: client
/// One client's conversation: the thread-per-client loop, with `.await` where the
/// thread would block, and the idle timer and the shutdown switch raced against
/// every wait with `select!`.
async fn serve_client(
    mut conn: TcpStream,
    peer: SocketAddr,
    server: Arc<Server>,
    mut stopped: watch::Receiver<bool>,
) {
    let id = server.stats.opened();
    server.log(format_args!(
        "#{id} {peer}: connected, {} open",
        server.stats.open()
    ));
    let idle = server.config.idle_timeout;
    let mut session = Session::new(server.config.max_line);
    let mut buffer = vec![0u8; BUFFER_SIZE];
    let mut replies = Vec::new();
    let mut client_done = false;
    // One timer for the whole conversation, pushed back whenever a byte moves
    // (cheaper than a new `timeout()` around every read), and one wait for the
    // switch. Both are pinned: a future that is polled again after it returned
    // Pending must not move in memory.
    let idle_timer = tokio::time::sleep(idle);
    tokio::pin!(idle_timer);
    let stop = async move {
        let _ = stopped.wait_for(|&stop| stop).await;
    };
    tokio::pin!(stop);
    let ending = loop {
        if client_done && replies.is_empty() {
            break Ending::ClientClosed;
        }
        let moved = if replies.is_empty() {
            // data = await reader.read(4096): only while no answer is waiting to
            // go, which caps what a client that never reads can make us hold.
            tokio::select! {
                read = conn.read(&mut buffer) => Moved::Read(read),
                () = &mut idle_timer => break Ending::Idle(idle),
                () = &mut stop => break Ending::ShuttingDown,
            }
        } else {
            // writer.write(replies); await writer.drain()
            tokio::select! {
                sent = conn.write(&replies) => Moved::Sent(sent),
                () = &mut idle_timer => break Ending::Idle(idle),
                () = &mut stop => break Ending::ShuttingDown,
            }
        };
        let answered = match moved {
            Moved::Read(Ok(0)) => {
                client_done = true;
                session.finished(&mut replies)
            }
            Moved::Read(Ok(n)) => session.received(&buffer[..n], &mut replies),
            Moved::Read(Err(error)) => break Ending::Failed("recv", error),
            Moved::Sent(Ok(n)) => {
                replies.drain(..n);
                Ok(())
            }
            Moved::Sent(Err(error)) => break Ending::Failed("send", error),
        };
        if let Err(ending) = answered {
            break ending; // the answers so far go out with the farewell
        }
        // Something moved: the idle clock starts again.
        idle_timer
            .as_mut()
            .reset(tokio::time::Instant::now() + idle);
    };
    goodbye(conn, replies, &ending).await;
    let lines = session.lines();
    server.log(format_args!(
        "#{id} closed after {}: {ending}",
        plural(lines, "line")
    ));
    server.stats.closed(lines);
}

/// What one turn of a client's loop did.
enum Moved {
    Read(std::io::Result<usize>),
    Sent(std::io::Result<usize>),
}

/// Sends what we still owe and the farewell, if they fit without waiting
/// (`try_write` never waits: a client that reads nothing must not hold us up), then
/// shutdown(SHUT_WR) and close, as the other modes do.
async fn goodbye(mut conn: TcpStream, mut unsent: Vec<u8>, ending: &Ending) {
    if let Some(farewell) = ending.farewell() {
        unsent.extend_from_slice(farewell.as_bytes());
    }
    if !unsent.is_empty() {
        let _ = conn.try_write(&unsent);
    }
    let _ = conn.shutdown().await;
    // Dropping `conn` is close(), and takes it out of the runtime's epoll.
}
// ANCHOR_END: client
