//! `--mode threads`: a thread per client.
//!
//! The one-at-a-time server with one change: instead of serving a client itself,
//! the accept loop hands it to a new thread and goes straight back to accept().
//! Each thread still makes blocking calls and sleeps in recv() as long as its
//! client is silent; the kernel wakes whichever thread's client spoke.

use std::net::TcpListener;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use anyhow::Result;

use crate::one::{OpenConnections, pause_after, serve_client};
use crate::server::Server;

// ANCHOR: run
pub fn run(listener: TcpListener, server: &Arc<Server>) -> Result<()> {
    let open = Arc::new(OpenConnections::new(&listener, server)?);
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    for conn in listener.incoming() {
        if server.shutdown.requested() {
            break;
        }
        let conn = match conn {
            Ok(conn) => conn,
            Err(error) => {
                pause_after(&error, server);
                continue;
            }
        };
        // Python: threading.Thread(target=serve_client, args=(conn,)).start()
        let (for_thread, open_for_thread) = (Arc::clone(server), Arc::clone(&open));
        let spawned = thread::Builder::new()
            .name("client".into())
            .spawn(move || serve_client(conn, &for_thread, &open_for_thread));
        match spawned {
            Ok(worker) => workers.push(worker),
            // No thread to be had (EAGAIN: a limit on threads or memory): the
            // connection was moved into the closure that failed to start, and is
            // closed with it. Say so; the clients already served go on.
            Err(error) => eprintln!("could not start a thread for a client: {error}"),
        }
        // Forget the threads that have finished, so the list does not grow for ever.
        workers.retain(|worker| !worker.is_finished());
    }
    // Clean shutdown: every thread's recv() has been woken (OpenConnections); wait
    // until each has said goodbye to its client.
    for worker in workers {
        let _ = worker.join();
    }
    Ok(())
}
// ANCHOR_END: run
