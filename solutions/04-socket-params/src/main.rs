//! Exercise 04, solved: an upper-casing server whose messages keep their edges.
//!
//! A Unix socket of type SOCK_SEQPACKET, which std cannot make: Python's
//! `socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)`, here with socket2. Each
//! recv returns exactly one message, and each send makes exactly one.

use std::path::PathBuf;

use anyhow::Result;
#[cfg(not(unix))]
use anyhow::bail;

const DEFAULT_PATH: &str = "upper.sock";
const USAGE: &str = "usage: solution-socket-params [PATH [CLIENT_MS]]   (the Unix socket to listen on, upper.sock, and how long one client may keep the server waiting, 10000 ms, when not given)";
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

/// The arguments `[PATH [CLIENT_MS]]`, with their defaults.
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
    /// The longest message served whole. With SOCK_SEQPACKET, a longer one would be
    /// cut to this size, and the rest of it lost.
    const MAX_MESSAGE: usize = 1024;
    /// The reply to a message that is not UTF-8 text.
    const NOT_UTF8: &[u8] = b"error: not UTF-8";

    /// Serves clients in turn at `path`; `client_timeout` bounds how long one may
    /// keep the server waiting.
    pub fn serve(path: &Path, client_timeout: Duration) -> Result<()> {
        remove_stale_socket(path)?;
        let shown = path.display();
        // sk = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        let listener = Socket::new(Domain::UNIX, Type::SEQPACKET, None)
            .context("socket(AF_UNIX, SOCK_SEQPACKET, 0) failed")?;
        // sk.bind(path); sk.listen(5)
        let addr = SockAddr::unix(path).with_context(|| format!("{shown} is not a socket path"))?;
        listener
            .bind(&addr)
            .with_context(|| format!("bind({shown}) failed"))?;
        // The file is ours from here on: removed when we stop, Ctrl-C and SIGTERM
        // included, and only if it is still the file bind made.
        let _socket_file =
            SocketFile::claim(path).with_context(|| format!("lstat({shown}) after bind failed"))?;
        // os.chmod(path, 0o600) before listen: nobody else may connect.
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .with_context(|| format!("chmod({shown}, 0600) failed"))?;
        listener
            .listen(BACKLOG)
            .with_context(|| format!("listen({BACKLOG}) on {shown} failed"))?;
        println!("listening on {shown}");

        loop {
            // conn, _ = sk.accept()
            let (conn, _) = listener
                .accept()
                .with_context(|| format!("accept() on {shown} failed"))?;
            // conn.settimeout(10): a silent client must not hold everyone else.
            let timeouts = conn
                .set_read_timeout(Some(client_timeout))
                .and_then(|()| conn.set_write_timeout(Some(client_timeout)));
            if let Err(error) = timeouts {
                eprintln!("client dropped: settimeout failed: {error}");
                continue;
            }
            match serve_client(&conn) {
                Ok(count) => println!("client left after {count} messages"),
                // One client's trouble is not the server's: on to the next.
                Err(error) => eprintln!("client dropped: {error:#}"),
            }
        }
    }

    /// Answers every message of one client, one reply per message, until it hangs
    /// up. Returns how many messages it sent.
    fn serve_client(conn: &Socket) -> Result<usize> {
        let mut buffer = [0u8; MAX_MESSAGE];
        let mut count = 0;
        loop {
            // conn.recv(1024): one message, however many are queued behind it.
            let n = (&*conn).read(&mut buffer).context("recv(1024) failed")?;
            // 0: the client hung up (an empty message reads the same way).
            if n == 0 {
                return Ok(count);
            }
            let reply = reply_to(&buffer[..n]);
            // conn.send(reply): one message. SOCK_SEQPACKET sends it whole or not at
            // all, so a short count would be a surprise worth reporting.
            let sent = conn.send(&reply).context("send() failed")?;
            if sent != reply.len() {
                bail!("send() took {sent} of {} bytes", reply.len());
            }
            count += 1;
        }
    }

    /// The message upper-cased as text, or an error message if it is not text.
    fn reply_to(message: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(message) {
            Ok(text) => text.to_uppercase().into_bytes(),
            Err(_) => NOT_UTF8.to_vec(),
        }
    }

    /// A Unix socket leaves its file behind when the server stops, and bind() then
    /// fails with EADDRINUSE. Remove such a stale file (connect() to it is refused),
    /// never a live server's socket, and nothing that is not a socket.
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
