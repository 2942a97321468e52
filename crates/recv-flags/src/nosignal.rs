//! Part 6, MSG_NOSIGNAL: a send on a connection the peer has closed, and SIGPIPE.
//!
//! Python: `sk.send(data, socket.MSG_NOSIGNAL)` (Linux). Python itself ignores
//!         SIGPIPE from the start, so its send raises BrokenPipeError instead.
//! Rust:   `Socket::send_with_flags(data, MSG_NOSIGNAL)` in socket2. A Rust program
//!         also starts with SIGPIPE ignored, and std's own TcpStream passes
//!         MSG_NOSIGNAL on Linux, which part 6 shows by a run.
//!
//! SIGPIPE's default action is to kill the process, and that is what a C program, or
//! a Rust program that has put the default back, meets. This part runs such a program:
//! itself, started again with `CHILD_ARG`, which restores the default before it sends.

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use anyhow::{Context, Result, bail};
use socket2::Socket;

use crate::loopback::tcp_pair;

/// The hidden first argument that makes this program the child of part 6.
pub const CHILD_ARG: &str = "--sigpipe-child";

pub fn show() -> Result<()> {
    println!("6. MSG_NOSIGNAL: sending to a closed connection, and SIGPIPE");
    // In this process, as in any Rust or Python program, SIGPIPE is ignored.
    let outcome = send_until_it_fails(|client| client.send_with_flags(b"x", 0))?;
    println!("   this process (SIGPIPE ignored, as Rust and Python do): {outcome}");

    // ANCHOR: children
    // The same send in a process where SIGPIPE has its default action, as in C.
    for (how, what) in [
        ("plain", "send(b\"x\")              "),
        ("nosignal", "send(b\"x\", MSG_NOSIGNAL)"),
        ("std", "std's TcpStream::write_all"),
    ] {
        let exe = std::env::current_exe().context("current_exe() failed")?;
        let out = Command::new(&exe)
            .args([CHILD_ARG, how])
            .output()
            .with_context(|| format!("could not start {}", exe.display()))?;
        let said = String::from_utf8_lossy(&out.stdout);
        let ended = match (out.status.code(), out.status.signal()) {
            (_, Some(libc::SIGPIPE)) => {
                "killed by SIGPIPE (signal 13), before it could say a word".to_string()
            }
            (Some(0), _) => format!("{} and exited 0", said.trim()),
            _ => format!("ended with {}: {}", out.status, said.trim()),
        };
        println!("   SIGPIPE at its default, {what}: {ended}");
    }
    // ANCHOR_END: children
    Ok(())
}

/// The child: put SIGPIPE's default action back, then send on a closed connection.
pub fn child(how: &str) -> Result<()> {
    // ANCHOR: default
    // SAFETY: signal() with SIG_DFL installs no handler of ours, and this process has
    // one thread so far: nothing else can be changing signal dispositions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // ANCHOR_END: default
    let outcome = match how {
        "plain" => send_until_it_fails(|client| client.send_with_flags(b"x", 0))?,
        #[cfg(target_os = "linux")]
        "nosignal" => {
            send_until_it_fails(|client| client.send_with_flags(b"x", crate::flags::MSG_NOSIGNAL))?
        }
        #[cfg(not(target_os = "linux"))]
        "nosignal" => "MSG_NOSIGNAL is Linux's: macOS uses the SO_NOSIGPIPE option".into(),
        "std" => send_until_it_fails(|client| {
            let stream = TcpStream::from(client.try_clone()?);
            (&stream).write_all(b"x").map(|()| 1)
        })?,
        _ => bail!("{CHILD_ARG}: unknown case {how:?}"),
    };
    println!("{outcome}");
    Ok(())
}

/// Closes the server's end of a fresh connection, then sends from the client's end
/// until a send fails, and says how it failed. The first send usually succeeds: the
/// closed end answers it with a reset (RST), and the next send meets EPIPE.
fn send_until_it_fails(send: impl Fn(&Socket) -> std::io::Result<usize>) -> Result<String> {
    let (client, server) = tcp_pair()?;
    drop(server);
    for _ in 0..100 {
        match send(&client) {
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(error) if error.kind() == ErrorKind::BrokenPipe => {
                return Ok(format!(
                    "send failed with EPIPE: {error} (kind {:?})",
                    error.kind()
                ));
            }
            Err(error) => return Ok(format!("send failed: {error} (kind {:?})", error.kind())),
        }
    }
    bail!("100 sends to a closed connection all succeeded")
}
