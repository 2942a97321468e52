//! Exercise 05, solved: a server on a socket file that cleans up after itself.
//!
//! `solution-unix-ipc PATH`: replaces a stale socket file at PATH, refuses a live
//! server's socket and anything that is not a socket, binds with mode 0600, serves
//! one client, and removes its socket file when it exits, however it exits.

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
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};

    use anyhow::{Context, Result, bail};
    use socket2::{Domain, SockAddr, Socket, Type};

    const USAGE: &str = "usage: solution-unix-ipc PATH   (the socket file to create)";

    pub fn main() -> Result<()> {
        let path = path_from_args()?;
        clear_stale_socket(&path)?;
        let listener = listen_private(&path)?;
        // From here on, dropping `_socket_file` removes the file (TODO 3): it is
        // dropped when main returns, whether serving worked or failed.
        let _socket_file = SocketFile::new(&path)?;
        // A signal runs no destructor: on Ctrl-C, SIGTERM or SIGHUP, program-support
        // removes the file instead, if it is still this one. (Given.)
        program_support::remove_on_stop_signal(&path)
            .with_context(|| format!("lstat({}) after bind failed", path.display()))?;
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
        /// The file's identity (device, inode) right after bind.
        dev_ino: (u64, u64),
    }

    impl SocketFile {
        fn new(path: &Path) -> Result<SocketFile> {
            let found = fs::symlink_metadata(path)
                .with_context(|| format!("lstat({}) after bind failed", path.display()))?;
            Ok(SocketFile {
                path: path.to_path_buf(),
                dev_ino: (found.dev(), found.ino()),
            })
        }
    }

    impl Drop for SocketFile {
        fn drop(&mut self) {
            let shown = self.path.display();
            // Only the very file bind made: one put at the path since is not ours.
            match fs::symlink_metadata(&self.path) {
                Ok(now) if (now.dev(), now.ino()) == self.dev_ino => {
                    if let Err(error) = fs::remove_file(&self.path) {
                        eprintln!("could not remove the socket file {shown}: {error}");
                    }
                }
                _ => eprintln!("{shown} is no longer our socket file; left as it is"),
            }
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
        // `--help`, a missing or an extra argument: the usage, exit 2 (program-support).
        let mut args = program_support::Args::new(USAGE);
        let path = PathBuf::from(args.required("PATH"));
        args.finish();
        Ok(path)
    }
}
