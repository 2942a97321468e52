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

use anyhow::Result;
#[cfg(not(unix))]
use anyhow::bail;

const DEFAULT_PATH: &str = "upper.sock";
const USAGE: &str = "usage: exercise-socket-params [PATH [CLIENT_MS]]   (the Unix socket to listen on, upper.sock, and how long one client may keep the server waiting, 10000 ms, when not given)";
/// How long one client may keep the server waiting, unless CLIENT_MS says otherwise.
const CLIENT_TIMEOUT_MS: u64 = 10_000;

fn main() -> Result<()> {
    let (path, client_timeout) = arguments()?;
    #[cfg(unix)]
    return server::serve(&path, client_timeout);
    #[cfg(not(unix))]
    bail!(
        "this server needs Unix sockets with SOCK_SEQPACKET (Linux); {} cannot be served \
         here (nor kept to a client timeout of {client_timeout:?})",
        path.display()
    );
}

/// The arguments `[PATH [CLIENT_MS]]`, with their defaults. (Given.)
fn arguments() -> Result<(PathBuf, std::time::Duration)> {
    // `--help`, an empty or an extra argument: the usage, exit 2 (program-support).
    let mut args = program_support::Args::new(USAGE);
    let path = PathBuf::from(args.next().unwrap_or_else(|| DEFAULT_PATH.into()));
    if path.as_os_str().is_empty() {
        args.fail("PATH is empty");
    }
    let millis = args.number_or("CLIENT_MS", 1..=3_600_000, CLIENT_TIMEOUT_MS);
    args.finish();
    Ok((path, std::time::Duration::from_millis(millis)))
}

#[cfg(unix)]
mod server {
    use std::fs;
    use std::io::{ErrorKind, Read};
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::path::Path;
    use std::time::Duration;

    use program_support::SocketFile;

    use anyhow::{Context, Result, bail};
    use socket2::{Domain, SockAddr, Socket, Type};

    /// listen(5), as the article's server does.
    const BACKLOG: i32 = 5;
    /// The longest message served whole.
    const MAX_MESSAGE: usize = 1024;
    /// The reply to a message that is not UTF-8 text.
    const NOT_UTF8: &[u8] = b"error: not UTF-8";

    /// Serves clients in turn at `path`; `client_timeout` bounds how long one may
    /// keep the server waiting.
    pub fn serve(path: &Path, client_timeout: Duration) -> Result<()> {
        remove_stale_socket(path)?;
        let shown = path.display();

        // TODO 1: make the listening socket with socket2: Socket::new with
        //         Domain::UNIX and Type::SEQPACKET (proto: None, Python's 0), then
        //         bind it to SockAddr::unix(path), and right after bind claim the
        //         file: let _socket_file = SocketFile::claim(path)?; (it is removed
        //         when serve returns, and on Ctrl-C and SIGTERM, if still ours).
        //         Then make it private, fs::set_permissions(path,
        //         fs::Permissions::from_mode(0o600)), and only then listen(BACKLOG).
        //         Give each error a context that names the call and the path.
        let listener: Socket = todo!("socket(AF_UNIX, SOCK_SEQPACKET), bind, listen (TODO 1)");
        println!("listening on {shown}");

        loop {
            // TODO 2: accept the next client (listener.accept(); an error here is
            //         the server's own: return it, with a context). Clients are
            //         served in turn, so bound how long one may hold the server:
            //         conn.set_read_timeout(Some(client_timeout)) (and the write
            //         timeout). Then serve it with serve_client. If serve_client fails, eprintln! the error
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
    /// fails with EADDRINUSE. Remove such a stale file (connect() to it is refused),
    /// never a live server's socket, and nothing that is not a socket.
    /// (Given.)
    fn remove_stale_socket(path: &Path) -> Result<()> {
        let shown = path.display();
        let found = match fs::symlink_metadata(path) {
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error).with_context(|| format!("checking {shown} failed")),
            Ok(found) => found,
        };
        if !found.file_type().is_socket() {
            bail!("{shown} exists and is not a socket: not replacing it");
        }
        let probe = Socket::new(Domain::UNIX, Type::SEQPACKET, None)
            .context("socket(AF_UNIX, SOCK_SEQPACKET, 0) failed")?;
        let addr = SockAddr::unix(path).with_context(|| format!("{shown} is not a socket path"))?;
        match probe.connect(&addr) {
            Ok(()) => bail!("another server is listening on {shown}"),
            // A stream socket's file answers a SEQPACKET connect with EPROTOTYPE:
            // alive, but not ours to replace either.
            Err(error) if error.kind() != ErrorKind::ConnectionRefused => {
                Err(error).with_context(|| format!("connect({shown}) failed; leaving it alone"))
            }
            Err(_) => {
                // Remove it only if it is still the very file we looked at.
                let now = fs::symlink_metadata(path)
                    .with_context(|| format!("checking {shown} failed"))?;
                if (now.dev(), now.ino()) != (found.dev(), found.ino()) {
                    bail!("{shown} changed while I was checking it; leaving it alone");
                }
                fs::remove_file(path)
                    .with_context(|| format!("removing the stale socket {shown} failed"))
            }
        }
    }
}
