//! The other end, for a program traced alone: a client for a server (`--connect`),
//! a server for a client (`--serve`). Both speak the first article's protocol: a line
//! goes one way, its upper-cased copy comes back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long the peer waits for the program at each step.
const PATIENCE: Duration = Duration::from_secs(2);

/// Kills the program when the peer is done with it (or gives up).
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` as a server, waits for its `listening on ADDR` line (its output
/// is passed on as it comes), connects, sends "hello\n", reads the reply, closes.
pub fn connect_to(command: &[String]) -> Result<()> {
    let mut child = Command::new(&command[0])
        .args(&command[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", command[0]))?;
    let stdout = child.stdout.take().context("the program's stdout")?;
    let guard = Guard(child);
    // The server's lines come through a channel: those up to `listening on` are
    // printed at once, the rest after the exchange, so the two never interleave.
    let (lines, printed) = mpsc::channel();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let started = Instant::now();
    let addr = loop {
        let left = PATIENCE.saturating_sub(started.elapsed());
        let Ok(line) = printed.recv_timeout(left) else {
            bail!(
                "{} printed no `listening on ADDR` line within {PATIENCE:?}",
                command[0]
            );
        };
        println!("{line}");
        if let Some(addr) = line.strip_prefix("listening on ") {
            break addr
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    let addr: SocketAddr = addr
        .parse()
        .with_context(|| format!("bad address {addr:?}"))?;
    println!("peer: connect {addr}, send \"hello\\n\"");
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE)
        .with_context(|| format!("peer: connect {addr}"))?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.write_all(b"hello\n").context("peer: sendall")?;
    let mut reply = [0u8; 1024];
    match stream.read(&mut reply) {
        Ok(n) => println!("peer: got {:?}", String::from_utf8_lossy(&reply[..n])),
        Err(e) => println!("peer: no reply within {PATIENCE:?} ({e})"),
    }
    // Wait for the server's FIN (recv returns 0) before we close, so the close
    // always reads the same: the server's FIN first, then ours, which carries the
    // ACK of theirs. Closing at once would race the server's own close.
    let mut rest = [0u8; 1024];
    while let Ok(n) = stream.read(&mut rest) {
        if n == 0 {
            break;
        }
    }
    drop(stream); // our FIN
    thread::sleep(Duration::from_millis(50)); // let the server print its last line
    drop(guard); // stops the server: its stdout closes, the reader ends
    let _ = reader.join();
    println!("{} printed:", command[0]);
    for line in printed.try_iter() {
        println!("  {line}");
    }
    Ok(())
}

/// Listens on 127.0.0.1:0, starts `command` with that address as its last argument
/// and "hello\n" on its stdin, and upper-cases what it sends, until it closes.
pub fn serve(command: &[String]) -> Result<ExitStatus> {
    let listener = TcpListener::bind("127.0.0.1:0").context("peer: bind 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!(
        "peer: listening on {addr}; running {} {addr}",
        command.join(" ")
    );
    let mut child = Command::new(&command[0])
        .args(&command[1..])
        .arg(addr.to_string())
        .stdin(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", command[0]))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that died at once must not take the tracer with it (SIGPIPE).
        // SAFETY: signal() only changes this process's disposition for SIGPIPE.
        let before = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let _ = stdin.write_all(b"hello\n"); // then closed: the end of its input
        // SAFETY: as above, putting back what was there.
        unsafe { libc::signal(libc::SIGPIPE, before) };
    }
    let mut guard = Guard(child);
    listener.set_nonblocking(true)?;
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_read_timeout(Some(PATIENCE))?;
                // Whatever comes, upper-cased, as it comes (a line or not), until EOF.
                let mut chunk = [0u8; 1024];
                while let Ok(n @ 1..) = (&stream).read(&mut chunk) {
                    (&stream).write_all(&chunk[..n].to_ascii_uppercase())?;
                }
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if guard.0.try_wait()?.is_some() {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e).context("peer: accept"),
        }
    }
    while started.elapsed() < PATIENCE {
        if let Some(status) = guard.0.try_wait()? {
            return Ok(status);
        }
        thread::sleep(Duration::from_millis(5));
    }
    bail!(
        "{} was still running after {PATIENCE:?}: stopped",
        command[0]
    )
}
