//! The demo: everything AF_UNIX offers, in a temporary directory, in a second.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{SocketAddr, UnixDatagram, UnixStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// How long any read in the demo may wait; everything it reads is already there or
/// on its way, so this only stops a broken run from hanging.
const PATIENCE: Duration = Duration::from_secs(5);

pub fn run() -> Result<()> {
    // A fresh directory, such as /tmp/.tmpAbC123, removed with all in it at the end.
    let dir = tempfile::tempdir().context("creating a temporary directory failed")?;
    // Stopped by a signal or a closed stdout, the demo runs no destructor: then
    // program-support removes the socket files and, once empty, the directory.
    program_support::remove_empty_dir_on_stop(dir.path());
    two_processes(dir.path())?;
    datagrams(dir.path())?;
    socketpair()?;
    abstract_name(dir.path())?;
    Ok(())
}

/// Part 1: this program started twice, as `server PATH` and as `client PATH`.
fn two_processes(dir: &Path) -> Result<()> {
    println!("1. socket(AF_UNIX, SOCK_STREAM): a server and a client, two processes");
    let path = dir.join("upper.sock");
    let shown = path.display();
    let me = std::env::current_exe().context("finding this program's own file failed")?;

    let mut server = Started::new(
        Command::new(&me)
            .arg("server")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "server",
    )?;
    let mut server_out = BufReader::new(server.0.stdout.take().context("the server's stdout")?);
    let mut first = String::new();
    server_out
        .read_line(&mut first)
        .context("reading the server's first line failed")?;
    if first.is_empty() {
        bail!("the server exited before listening: {}", server.stderr());
    }
    println!("   server | {}", first.trim_end());

    // ANCHOR: ls
    // os.lstat(path): the socket is a file now, of its own type.
    let metadata = fs::symlink_metadata(&path).with_context(|| format!("lstat({shown}) failed"))?;
    println!(
        "   ls -l: {} {shown}  (a socket file: mode {:04o}, so only its owner may connect)",
        ls_mode(&metadata),
        metadata.permissions().mode() & 0o777
    );
    // ANCHOR_END: ls

    let mut client = Started::new(
        Command::new(&me)
            .arg("client")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "client",
    )?;
    let typed = "hello from another process";
    client
        .0
        .stdin
        .take()
        .context("the client's stdin")?
        .write_all(format!("{typed}\n").as_bytes())
        .context("typing into the client failed")?;
    println!("   client < {typed}   (typed on its stdin)");
    let client_status = client.0.wait().context("waiting for the client failed")?;
    let mut client_out = String::new();
    client
        .0
        .stdout
        .take()
        .context("the client's stdout")?
        .read_to_string(&mut client_out)
        .context("reading the client's output failed")?;

    // The server's other lines, once it has exited, so the two never interleave.
    let mut server_rest = String::new();
    server_out
        .read_to_string(&mut server_rest)
        .context("reading the server's output failed")?;
    let server_status = server.0.wait().context("waiting for the server failed")?;
    for line in server_rest.lines() {
        println!("   server | {line}");
    }
    for line in client_out.lines() {
        println!("   client | {line}");
    }
    if !client_status.success() {
        bail!("the client failed: {}", client.stderr());
    }
    if !server_status.success() {
        bail!("the server failed: {}", server.stderr());
    }
    println!(
        "   both have exited; is {shown} still there? {}",
        fs::symlink_metadata(&path).is_ok()
    );
    Ok(())
}

/// A child process that is killed if the demo stops early.
struct Started(Child, &'static str);

impl Started {
    fn new(command: &mut Command, what: &'static str) -> Result<Started> {
        let child = command
            .spawn()
            .with_context(|| format!("starting the {what} failed"))?;
        // Drop kills it; so does program-support if this demo is stopped by a
        // signal or a closed stdout, which run no destructor.
        program_support::end_with_this_program(&child);
        Ok(Started(child, what))
    }

    /// What the child wrote on stderr (once it has exited).
    fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.0.stderr.take() {
            let _ = stderr.read_to_string(&mut text);
        }
        format!("the {} said: {}", self.1, text.trim_end())
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `srw-------`, as `ls -l` shows a socket file with mode 0600.
fn ls_mode(metadata: &fs::Metadata) -> String {
    let kind = metadata.file_type();
    let mut text = String::from(if kind.is_socket() {
        's'
    } else if kind.is_dir() {
        'd'
    } else {
        '-'
    });
    let mode = metadata.permissions().mode();
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 0o7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    text
}

/// The path of a Unix socket address; `None` when the socket has no name.
fn path_of(address: &SocketAddr) -> Option<String> {
    address.as_pathname().map(|path| path.display().to_string())
}

/// Part 2: datagrams between two named sockets, and from an unnamed one.
fn datagrams(dir: &Path) -> Result<()> {
    println!("2. socket(AF_UNIX, SOCK_DGRAM): datagrams, sendto and recvfrom");
    // ANCHOR: datagrams
    let a_path = dir.join("a.dgram");
    let b_path = dir.join("b.dgram");
    // a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); a.bind(a_path)
    let a = UnixDatagram::bind(&a_path)
        .with_context(|| format!("bind({}) failed", a_path.display()))?;
    let b = UnixDatagram::bind(&b_path)
        .with_context(|| format!("bind({}) failed", b_path.display()))?;
    for path in [&a_path, &b_path] {
        program_support::remove_on_stop_signal(path)
            .with_context(|| format!("lstat({}) after bind failed", path.display()))?;
    }
    b.set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    // a.sendto(b'one', b_path); a.sendto(b'two', b_path)
    for data in [&b"one"[..], b"two"] {
        a.send_to(data, &b_path)
            .with_context(|| format!("sendto({}) failed", b_path.display()))?;
    }
    println!("   a.sendto(b\"one\", b), then a.sendto(b\"two\", b)");
    // data, addr = b.recvfrom(1024): one datagram per call, whole, in order.
    let mut buffer = [0u8; 1024];
    for _ in 0..2 {
        let (n, from) = b.recv_from(&mut buffer).context("recvfrom(1024) failed")?;
        let from = path_of(&from).unwrap_or_else(|| "an unnamed socket".into());
        println!(
            "   b.recvfrom(1024): b\"{}\" from {from}",
            buffer[..n].escape_ascii()
        );
    }
    // A socket that never called bind() has no name: it can send, but nobody can
    // answer it.
    let c = UnixDatagram::unbound().context("socket(AF_UNIX, SOCK_DGRAM) failed")?;
    c.send_to(b"who am I?", &b_path)
        .with_context(|| format!("sendto({}) failed", b_path.display()))?;
    let (n, from) = b.recv_from(&mut buffer).context("recvfrom(1024) failed")?;
    let from = path_of(&from).unwrap_or_else(|| "None: a sender with no name, so no reply".into());
    println!(
        "   b.recvfrom(1024): b\"{}\" from {from}",
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: datagrams
    Ok(())
}

/// Part 3: Python's socket.socketpair(), std's UnixStream::pair().
fn socketpair() -> Result<()> {
    println!("3. socket.socketpair(): two sockets connected to each other, no name at all");
    // ANCHOR: pair
    // left, right = socket.socketpair()
    let (mut left, mut right) = UnixStream::pair().context("socketpair() failed")?;
    right
        .set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    left.set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    let left_name = left.local_addr().context("getsockname() failed")?;
    let left_name =
        path_of(&left_name).unwrap_or_else(|| "'' (no name: no file, no address)".into());
    println!("   left.getsockname(): {left_name}");
    let mut buffer = [0u8; 1024];
    left.write_all(b"ping").context("send on the pair failed")?;
    let n = right.read(&mut buffer).context("recv on the pair failed")?;
    println!(
        "   left.send(b\"ping\"); right.recv(1024): b\"{}\"",
        buffer[..n].escape_ascii()
    );
    right
        .write_all(b"pong")
        .context("send on the pair failed")?;
    let n = left.read(&mut buffer).context("recv on the pair failed")?;
    println!(
        "   right.send(b\"pong\"); left.recv(1024): b\"{}\"",
        buffer[..n].escape_ascii()
    );
    // ANCHOR_END: pair
    Ok(())
}

/// Part 4: a name in Linux's abstract namespace, which is not a file.
#[cfg(target_os = "linux")]
fn abstract_name(dir: &Path) -> Result<()> {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::UnixListener;

    println!("4. Linux's abstract namespace: a socket name that is not a file");
    // ANCHOR: abstract
    // A name that looks like a path (the temporary directory's, so that it is
    // unique), but no file will be made for it.
    let name = format!("{}/abstract", dir.display());
    // sk.bind('\0' + name): a name that starts with a NUL byte is abstract.
    let address = SocketAddr::from_abstract_name(name.as_bytes())
        .with_context(|| format!("the abstract name @{name}"))?;
    let listener =
        UnixListener::bind_addr(&address).with_context(|| format!("bind(@{name}) failed"))?;
    println!("   bind('\\0{name}'): listening on @{name}");
    println!(
        "   is there a file at {name}? {}",
        fs::symlink_metadata(&name).is_ok()
    );

    let mut client =
        UnixStream::connect_addr(&address).with_context(|| format!("connect(@{name}) failed"))?;
    client
        .set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    client
        .write_all(b"no file needed")
        .with_context(|| format!("send to @{name} failed"))?;
    // The connection is queued, so accept() returns at once.
    let (mut conn, _) = listener
        .accept()
        .with_context(|| format!("accept() on @{name} failed"))?;
    let mut buffer = [0u8; 1024];
    let n = conn
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) on @{name} failed"))?;
    conn.write_all(&buffer[..n].to_ascii_uppercase())
        .with_context(|| format!("send on @{name} failed"))?;
    let n = client
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from @{name} failed"))?;
    println!(
        "   connect('\\0{name}'), send, recv(1024): b\"{}\"",
        buffer[..n].escape_ascii()
    );

    // Closing the last socket that holds the name frees it: no stale file, ever.
    drop((conn, listener));
    match UnixStream::connect_addr(&address) {
        Err(error) => {
            println!("   after close, connect('\\0{name}'): {error}: the name went with the socket")
        }
        Ok(_) => {
            bail!("connect(@{name}) still works after the listener closed?");
        }
    }
    // ANCHOR_END: abstract
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn abstract_name(_dir: &Path) -> Result<()> {
    println!("4. Linux's abstract namespace: skipped, this system has none (it is Linux-only)");
    Ok(())
}
