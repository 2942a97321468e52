//! Wrong: lets one client's error end the server (`serve_client(&conn)?`)
//! Caught by: a_client_gone_before_its_reply_does_not_stop_the_server
//!
//! A client that leaves before its reply makes send() fail with EPIPE. That ends
//! that client's turn only; with `?` it ends the server for everyone.

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

/// The argument `[PATH]`, with its default.
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
    /// The longest message served whole. With SOCK_SEQPACKET, a longer one would be
    /// cut to this size, and the rest of it lost.
    const MAX_MESSAGE: usize = 1024;
    /// The reply to a message that is not UTF-8 text.
    const NOT_UTF8: &[u8] = b"error: not UTF-8";

    pub fn serve(path: &Path) -> Result<()> {
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
        listener
            .listen(BACKLOG)
            .with_context(|| format!("listen({BACKLOG}) on {shown} failed"))?;
        println!("listening on {shown}");

        loop {
            // conn, _ = sk.accept()
            let (conn, _) = listener
                .accept()
                .with_context(|| format!("accept() on {shown} failed"))?;
            let count = serve_client(&conn)?;
            println!("client left after {count} messages");
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
    /// fails with EADDRINUSE. Remove such a file, and nothing that is not a socket.
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
