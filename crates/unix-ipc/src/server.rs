//! `unix-ipc server PATH [--mode MODE]`: the first article's server over a socket
//! file, with the care a socket file needs.

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use socket2::{Domain, SockAddr, Socket, Type};

/// The socket file's mode unless asked otherwise: read and write for its owner
/// only. Connecting to a socket file takes write permission on it.
pub const DEFAULT_MODE: u32 = 0o600;

// ANCHOR: sun_path
/// The size of `sun_path` in `struct sockaddr_un`, the kernel's Unix socket
/// address: the path, plus the NUL byte that ends it, must fit.
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
pub const SUN_PATH_LEN: usize = 104;
#[cfg(not(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
pub const SUN_PATH_LEN: usize = 108;

/// Refuses a path that does not fit in `sun_path`, with the limit in the message
/// (std's own error says only "path must be shorter than SUN_LEN").
pub fn check_length(path: &Path) -> Result<()> {
    let len = path.as_os_str().len();
    if len >= SUN_PATH_LEN {
        bail!(
            "the socket path is {len} bytes long, but a Unix socket path may have at most {} \
             bytes here ({SUN_PATH_LEN} bytes of sun_path, the last one for the NUL that ends \
             it): {}\nChoose a shorter path, or a relative one from a nearby directory.",
            SUN_PATH_LEN - 1,
            path.display()
        );
    }
    Ok(())
}
// ANCHOR_END: sun_path

pub fn run(path: &Path, mode: u32) -> Result<()> {
    check_length(path)?;
    // ANCHOR: run
    if clear_stale_socket(path)? {
        eprintln!(
            "note: removed a stale socket file at {}: connect() to it was refused, so no \
             server was behind it",
            path.display()
        );
    }
    let (listener, _socket_file) = listen(path, mode)?;
    // Python prints sk.getsockname() here; for AF_UNIX it is the path.
    println!("listening on {}", path.display());
    serve_one_client(&listener, path)
    // `_socket_file` is dropped here, on success or error alike: the file goes.
    // ANCHOR_END: run
}

// ANCHOR: stale
/// Makes way for a new socket at `path`. Nothing there: fine. A socket file that
/// nobody listens on (a server died without removing it): removed, and `true`.
/// A live server's socket, or anything that is not a socket: an error, and the
/// path is left exactly as it was.
fn clear_stale_socket(path: &Path) -> Result<bool> {
    let shown = path.display();
    // lstat(): what is at the path itself, not what a symbolic link points to.
    let found = match fs::symlink_metadata(path) {
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error).with_context(|| format!("lstat({shown}) failed")),
        Ok(found) => found,
    };
    if !found.file_type().is_socket() {
        bail!(
            "{shown} exists and is {}, not a socket: refusing to replace it. Choose another \
             PATH (the server creates the socket file itself).",
            describe(&found)
        );
    }
    // A socket file. Is a server behind it? Ask the only way there is: connect.
    match UnixStream::connect(path) {
        Ok(_probe) => {
            bail!("another server is listening on {shown}: stop it first, or choose another PATH")
        }
        // ECONNREFUSED: a socket file with no listening socket behind it. Stale.
        Err(error) if error.kind() == ErrorKind::ConnectionRefused => {
            // Remove it only if it is still the very file we looked at.
            let now =
                fs::symlink_metadata(path).with_context(|| format!("lstat({shown}) failed"))?;
            if (now.dev(), now.ino()) != (found.dev(), found.ino()) {
                bail!("{shown} changed while I was checking it; leaving it alone");
            }
            fs::remove_file(path)
                .with_context(|| format!("removing the stale socket file {shown} failed"))?;
            Ok(true)
        }
        Err(error) => {
            let kind = error.kind();
            Err(error).with_context(|| {
                format!(
                    "connect({shown}), to see whether a server is listening there, failed \
                     (kind {kind:?}); leaving the file alone"
                )
            })
        }
    }
}
// ANCHOR_END: stale

/// What a file type is, in words.
fn describe(metadata: &fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_file() {
        "a regular file"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else {
        "a device file"
    }
}

// ANCHOR: listen
/// socket(AF_UNIX, SOCK_STREAM), bind(path), chmod(path, mode), listen(5).
///
/// std's `UnixListener::bind` binds and listens in one call, so the socket would
/// accept connections before chmod could narrow its mode. Made step by step, the
/// socket is not listening yet while the file still has its first mode (0777
/// minus the umask), and the kernel refuses every connect in that window.
fn listen(path: &Path, mode: u32) -> Result<(UnixListener, SocketFile)> {
    let shown = path.display();
    // sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None)
        .context("socket(AF_UNIX, SOCK_STREAM) failed")?;
    // sk.bind(path): the kernel creates the socket file, as a new file, or fails.
    let address = SockAddr::unix(path).with_context(|| format!("bad socket path {shown}"))?;
    socket.bind(&address).map_err(|error| match error.kind() {
        ErrorKind::AddrInUse => anyhow::Error::new(error).context(format!(
            "bind({shown}) failed: something appeared at the path since I checked it"
        )),
        ErrorKind::NotFound => anyhow::Error::new(error).context(format!(
            "bind({shown}) failed: its directory does not exist"
        )),
        _ => anyhow::Error::new(error).context(format!("bind({shown}) failed")),
    })?;
    // From here on the file is ours: remove it when we are done, however that is.
    // A signal runs no destructor, so program-support's handler removes it on
    // Ctrl-C, SIGTERM and SIGHUP, with the same check that it is still ours.
    let socket_file = SocketFile::new(path)?;
    program_support::remove_on_stop_signal(path)
        .with_context(|| format!("lstat({shown}) after bind failed"))?;
    // os.chmod(path, 0o600): the kernel checks write permission on connect.
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod({shown}, {mode:04o}) failed"))?;
    // sk.listen(5): only now may clients connect.
    socket
        .listen(5)
        .with_context(|| format!("listen(5) on {shown} failed"))?;
    let listener = UnixListener::from(OwnedFd::from(socket));
    Ok((listener, socket_file))
}
// ANCHOR_END: listen

// ANCHOR: socket_file
/// The socket file this server created; removed when this value is dropped, which
/// happens when `run` returns, with `Ok` or with an error (or panics). Closing the
/// socket does not remove its file: the name stays until someone unlinks it.
struct SocketFile {
    path: PathBuf,
    /// The file's identity, so that we never remove a file that is not ours any more.
    dev_ino: (u64, u64),
}

impl SocketFile {
    fn new(path: &Path) -> Result<SocketFile> {
        let metadata = fs::symlink_metadata(path)
            .with_context(|| format!("lstat({}) after bind failed", path.display()))?;
        Ok(SocketFile {
            path: path.to_path_buf(),
            dev_ino: (metadata.dev(), metadata.ino()),
        })
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let shown = self.path.display();
        match fs::symlink_metadata(&self.path) {
            Ok(now) if (now.dev(), now.ino()) == self.dev_ino => {
                match fs::remove_file(&self.path) {
                    Ok(()) => println!("removed the socket file {shown}"),
                    Err(error) => eprintln!("could not remove the socket file {shown}: {error}"),
                }
            }
            // Someone removed or replaced it meanwhile: not ours to remove.
            _ => println!("the socket file {shown} is no longer ours; left as it is"),
        }
    }
}
// ANCHOR_END: socket_file

// ANCHOR: serve
/// The first article's exchange with one client: recv(1024), upper-case, send,
/// close. A client that hangs up without a word is reported and not counted:
/// another server's stale check does exactly that (see `clear_stale_socket`).
fn serve_one_client(listener: &UnixListener, path: &Path) -> Result<()> {
    let shown = path.display();
    loop {
        // conn, addr = sk.accept(): `addr` of a Unix client is usually unnamed
        // (Python shows ''), since clients rarely bind.
        let (mut conn, peer) = listener
            .accept()
            .with_context(|| format!("accept() on {shown} failed"))?;
        match peer.as_pathname() {
            Some(name) => println!("accept: a client bound to {}", name.display()),
            None => println!("accept: a client, addr '' (it has no name)"),
        }

        // read_data = conn.recv(1024)
        let mut buffer = [0u8; 1024];
        let n = conn
            .read(&mut buffer)
            .with_context(|| format!("recv(1024) on {shown} failed"))?;
        if n == 0 {
            println!(
                "recv(1024): 0 bytes: the client hung up without sending; waiting for another"
            );
            continue;
        }
        let read_data = &buffer[..n];
        // Bytes, shown escaped: nothing here needs them to be UTF-8.
        println!("recv(1024): {n} bytes: b\"{}\"", read_data.escape_ascii());

        // conn.send(read_data.upper())
        let reply = read_data.to_ascii_uppercase();
        conn.write_all(&reply).with_context(|| {
            format!("send on {shown} failed: the client hung up before taking its reply")
        })?;
        println!("send: {} bytes: b\"{}\"", reply.len(), reply.escape_ascii());
        // conn.close()
        return Ok(());
    }
}
// ANCHOR_END: serve
