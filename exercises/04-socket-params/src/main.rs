//! Exercise 04: an upper-casing server whose messages keep their edges.
//!
//! The article's server upper-cases what it receives, over TCP, a stream of bytes:
//! two messages sent quickly may arrive as one recv, or one as two. Yours keeps
//! them apart, with the socket type the article lists as SOCK_SEQPACKET: a
//! connection, like TCP, but carrying whole messages. std cannot make one (its
//! UnixListener is always SOCK_STREAM); socket2 can (book: "socket(): family, type
//! and protocol"). What it does:
//!
//! 1. Listens on the Unix socket PATH (the first argument; `upper.sock` when there
//!    is none): Python's `socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)`,
//!    `bind(PATH)`, `listen(5)`; then prints `listening on PATH`. (A socket file
//!    left behind by an earlier run is removed first: given.)
//! 2. Serves one client after another, for ever.
//! 3. For each message a client sends (up to 1024 bytes), sends back exactly one
//!    message: the text upper-cased as text (`str::to_uppercase`: "grüße" becomes
//!    "GRÜSSE"), or `error: not UTF-8` when the message is not UTF-8 text. The
//!    connection goes on until the client hangs up (recv returns 0).
//! 4. A client that hangs up, or fails, ends only its own turn: the server goes on
//!    to the next client.
//!
//! Linux only: macOS has no SOCK_SEQPACKET for Unix sockets, Windows no such files.
//!
//! Grade it:  cd exercises/04-socket-params && cargo test
//! Try it:    cargo run -p exercise-socket-params -- /tmp/upper.sock, and in
//!            another terminal a client; the chapter shows one in Python
//! Stuck?     read hint.md next to this file.

// A stub compiles but does nothing yet: these allows keep the compiler quiet about
// that. Delete them once your code is written.
#![allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unreachable_code,
    dead_code,
    clippy::diverging_sub_expression
)]

use std::path::PathBuf;

use anyhow::{Result, bail};

const DEFAULT_PATH: &str = "upper.sock";
const USAGE: &str = "usage: [PATH], the Unix socket to listen on (upper.sock when not given)";

fn main() -> Result<()> {
    let path = arguments()?;
    #[cfg(unix)]
    return server::serve(&path);
    #[cfg(not(unix))]
    bail!(
        "this server needs Unix sockets with SOCK_SEQPACKET (Linux); {} cannot be served here",
        path.display()
    );
}

/// The argument `[PATH]`, with its default. (Given.)
fn arguments() -> Result<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    let path = args
        .next()
        .map_or_else(|| DEFAULT_PATH.into(), PathBuf::from);
    if path.as_os_str().is_empty() {
        bail!("{USAGE}: PATH is empty");
    }
    if let Some(extra) = args.next() {
        bail!("{USAGE}: one argument too many: {extra:?}");
    }
    Ok(path)
}

#[cfg(unix)]
mod server {
    use std::fs;
    use std::io::{ErrorKind, Read};
    use std::os::unix::fs::FileTypeExt;
    use std::path::Path;

    use anyhow::{Context, Result, bail};
    use socket2::{Domain, SockAddr, Socket, Type};

    /// listen(5), as the article's server does.
    const BACKLOG: i32 = 5;
    /// The longest message served whole.
    const MAX_MESSAGE: usize = 1024;
    /// The reply to a message that is not UTF-8 text.
    const NOT_UTF8: &[u8] = b"error: not UTF-8";

    pub fn serve(path: &Path) -> Result<()> {
        remove_stale_socket(path)?;
        let shown = path.display();

        // TODO 1: make the listening socket with socket2: Socket::new with
        //         Domain::UNIX and Type::SEQPACKET (proto: None, Python's 0), then
        //         bind it to SockAddr::unix(path) and listen(BACKLOG). Give each
        //         error a context that names the call and the path.
        let listener: Socket = todo!("socket(AF_UNIX, SOCK_SEQPACKET), bind, listen (TODO 1)");
        println!("listening on {shown}");

        loop {
            // TODO 2: accept the next client (listener.accept(); an error here is
            //         the server's own: return it, with a context), then serve it
            //         with serve_client. If serve_client fails, eprintln! the error
            //         and go on to the next client: it is that client's trouble.
            todo!("accept a client and serve it (TODO 2)");
        }
    }

    /// Answers every message of one client, one reply per message, until it hangs
    /// up. Returns how many messages it answered.
    fn serve_client(conn: &Socket) -> Result<usize> {
        let mut buffer = [0u8; MAX_MESSAGE];
        let mut count = 0;
        // TODO 3: loop: one read into `buffer` is one message (socket2's Socket is
        //         std::io::Read, through a reference: `(&*conn).read(&mut buffer)`).
        //         0 bytes: the client hung up; return Ok(count). Otherwise send
        //         reply_to(message) with conn.send, as one message, and count it.
        todo!("recv each message and send one reply for it (TODO 3)")
    }

    /// The message upper-cased as text, or NOT_UTF8 if it is not text.
    fn reply_to(message: &[u8]) -> Vec<u8> {
        // TODO 4: std::str::from_utf8, then to_uppercase (not to_ascii_uppercase:
        //         "ß" becomes "SS").
        todo!("upper-case the text, or say it is not UTF-8 (TODO 4)")
    }

    /// A Unix socket leaves its file behind when the server stops, and bind() then
    /// fails with EADDRINUSE. Remove such a file, and nothing that is not a socket.
    /// (Given.)
    fn remove_stale_socket(path: &Path) -> Result<()> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_socket() => fs::remove_file(path)
                .with_context(|| format!("removing the old socket {} failed", path.display())),
            Ok(_) => bail!(
                "{} exists and is not a socket: not replacing it",
                path.display()
            ),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error).with_context(|| format!("checking {} failed", path.display())),
        }
    }
}
