//! Exercise 05: a server on a socket file that cleans up after itself.
//!
//! An AF_UNIX server is named by a file, and files outlive the programs that make
//! them. Yours, run as `exercise-unix-ipc PATH` (book: "AF_UNIX: sockets
//! between processes"):
//!
//! 1. makes way at PATH: nothing there is fine; a *stale* socket file (a socket,
//!    and connect() to it is refused) is removed; a socket with a server behind it
//!    is an error that says `another server is listening on PATH`; anything else
//!    (a regular file, a directory) is an error too, and is never deleted;
//! 2. binds a Unix stream socket at PATH, makes the file mode 0600 (only you may
//!    connect), then listens;
//! 3. prints `listening on PATH` (given);
//! 4. serves one client: recv(1024), the reply upper-cased, close (given);
//! 5. removes its socket file when it exits, after serving or after an error.
//!
//! Grade it:  cd exercises/05-unix-ipc && cargo test
//! Try it:    cargo run -p exercise-unix-ipc -- /tmp/upper.sock
//!            then, in another terminal:
//!            echo hello | cargo run -p unix-ipc -- client /tmp/upper.sock
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

#[cfg(unix)]
fn main() -> anyhow::Result<()> {
    unix::main()
}

#[cfg(not(unix))]
fn main() {
    println!("Exercise 05 is about AF_UNIX sockets, which Rust's std offers on Unix only.");
}

/// Everything below is Unix-only: AF_UNIX and file modes.
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

    const USAGE: &str = "usage: exercise-unix-ipc PATH   (the socket file to create)";

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

    /// Makes way for the socket at `path`.
    fn clear_stale_socket(path: &Path) -> Result<()> {
        // TODO 1: look at what is at `path` without following a symbolic link:
        //   fs::symlink_metadata(path)
        //   - Err with kind NotFound: nothing there, return Ok(()).
        //   - not a socket (metadata.file_type().is_socket() is false): bail! with
        //     a message that says it is not a socket. Never delete it.
        //   - a socket: UnixStream::connect(path) tells whether a server is there:
        //     - Ok: bail!("another server is listening on {}", path.display());
        //     - Err of kind ConnectionRefused: stale, fs::remove_file(path);
        //     - any other Err: return it, with a context naming the path.
        todo!("make way at PATH: remove a stale socket file, refuse anything else (TODO 1)")
    }

    /// A listening Unix stream socket at `path`, its file with mode 0600.
    fn listen_private(path: &Path) -> Result<UnixListener> {
        // TODO 2: socket2, one call at a time, so that no client can connect
        //   before the mode is set:
        //   Socket::new(Domain::UNIX, Type::STREAM, None), then
        //   socket.bind(&SockAddr::unix(path)?), then
        //   fs::set_permissions(path, fs::Permissions::from_mode(0o600)), then
        //   socket.listen(5), and UnixListener::from(OwnedFd::from(socket)).
        //   Give each error a context naming the call and the path.
        todo!("bind PATH, chmod it 0600, listen (TODO 2)")
    }

    /// The socket file; removed when this value is dropped.
    struct SocketFile {
        path: PathBuf,
        /// The file's identity (device, inode) right after bind, to tell it from a
        /// file someone else put at the same path since.
        dev_ino: (u64, u64),
    }

    impl SocketFile {
        /// The file bind just created at `path`. (Given.)
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
            // TODO 3: remove the file at self.path (fs::remove_file). Closing the
            //   socket does not: the name stays until someone unlinks it. But first
            //   look again (fs::symlink_metadata): if its (dev(), ino()) is not
            //   self.dev_ino, someone replaced it meanwhile, and it is not ours to
            //   remove. drop() cannot return an error, so if removing fails,
            //   eprintln! why.
        }
    }

    /// One client: recv(1024), reply upper-cased, close. (Given.)
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

    /// The one argument, PATH. (Given.)
    fn path_from_args() -> Result<PathBuf> {
        // `--help`, a missing or an extra argument: the usage, exit 2 (program-support).
        let mut args = program_support::Args::new(USAGE);
        let path = PathBuf::from(args.required("PATH"));
        args.finish();
        Ok(path)
    }
}
