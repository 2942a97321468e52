//! Hostile peers: the test plays the peer that real networks and real users are.
//!
//! A program that only ever met a polite client on an idle loopback has not met the
//! world. Each helper here is one kind of peer a grade can be:
//!
//! | peer                                   | helper                                  |
//! |----------------------------------------|-----------------------------------------|
//! | resets instead of closing (SO_LINGER 0) | [`reset`], [`connect_send_reset`]       |
//! | splits one message, one byte at a time  | [`Wire::send_split`], [`Wire::send_byte_at_a_time`] |
//! | merges several messages into one write  | [`Wire::send_merged`]                   |
//! | reads slowly / never reads (MiBs sent)  | [`connect_small_buffer`], [`Wire::read_slowly`], [`payload`] |
//! | connects and says nothing               | [`silent_client`]                       |
//! | is on `[::1]`                           | [`IPV6_LOOPBACK`], [`ipv6_listener`]    |
//! | whose SYN gets no answer (queue full)   | [`unanswered_address`]                  |
//! | a program with few file descriptors     | [`start_with_open_file_limit`]          |
//! | paths: symlinks, stale and live sockets | [`regular_file`], [`stale_socket`], [`live_socket`], [`symlink_to`] |
//!
//! And two ways to catch a program at the moment that matters: [`freeze`] stops it
//! (SIGSTOP) while peers connect, reset or leave, so they are all waiting for it
//! when it next looks; [`ListenSpy`] records the mode of a socket file at the
//! moment `listen()` makes it reachable.
//!
//! Every helper keeps the course's test rules: loopback and temp dirs only, a
//! deadline on every blocking call, no sleeping to wait for readiness. The only
//! pauses are the pacing of a slow peer, which is the behaviour under test.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, SockRef, Socket, Type};

#[cfg(unix)]
use crate::Program;
use crate::{DEADLINE, Running, Wire};

/// One mebibyte, to say "several MiB" plainly.
pub const MIB: usize = 1024 * 1024;

/// Resets `stream` instead of closing it politely: with SO_LINGER set to zero,
/// closing sends RST (not FIN), and the peer's next read or write fails with
/// ECONNRESET ("connection reset by peer").
pub fn reset(stream: TcpStream) {
    // If setting the option fails the close is merely polite; the test that
    // relies on the reset then fails on its own check, never hangs.
    let _ = SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// A client that connects to `addr`, sends `bytes` (maybe none), and resets.
pub fn connect_send_reset(addr: SocketAddr, bytes: &[u8]) -> io::Result<()> {
    let mut stream = TcpStream::connect_timeout(&addr, DEADLINE)?;
    stream.set_write_timeout(Some(DEADLINE))?;
    stream.write_all(bytes)?;
    reset(stream);
    Ok(())
}

/// A client that connects and says nothing, for as long as the value lives: a
/// server must not let it hold everyone else up forever.
pub fn silent_client(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, DEADLINE)?;
    stream.set_read_timeout(Some(DEADLINE))?;
    stream.set_write_timeout(Some(DEADLINE))?;
    Ok(stream)
}

/// Connects to `addr` with a small receive buffer (SO_RCVBUF set before connect, so
/// the window the kernel offers is small from the start) and deadlines set. While
/// the test does not read, a program writing to it soon fills the buffers and
/// blocks, or sees a partial `send()`; that is back-pressure.
pub fn connect_small_buffer(addr: SocketAddr, receive_buffer: usize) -> io::Result<TcpStream> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_recv_buffer_size(receive_buffer)?;
    socket.connect_timeout(&addr.into(), DEADLINE)?;
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(DEADLINE))?;
    stream.set_write_timeout(Some(DEADLINE))?;
    Ok(stream)
}

/// `len` bytes in a pattern that shows where a piece went missing or came twice
/// (byte `i` is `i % 251`, a prime, so the pattern does not line up with buffers).
pub fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// The first position where `got` differs from `payload(expected_len)`, in words,
/// or `None` when it is exactly the payload.
pub fn payload_mismatch(got: &[u8], expected_len: usize) -> Option<String> {
    let expected = payload(expected_len);
    if got == expected.as_slice() {
        return None;
    }
    let first = got
        .iter()
        .zip(&expected)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(expected_len));
    Some(format!(
        "{} bytes came of the {expected_len} sent; the first wrong or missing byte is at \
         offset {first}",
        got.len()
    ))
}

impl<S: Read + Write> Wire<S> {
    /// Sends `bytes` as many writes of `piece` bytes, `pause` apart, so the program
    /// sees the message arrive in pieces: one `recv()` is not one message.
    pub fn send_split(&mut self, bytes: &[u8], piece: usize, pause: Duration) -> io::Result<()> {
        self.transcript.note(format!(
            "the test sends the next {} bytes in writes of {piece}, {pause:?} apart",
            bytes.len()
        ));
        self.transcript.sent(bytes);
        for (i, chunk) in bytes.chunks(piece.max(1)).enumerate() {
            if i > 0 {
                // Pacing: this peer is slow on purpose; nothing waits for readiness.
                thread::sleep(pause);
            }
            self.stream.write_all(chunk)?;
            self.stream.flush()?;
        }
        Ok(())
    }

    /// [`Wire::send_split`] one byte at a time, 2 ms apart (on TCP set
    /// `TCP_NODELAY` first, as [`Wire::connect`] does, so each byte is a segment).
    pub fn send_byte_at_a_time(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.send_split(bytes, 1, Duration::from_millis(2))
    }

    /// Sends several messages in one write: the program may receive them in one
    /// `recv()`, and must still tell them apart.
    pub fn send_merged(&mut self, messages: &[&[u8]]) -> io::Result<()> {
        let all = messages.concat();
        self.transcript.note(format!(
            "the test sends the next {} messages in one write",
            messages.len()
        ));
        self.send(&all)
    }

    /// Reads `chunk` bytes at a time, `pause` apart, until `wanted` bytes came, the
    /// program closed, or the whole read took longer than `limit`. A slow reader: the
    /// program's writes must wait for it (back-pressure), not fail or drop bytes.
    pub fn read_slowly(
        &mut self,
        wanted: usize,
        chunk: usize,
        pause: Duration,
        limit: Duration,
    ) -> Vec<u8> {
        let start = Instant::now();
        let mut all = Vec::with_capacity(wanted);
        let mut buffer = vec![0; chunk.max(1)];
        while all.len() < wanted && start.elapsed() < limit {
            match self.stream.read(&mut buffer) {
                Ok(0) => {
                    self.transcript
                        .note("end of stream: the program closed the connection");
                    break;
                }
                Ok(n) => all.extend_from_slice(&buffer[..n]),
                Err(error) => {
                    self.transcript.note(format!("reading failed: {error}"));
                    break;
                }
            }
            thread::sleep(pause);
        }
        self.transcript.note(format!(
            "the test read slowly, {chunk} bytes at a time, {pause:?} apart"
        ));
        self.transcript.received(&all);
        all
    }
}

/// `[::1]:0`: a server asked to listen here must serve IPv6 clients, which a server
/// with `AF_INET` hard-coded cannot.
pub const IPV6_LOOPBACK: SocketAddr =
    SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));

/// A listener on `[::1]` and a port the kernel picks. Panics, saying why, when this
/// machine has no IPv6 loopback: the course's tests never skip silently.
pub fn ipv6_listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind(IPV6_LOOPBACK).unwrap_or_else(|e| {
        panic!(
            "this test needs IPv6 on loopback ([::1]), and binding [::1]:0 failed: {e}. \
             (Is IPv6 disabled, as in some containers? `sysctl net.ipv6.conf.lo.disable_ipv6`)"
        )
    });
    let addr = listener.local_addr().expect("getsockname()");
    (listener, addr)
}

/// A loopback address whose SYN gets no answer, for as long as this value lives: a
/// listener with a backlog of 0 whose accept queue is already full. The kernel drops
/// a SYN it has no room for (the client retries it, and its `connect()` hangs until
/// its own timeout), exactly what an overloaded or firewalled server looks like.
pub struct Unanswered {
    pub addr: SocketAddr,
    _listener: Socket,
    _queued: Vec<TcpStream>,
}

/// Makes an [`Unanswered`] address. Connections fill the queue until one probe's
/// SYN goes unanswered for 50 ms, so the result is checked, not assumed.
pub fn unanswered_address() -> Unanswered {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket()");
    let any: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    listener.bind(&any.into()).expect("bind 127.0.0.1:0");
    listener.listen(0).expect("listen(0)");
    let addr = listener
        .local_addr()
        .expect("getsockname()")
        .as_socket()
        .expect("an IP address");
    let mut queued = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(50)) {
            // Answered: it now sits in the accept queue, filling it.
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::WouldBlock => {
                return Unanswered {
                    addr,
                    _listener: listener,
                    _queued: queued,
                };
            }
            Err(e) => panic!("filling the accept queue of {addr}: connect failed: {e}"),
        }
    }
    panic!(
        "{addr}: the kernel answered 16 SYNs on a listener with backlog 0; cannot make an unanswered address here"
    );
}

/// Starts `program` with `args` under an open-file limit of `limit` (`ulimit -n`,
/// through `/bin/sh`), so `accept()` fails with EMFILE ("too many open files") once
/// the program holds `limit` descriptors. Stdin, stdout and stderr are three of them
/// and a listening socket the fourth: with `limit` 4 a server's first `accept()`
/// fails. (On Linux it fails at once, client or not: the kernel reserves the new
/// descriptor before `accept()` waits.) Waits for the `listening on ADDR` line.
#[cfg(unix)]
#[track_caller]
pub fn start_with_open_file_limit(
    program: &Program,
    limit: u32,
    args: &[&str],
) -> (Running, SocketAddr) {
    let shell = open_file_limit_shell(program, limit);
    let mut all = vec!["-c", SHELL_LIMIT_SCRIPT, &shell.1, program.path()];
    all.extend_from_slice(args);
    shell.0.start_server(&all)
}

/// Like [`start_with_open_file_limit`] without waiting for a first line.
#[cfg(unix)]
pub fn spawn_with_open_file_limit(program: &Program, limit: u32, args: &[&str]) -> Running {
    let shell = open_file_limit_shell(program, limit);
    let mut all = vec!["-c", SHELL_LIMIT_SCRIPT, &shell.1, program.path()];
    all.extend_from_slice(args);
    shell.0.spawn(&all)
}

/// `sh -c SCRIPT LIMIT PROGRAM ARGS...`: `$0` is the limit, `$@` the command. `exec`
/// keeps the process id, so killing the child kills the program itself.
#[cfg(unix)]
const SHELL_LIMIT_SCRIPT: &str = "ulimit -n \"$0\" && exec \"$@\"";

#[cfg(unix)]
fn open_file_limit_shell(program: &Program, limit: u32) -> (Program, String) {
    let mut shell = Program::new("/bin/sh", program.chapter);
    shell.package = program.package;
    (shell, limit.to_string())
}

/// The program stopped (SIGSTOP) until this value is dropped (SIGCONT). While it
/// is stopped the kernel still completes handshakes and queues data and resets for
/// it, so whatever peers do meanwhile is all there when it runs again: no race
/// between the peer and the program. (Unix only: elsewhere freezing does nothing,
/// and the peers race the program as they would without it.)
pub struct Frozen {
    #[cfg(unix)]
    pid: u32,
}

/// Stops `program` until the returned [`Frozen`] is dropped.
pub fn freeze(program: &Running) -> Frozen {
    #[cfg(unix)]
    {
        signal(program.id(), "STOP");
        Frozen { pid: program.id() }
    }
    #[cfg(not(unix))]
    {
        let _ = program;
        Frozen {}
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        #[cfg(unix)]
        signal(self.pid, "CONT");
    }
}

/// `kill -SIGNAL PID` through the shell's own `kill` (std has no kill(2) but
/// SIGKILL): present wherever `/bin/sh` is.
#[cfg(unix)]
fn signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("/bin/sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .expect("run /bin/sh");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Starts `program` with `args` and extra environment variables, through
/// `/usr/bin/env` (which `exec`s the program: same process id).
#[cfg(unix)]
pub fn spawn_with_env(program: &Program, env: &[(&str, &str)], args: &[&str]) -> Running {
    let mut through_env = Program::new("/usr/bin/env", program.chapter);
    through_env.package = program.package;
    let settings: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut all: Vec<&str> = settings.iter().map(String::as_str).collect();
    all.push(program.path());
    all.extend_from_slice(args);
    through_env.spawn(&all)
}

#[cfg(target_os = "linux")]
pub use self::listen_spy::ListenSpy;

/// Sees what a program's `listen()` calls find: for a Unix socket, the mode its
/// file has at the very moment it becomes reachable.
///
/// A socket file can be connected to once `listen()` has been called on it. A
/// server that wants the file private (mode 0600) must set the mode *before* that
/// moment: `bind`, `chmod`, then `listen`. `UnixListener::bind` then `chmod` leaves
/// a window in which anyone may connect, too short to catch by connecting, so the
/// test asks the program itself: a tiny shared library, loaded first with
/// `LD_PRELOAD`, stands in front of libc's `listen()`, writes down the socket's
/// path and file mode, and calls the real `listen()`. It is C, built with `cc` (the
/// linker Rust uses on Linux, so it is there wherever Rust builds programs), because
/// it must be a plain C shared library, and that is the shortest way to one.
#[cfg(target_os = "linux")]
mod listen_spy {
    use std::fs;
    use std::path::PathBuf;
    use std::process::Command;

    use crate::{Program, Running};

    const SOURCE: &str = r#"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

int listen(int fd, int backlog) {
    int (*real_listen)(int, int) = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
    struct sockaddr_un addr;
    socklen_t len = sizeof addr;
    const char *log = getenv("LISTEN_SPY_LOG");
    if (log && getsockname(fd, (struct sockaddr *)&addr, &len) == 0
        && addr.sun_family == AF_UNIX && addr.sun_path[0] != 0) {
        struct stat st;
        FILE *out = fopen(log, "a");
        if (out) {
            if (stat(addr.sun_path, &st) == 0)
                fprintf(out, "%o %s\n", (unsigned)(st.st_mode & 07777), addr.sun_path);
            else
                fprintf(out, "? %s\n", addr.sun_path);
            fclose(out);
        }
    }
    return real_listen(fd, backlog);
}
"#;

    /// The spy library and the log it writes, in a directory of their own.
    pub struct ListenSpy {
        dir: tempdir::Dir,
        library: PathBuf,
        log: PathBuf,
    }

    impl ListenSpy {
        /// Builds the spy (about 0.1 s with `cc`). Panics, saying why, without `cc`.
        pub fn build() -> ListenSpy {
            let dir = tempdir::Dir::new("listen-spy");
            let source = dir.0.join("listen_spy.c");
            let library = dir.0.join("listen_spy.so");
            fs::write(&source, SOURCE).expect("write the spy's source");
            let built = Command::new("cc")
                .args(["-shared", "-fPIC", "-o"])
                .arg(&library)
                .arg(&source)
                .arg("-ldl")
                .output()
                .unwrap_or_else(|e| {
                    panic!(
                        "this test needs a C compiler, `cc` (Rust's linker on Linux), to                          watch the program's listen(): {e}"
                    )
                });
            assert!(
                built.status.success(),
                "cc could not build the listen() spy: {}",
                String::from_utf8_lossy(&built.stderr)
            );
            let log = dir.0.join("listens.log");
            ListenSpy { dir, library, log }
        }

        /// Starts `program` with the spy in front of its `listen()`, under the
        /// common umask 022 (a new file's mode is 0777 minus the umask: 0755), so
        /// that a file not yet made private is seen as such whatever the caller's
        /// own umask is.
        pub fn spawn(&self, program: &Program, args: &[&str]) -> Running {
            let preload = format!("LD_PRELOAD={}", self.library.display());
            let log = format!("LISTEN_SPY_LOG={}", self.log.display());
            let mut shell = Program::new("/bin/sh", program.chapter);
            shell.package = program.package;
            let mut all = vec![
                "-c",
                "umask 022 && exec \"$@\"",
                "sh",
                "/usr/bin/env",
                &preload,
                &log,
                program.path(),
            ];
            all.extend_from_slice(args);
            shell.spawn(&all)
        }

        /// Every `listen()` on a Unix socket so far: the file's mode at that moment
        /// (`None` if it had no file) and its path.
        pub fn listens(&self) -> Vec<(Option<u32>, String)> {
            let _ = &self.dir;
            fs::read_to_string(&self.log)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    let (mode, path) = line.split_once(' ')?;
                    Some((u32::from_str_radix(mode, 8).ok(), path.to_string()))
                })
                .collect()
        }
    }

    /// A temporary directory removed on drop (test-support has no tempfile).
    mod tempdir {
        use std::path::PathBuf;
        use std::sync::atomic::{AtomicUsize, Ordering};

        pub struct Dir(pub PathBuf);

        impl Dir {
            pub fn new(name: &str) -> Dir {
                static COUNT: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "test-support-{name}-{}-{}",
                    std::process::id(),
                    COUNT.fetch_add(1, Ordering::SeqCst)
                ));
                std::fs::create_dir_all(&path).expect("make a temporary directory");
                Dir(path)
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}

#[cfg(unix)]
pub use self::paths::{live_socket, regular_file, stale_socket, symlink_to};

/// Paths a server is given that are not what it expects: a regular file, a socket
/// file nobody listens on, a live server's socket, and symlinks to each.
#[cfg(unix)]
mod paths {
    use std::fs;
    use std::os::unix::net::UnixListener;
    use std::path::{Path, PathBuf};

    /// A regular file at `dir/name` holding `contents`: someone's data, which a
    /// server must never delete to make room for its socket.
    pub fn regular_file(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, contents).expect("write a regular file");
        path
    }

    /// A socket file at `dir/name` with no server behind it, as a killed server
    /// leaves one: connecting to it is refused (ECONNREFUSED).
    pub fn stale_socket(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        drop(UnixListener::bind(&path).expect("bind a socket to leave behind"));
        path
    }

    /// A live server's socket at `dir/name`, listening as long as the listener
    /// lives: a server must not take its path over.
    pub fn live_socket(dir: &Path, name: &str) -> (PathBuf, UnixListener) {
        let path = dir.join(name);
        let listener = UnixListener::bind(&path).expect("bind a live socket");
        (path, listener)
    }

    /// A symlink at `dir/name` pointing to `target`.
    pub fn symlink_to(dir: &Path, name: &str, target: &Path) -> PathBuf {
        let path = dir.join(name);
        std::os::unix::fs::symlink(target, &path).expect("make a symlink");
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{accept_within, loopback_listener};

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Windows drops a connection reset before accept() (accept fails with WSAECONNRESET, as Microsoft documents); this test accepts after the reset, which Linux allows"
    )]
    fn a_reset_peer_makes_the_next_read_fail_with_connection_reset() {
        let (listener, addr) = loopback_listener();
        connect_send_reset(addr, b"x").unwrap();
        let (mut server_side, _) = accept_within(&listener).unwrap();
        let mut buffer = [0; 16];
        let mut saw_reset = false;
        for _ in 0..3 {
            match server_side.read(&mut buffer) {
                Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                    saw_reset = true;
                    break;
                }
                Ok(0) => break,
                _ => {}
            }
        }
        assert!(saw_reset, "a reset peer must give ECONNRESET, not EOF");
    }

    #[test]
    fn a_split_message_arrives_in_more_than_one_read() {
        let (listener, addr) = loopback_listener();
        let mut wire = Wire::connect(addr).unwrap();
        let (mut server_side, _) = accept_within(&listener).unwrap();
        let sender = thread::spawn(move || {
            wire.send_byte_at_a_time(b"hello").unwrap();
            wire
        });
        let mut reads = 0;
        let mut got = Vec::new();
        let mut buffer = [0; 64];
        while got.len() < 5 {
            let n = server_side.read(&mut buffer).unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buffer[..n]);
            reads += 1;
        }
        let wire = sender.join().unwrap();
        assert_eq!(got, b"hello");
        assert!(reads > 1, "five bytes 2 ms apart came in {reads} read");
        assert!(wire.transcript.to_string().contains("writes of 1"));
    }

    #[test]
    fn merged_messages_are_one_write() {
        let (listener, addr) = loopback_listener();
        let mut wire = Wire::connect(addr).unwrap();
        let (mut server_side, _) = accept_within(&listener).unwrap();
        wire.send_merged(&[b"one\n", b"two\n"]).unwrap();
        drop(wire);
        let mut got = Vec::new();
        server_side.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"one\ntwo\n");
    }

    #[test]
    fn a_reader_that_never_reads_blocks_a_writer_of_several_mib() {
        let (listener, addr) = loopback_listener();
        let client = connect_small_buffer(addr, 4096).unwrap();
        let (server_side, _) = accept_within(&listener).unwrap();
        server_side.set_nonblocking(true).unwrap();
        let data = payload(4 * MIB);
        let mut sent = 0;
        let mut server_side = server_side;
        loop {
            match server_side.write(&data[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
            assert!(
                sent < data.len(),
                "4 MiB fit in the buffers: no back-pressure"
            );
        }
        assert!(sent < 4 * MIB);
        // Now a slow reader takes it all, and every byte is there, in order.
        server_side.set_nonblocking(false).unwrap();
        let writer = thread::spawn(move || {
            server_side.write_all(&data[sent..]).unwrap();
        });
        let mut wire = Wire::new(client);
        let got = wire.read_slowly(4 * MIB, 256 * 1024, Duration::ZERO, DEADLINE);
        writer.join().unwrap();
        assert_eq!(payload_mismatch(&got, 4 * MIB), None);
    }

    #[test]
    fn a_silent_client_sends_nothing() {
        let (listener, addr) = loopback_listener();
        let _client = silent_client(addr).unwrap();
        let (server_side, _) = accept_within(&listener).unwrap();
        server_side
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let err = (&server_side).read(&mut [0; 8]).unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::WouldBlock | ErrorKind::TimedOut
        ));
    }

    #[test]
    fn an_ipv6_peer_talks_over_loopback() {
        let (listener, addr) = ipv6_listener();
        assert!(addr.is_ipv6());
        let mut wire = Wire::connect(addr).unwrap();
        let (mut server_side, peer) = accept_within(&listener).unwrap();
        assert!(peer.is_ipv6());
        wire.send(b"v6").unwrap();
        let mut got = [0; 2];
        server_side.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"v6");
    }

    #[test]
    fn an_unanswered_address_makes_connect_time_out() {
        let unanswered = unanswered_address();
        let start = Instant::now();
        let result = TcpStream::connect_timeout(&unanswered.addr, Duration::from_millis(100));
        let err = result.expect_err("the SYN should have gone unanswered");
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(100));
    }

    #[cfg(unix)]
    #[test]
    fn a_low_open_file_limit_reaches_the_program() {
        // The grades show the EMFILE itself with a real server; here, that the limit
        // is the one the started program runs under.
        let shell = Program::new("/bin/sh", "test-support");
        let mut child = spawn_with_open_file_limit(&shell, 5, &["-c", "ulimit -n"]);
        assert_eq!(child.next_line("the limit"), "5");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_listen_spy_sees_the_mode_at_the_moment_of_listen() {
        let spy = ListenSpy::build();
        let dir = std::env::temp_dir().join(format!("test-support-spy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dir = RemoveOnDrop(dir);
        let path = dir.path().join("s.sock");
        // python3 binds, listens with the file as it was made, then chmods: the spy
        // must see the first mode, not the last.
        let script = "import os,socket,sys\ns=socket.socket(socket.AF_UNIX)\n\
                      s.bind(sys.argv[1]); s.listen(1); os.chmod(sys.argv[1], 0o600)\nprint('done')";
        let python = Program::new("python3", "test-support");
        let mut run = spy.spawn(&python, &["-c", script, path.to_str().unwrap()]);
        assert_eq!(run.next_line("done"), "done");
        let listens = spy.listens();
        assert_eq!(listens, [(Some(0o755), path.display().to_string())]);
    }

    #[cfg(unix)]
    #[test]
    fn a_frozen_program_finds_every_peer_waiting_when_it_thaws() {
        let python = Program::new("python3", "test-support");
        let mut run = python.spawn(&[
            "-c",
            "import sys\nfor line in sys.stdin: print(line.strip().upper(), flush=True)",
        ]);
        {
            let _frozen = freeze(&run);
            run.stdin().write_all(b"a\nb\n").unwrap();
        }
        assert_eq!(run.next_line("A"), "A");
        assert_eq!(run.next_line("B"), "B");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_lead_to_a_file_a_stale_socket_and_a_live_one() {
        use std::os::unix::fs::FileTypeExt;
        use std::os::unix::net::UnixStream;
        // A private directory of our own (test-support has no tempfile dependency).
        let dir = std::env::temp_dir().join(format!("test-support-peers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dir = RemoveOnDrop(dir);
        let file = regular_file(dir.path(), "data", b"keep me");
        let to_file = symlink_to(dir.path(), "to-file", &file);
        assert!(std::fs::symlink_metadata(&to_file).unwrap().is_symlink());
        assert_eq!(std::fs::read(&to_file).unwrap(), b"keep me");

        let stale = stale_socket(dir.path(), "stale.sock");
        let to_stale = symlink_to(dir.path(), "to-stale", &stale);
        let refused = UnixStream::connect(&to_stale).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);

        let (live, _listener) = live_socket(dir.path(), "live.sock");
        let to_live = symlink_to(dir.path(), "to-live", &live);
        assert!(std::fs::metadata(&to_live).unwrap().file_type().is_socket());
        UnixStream::connect(&to_live).expect("a live socket through a symlink answers");
    }

    #[cfg(unix)]
    struct RemoveOnDrop(std::path::PathBuf);

    #[cfg(unix)]
    impl RemoveOnDrop {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    #[cfg(unix)]
    impl Drop for RemoveOnDrop {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
