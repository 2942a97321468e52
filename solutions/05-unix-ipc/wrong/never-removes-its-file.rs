//! Wrong: closes the socket and trusts that to remove its file
//! Caught by: removes_its_socket_file_when_it_exits
//!
//! Closing a Unix socket does not unlink its name: the file stays, and the next start
//! finds a stale socket. The server must remove it itself, in Drop so that every way
//! out of main does it.

#[cfg(unix)]
fn main() -> anyhow::Result<()> {
    unix::main()
}

#[cfg(not(unix))]
fn main() {
    println!("Exercise 05 is about AF_UNIX sockets, which Rust's std offers on Unix only.");
}

#[cfg(unix)]
mod unix {
    use std::fs;
    use std::io::{ErrorKind, Read, Write};
    use std::os::fd::OwnedFd;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};

    use anyhow::{Context, Result, bail};
    use socket2::{Domain, SockAddr, Socket, Type};

    const USAGE: &str = "usage: solution-unix-ipc PATH";

    pub fn main() -> Result<()> {
        let path = path_from_args()?;
        clear_stale_socket(&path)?;
        let listener = listen_private(&path)?;
        let _socket_file = SocketFile { path: path.clone() };
        println!("listening on {}", path.display());
        serve_one_client(&listener, &path)
    }

    /// Nothing at `path`: fine. A socket nobody listens on: removed. A live
    /// server's socket, or anything else: an error, and the path is left alone.
    fn clear_stale_socket(path: &Path) -> Result<()> {
        let shown = path.display();
        let found = match fs::symlink_metadata(path) {
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error).with_context(|| format!("lstat({shown}) failed")),
            Ok(found) => found,
        };
        if !found.file_type().is_socket() {
            let what = if found.is_dir() {
                "a directory"
            } else {
                "a file"
            };
            bail!("{shown} is {what}, not a socket: refusing to replace it");
        }
        match UnixStream::connect(path) {
            Ok(_) => bail!("another server is listening on {shown}"),
            Err(error) if error.kind() == ErrorKind::ConnectionRefused => fs::remove_file(path)
                .with_context(|| format!("removing the stale socket file {shown} failed")),
            Err(error) => Err(error).with_context(|| format!("connect({shown}) failed")),
        }
    }

    /// socket(AF_UNIX, SOCK_STREAM), bind, chmod 0600, and only then listen: no
    /// client can connect while the file still has its looser first mode.
    fn listen_private(path: &Path) -> Result<UnixListener> {
        let shown = path.display();
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)
            .context("socket(AF_UNIX, SOCK_STREAM) failed")?;
        let address = SockAddr::unix(path).with_context(|| format!("bad socket path {shown}"))?;
        socket
            .bind(&address)
            .with_context(|| format!("bind({shown}) failed"))?;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .with_context(|| format!("chmod({shown}, 0600) failed"))?;
        socket
            .listen(5)
            .with_context(|| format!("listen(5) on {shown} failed"))?;
        Ok(UnixListener::from(OwnedFd::from(socket)))
    }

    /// The socket file, removed when this value is dropped: when `main` returns,
    /// with `Ok` or with an `Err`.
    struct SocketFile {
        path: PathBuf,
    }

    impl Drop for SocketFile {
        fn drop(&mut self) {
            let _ = &self.path;
        }
    }

    /// One client: recv(1024), reply upper-cased, close.
    fn serve_one_client(listener: &UnixListener, path: &Path) -> Result<()> {
        let shown = path.display();
        let (mut conn, _) = listener
            .accept()
            .with_context(|| format!("accept() on {shown} failed"))?;
        let mut buffer = [0u8; 1024];
        let n = conn
            .read(&mut buffer)
            .with_context(|| format!("recv(1024) on {shown} failed"))?;
        if n == 0 {
            println!("the client hung up without sending anything");
            return Ok(());
        }
        conn.write_all(&buffer[..n].to_ascii_uppercase())
            .with_context(|| format!("send on {shown} failed: the client hung up"))?;
        println!("served one client: {n} bytes");
        Ok(())
    }

    fn path_from_args() -> Result<PathBuf> {
        let mut args = std::env::args_os().skip(1);
        match (args.next(), args.next()) {
            (Some(path), None) => Ok(PathBuf::from(path)),
            _ => bail!("{USAGE}"),
        }
    }
}
