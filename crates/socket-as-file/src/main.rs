//! "Everything is a file": a socket is a file descriptor, and Rust lets you treat
//! it as one.
//!
//! Run it:  cargo run -p socket-as-file [ADDR]
//!
//! With no arguments it shows, by itself on loopback:
//!   1. open: a file and three sockets get their numbers (Python's `fileno()`) from
//!      the same table, and what Linux's /proc/self/fd says each number is;
//!   2. read and write: one function writes to a file and to a socket, another
//!      reads from both, since both are std::io::Read and std::io::Write;
//!   3. a std::fs::File made from the accepted socket: the same descriptor, a file
//!      whose type is "socket", written and read like any file, but with no position
//!      to seek to;
//!   4. close: dropping that File closes the socket, the peer reads EOF, and the
//!      next file opened gets the freed number.
//!
//! With ADDR it is a client that talks through a File: it connects to ADDR, shows
//! its socket's descriptor, sends one line from stdin and prints the reply, read
//! until the server closes. Try it against basic-server.
//!
//! File descriptors and /proc are Unix's (and /proc Linux's); on Windows a socket is
//! a SOCKET handle of its own kind, and the program says so.

use std::net::SocketAddr;

use anyhow::Result;

const USAGE: &str = "usage: socket-as-file [ADDR], for example: socket-as-file 127.0.0.1:9999";

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    match args.as_slice() {
        [] => unix::demo(),
        [addr] => unix::client(parse_addr(addr)?),
        _ => program_support::usage_error("unexpected arguments"),
    }
}

fn parse_addr(text: &str) -> Result<SocketAddr> {
    Ok(program_support::parse_addr(text, "127.0.0.1:9999"))
}

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io::{self, Read, Seek, SeekFrom, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::os::fd::{AsRawFd, OwnedFd, RawFd};
    use std::os::unix::fs::{FileTypeExt, MetadataExt};

    use anyhow::{Context, Result, bail};
    use connect_ex::errno_name;

    /// Part 1 to 4, on loopback.
    pub fn demo() -> Result<()> {
        println!("1. Open: a file and three sockets, numbered from one table");
        // ANCHOR: open
        // f = open(path, "w+"): a real file, in the temporary directory
        let (mut file, path) = tempfile::NamedTempFile::new()
            .context("creating a temporary file failed")?
            .into_parts();
        // sk = socket.socket(); sk.bind(("127.0.0.1", 0)); sk.listen()
        let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
        let addr = listener.local_addr().context("getsockname() failed")?;
        // client = socket.socket(); client.connect(addr)
        let mut client =
            TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
        // conn, _ = sk.accept()
        let (conn, _) = listener
            .accept()
            .with_context(|| format!("accept() on {addr} failed"))?;

        // f.fileno(), sk.fileno(), ...: as_raw_fd() is the number in the table
        show("open(path)", file.as_raw_fd());
        show("listen()", listener.as_raw_fd());
        show("connect()", client.as_raw_fd());
        show("accept()", conn.as_raw_fd());
        // ANCHOR_END: open

        println!("2. Read and write: the same two functions for a file and a socket");
        // ANCHOR: same_code
        send_line(&mut file, "a line for the file").context("write to the file failed")?;
        file.rewind().context("seek(0) on the file failed")?;
        let got = recv(&mut file).context("read from the file failed")?;
        println!(
            "   {:<37} -> {}",
            "send_line(file), seek(0), recv(file)",
            shown(&got)
        );

        let mut conn = conn;
        send_line(&mut client, "a line for the socket")
            .with_context(|| format!("send to {addr} failed"))?;
        let got = recv(&mut conn).with_context(|| format!("recv(1024) on {addr} failed"))?;
        println!(
            "   {:<37} -> {}",
            "send_line(client), recv(conn)",
            shown(&got)
        );
        // ANCHOR_END: same_code

        println!("3. A File made from the accepted socket");
        // ANCHOR: into_file
        // Safe conversions only: the TcpStream gives up its descriptor (OwnedFd),
        // and a File takes it over. No new descriptor, no copy.
        let fd = conn.as_raw_fd();
        let mut conn_file = File::from(OwnedFd::from(conn));
        show("File::from(..)", conn_file.as_raw_fd());
        // fstat(): the kernel's own answer to "what is this file?"
        let meta = conn_file
            .metadata()
            .context("fstat() on the socket failed")?;
        println!(
            "   metadata()      is_socket() is {}; ino() is the number in socket:[{}]",
            meta.file_type().is_socket(),
            meta.ino()
        );
        // Writing and reading the File is sending and receiving on the socket.
        send_line(&mut conn_file, "written through a File").context("write to the File failed")?;
        let got = recv(&mut client).with_context(|| format!("recv(1024) on {addr} failed"))?;
        println!(
            "   {:<37} -> {}",
            "send_line(File), recv(client)",
            shown(&got)
        );
        send_line(&mut client, "read through a File")
            .with_context(|| format!("send to {addr} failed"))?;
        let got = recv(&mut conn_file).context("read from the File failed")?;
        println!(
            "   {:<37} -> {}",
            "send_line(client), recv(File)",
            shown(&got)
        );
        // What a file has and a socket has not: a position to seek to.
        match conn_file.seek(SeekFrom::Start(0)) {
            Ok(_) => println!("   seek(0) on the File: succeeded, which a socket should not allow"),
            Err(error) => println!(
                "   seek(0) on the File: failed, {} (a socket has no position)",
                os_error(&error)
            ),
        }
        // ANCHOR_END: into_file

        println!("4. Close: dropping the File closes the socket");
        // ANCHOR: close
        // conn.close(): the descriptor is released, and the kernel tells the peer
        drop(conn_file);
        println!("   drop(File)      {}", after_close(fd));
        let n = client
            .read(&mut [0u8; 1024])
            .with_context(|| format!("recv(1024) from {addr} failed"))?;
        println!("   recv(client)    {n} bytes: EOF, the other end has closed");
        // The lowest free number goes to the next thing opened.
        let again = File::open(&path).with_context(|| format!("open({path:?}) failed"))?;
        show("open(path)", again.as_raw_fd());
        // ANCHOR_END: close
        Ok(())
    }

    // ANCHOR: functions
    /// Sends one line: the same code for a file and a socket, since both are Write.
    fn send_line(to: &mut impl Write, line: &str) -> io::Result<()> {
        to.write_all(format!("{line}\n").as_bytes())
    }

    /// Python's `recv(1024)`, or `f.read(1024)`: one read of at most 1024 bytes, the
    /// same code for a file and a socket, since both are Read.
    fn recv(from: &mut impl Read) -> io::Result<Vec<u8>> {
        let mut buffer = [0u8; 1024];
        let n = from.read(&mut buffer)?;
        Ok(buffer[..n].to_vec())
    }
    // ANCHOR_END: functions

    /// One row of part 1: the call, its descriptor, and what the kernel says it is.
    fn show(call: &str, fd: RawFd) {
        println!("   {call:<16}fileno() {fd}, {}", what_is(fd));
    }

    // ANCHOR: what_is
    /// What descriptor `fd` of this process is open on, as Linux's /proc shows it:
    /// a path for a file, `socket:[INODE]` for a socket.
    #[cfg(target_os = "linux")]
    fn what_is(fd: RawFd) -> String {
        let link = format!("/proc/self/fd/{fd}");
        match std::fs::read_link(&link) {
            Ok(target) => format!("{link} -> {}", target.display()),
            Err(error) => format!("{link}: {error}"),
        }
    }
    // ANCHOR_END: what_is

    #[cfg(not(target_os = "linux"))]
    fn what_is(_fd: RawFd) -> String {
        "(this system has no /proc/self/fd to say what it is; try lsof -p PID)".into()
    }

    /// Whether descriptor `fd` is gone from the table, as /proc shows it.
    #[cfg(target_os = "linux")]
    fn after_close(fd: RawFd) -> String {
        let link = format!("/proc/self/fd/{fd}");
        match std::fs::read_link(&link) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                format!("{link} no longer exists")
            }
            Ok(target) => format!("{link} still -> {}, not closed?", target.display()),
            Err(error) => format!("{link}: {error}"),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn after_close(fd: RawFd) -> String {
        format!("descriptor {fd} is closed")
    }

    /// With ADDR: a client that talks through a File made from its socket.
    pub fn client(addr: SocketAddr) -> Result<()> {
        // ANCHOR: client
        let stream = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
        println!(
            "connect({addr}): fileno() {}, {}",
            stream.as_raw_fd(),
            what_is(stream.as_raw_fd())
        );
        let mut sk = File::from(OwnedFd::from(stream));

        let mut line = String::new();
        io::stdin()
            .read_line(&mut line)
            .context("reading a line from stdin failed")?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            bail!("nothing to send: type a line (stdin was empty)");
        }
        // sk.sendall(line): write_all on the File
        sk.write_all(line.as_bytes())
            .with_context(|| format!("send to {addr} failed"))?;
        // Read until the server closes: read_to_end on the File, as on any file.
        let mut reply = Vec::new();
        sk.read_to_end(&mut reply)
            .with_context(|| format!("recv from {addr} failed"))?;
        if reply.is_empty() {
            bail!("{addr} closed the connection without a reply (recv returned 0 bytes)");
        }
        match String::from_utf8(reply) {
            Ok(text) => println!("{text}"),
            Err(error) => bail!(
                "the reply from {addr} is not UTF-8 text: {} ({})",
                shown(error.as_bytes()),
                error.utf8_error()
            ),
        }
        // ANCHOR_END: client
        Ok(())
    }

    /// Bytes as Python shows them: b"text\n".
    fn shown(bytes: &[u8]) -> String {
        format!("b\"{}\"", bytes.escape_ascii())
    }

    /// An OS error as `29 ESPIPE (Illegal seek)`.
    fn os_error(error: &io::Error) -> String {
        let Some(code) = error.raw_os_error() else {
            return error.to_string();
        };
        let name = errno_name(code).unwrap_or_else(|| "(no name)".into());
        let full = error.to_string();
        let message = full
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&full);
        format!("{code} {name} ({message})")
    }
}

/// Elsewhere (Windows): a socket is a SOCKET handle, not a file descriptor.
#[cfg(not(unix))]
mod unix {
    use std::net::{SocketAddr, TcpListener};

    use anyhow::{Context, Result};

    pub fn demo() -> Result<()> {
        let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
        #[cfg(windows)]
        {
            use std::os::windows::io::AsRawSocket;
            println!(
                "listener: SOCKET handle {} (as_raw_socket), Python's fileno()",
                listener.as_raw_socket()
            );
        }
        drop(listener);
        println!(
            "This demo needs Unix: it shows sockets as file descriptors, which Windows \
             keeps apart from files (a socket is a Winsock SOCKET handle, not a File)."
        );
        Ok(())
    }

    pub fn client(_addr: SocketAddr) -> Result<()> {
        anyhow::bail!("the client talks through a File made from its socket, which needs Unix")
    }
}
