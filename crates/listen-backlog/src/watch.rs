//! The server mode: listen with a backlog, never call accept(), and report the
//! accept queue's length whenever it changes.

use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::listen::listen;
use crate::queue::{accept_queue, where_the_queue_shows};

/// How often the server mode looks at its queue.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// The server mode: listen with `backlog`, never accept, and report the queue.
pub fn watch(addr: SocketAddr, backlog: i32) -> Result<()> {
    let listener = listen(addr, backlog)?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {addr}");
    println!(
        "listen({backlog}): this server never calls accept(). Connect to it from other \
         terminals\nand watch its queue; Ctrl-C stops it."
    );
    println!("{}", where_the_queue_shows());
    let mut last = None;
    loop {
        let now = accept_queue(addr)?;
        if now != last {
            if let Some(length) = now {
                println!("accept queue: {length}");
            }
            last = now;
        }
        if cfg!(not(target_os = "linux")) {
            // Nothing to watch here: wait for Ctrl-C, holding the listener open.
            thread::park();
        }
        // Looking again after a pause is the point of this mode: the queue changes
        // when clients come and go, and nothing tells the server.
        thread::sleep(WATCH_EVERY);
    }
}
