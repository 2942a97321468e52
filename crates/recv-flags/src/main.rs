//! The `flags` argument of Python's `recv`, `send`, `recvfrom` and `sendto`.
//!
//! Run it:  cargo run -p recv-flags              the demo, on loopback, by itself
//!          cargo run -p recv-flags -- PART      one part: peek, waitall, dontwait,
//!                                               trunc, oob or nosignal
//!
//! Both articles write `recv(bufsize[, flag])` and say the flag can usually be
//! ignored. This program shows what each common flag does, one part a file:
//!
//! 1. MSG_PEEK: look at what has arrived without taking it (peek.rs)
//! 2. MSG_WAITALL: wait for a full buffer, and when it returns less anyway (waitall.rs,
//!    signal.rs)
//! 3. MSG_DONTWAIT: one call that does not block, on a blocking socket (dontwait.rs)
//! 4. MSG_TRUNC: a datagram's true length; bytes thrown away on TCP (trunc.rs)
//! 5. MSG_OOB: TCP's one urgent byte (oob.rs)
//! 6. MSG_NOSIGNAL: a send to a closed connection, and SIGPIPE (nosignal.rs)
//!
//! Python passes a flag as the second argument: `sk.recv(1024, socket.MSG_PEEK)`.
//! Rust's std has two of them as methods (`TcpStream::peek`, `UdpSocket::peek_from`);
//! for the rest, socket2's `Socket` takes the flags as a number:
//! `recv_with_flags`, `recv_from_with_flags`, `send_with_flags`, `send_to_with_flags`.

#[cfg(unix)]
mod cpu_time;
#[cfg(unix)]
mod dontwait;
#[cfg(unix)]
mod flags;
#[cfg(unix)]
mod loopback;
#[cfg(unix)]
mod nosignal;
#[cfg(unix)]
mod oob;
#[cfg(unix)]
mod peek;
#[cfg(unix)]
mod signal;
#[cfg(unix)]
mod trunc;
#[cfg(unix)]
mod waitall;

use std::process::ExitCode;

const USAGE: &str = "usage: recv-flags [PART | --help]

With no argument, shows each flag of recv and send on loopback: MSG_PEEK,
MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC, MSG_OOB and MSG_NOSIGNAL (with SIGPIPE).
PART shows one of them: peek, waitall, dontwait, trunc, oob or nosignal.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => report(demo()),
        #[cfg(unix)]
        [part] if PARTS.iter().any(|(name, _)| name == part) => {
            let show = PARTS
                .iter()
                .find(|(name, _)| name == part)
                .map(|(_, show)| *show);
            report(show.map_or(Ok(()), |show| show()))
        }
        ["--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        // Not for people: part 6 starts this program again with this argument, to
        // meet SIGPIPE in a process of its own (see nosignal.rs).
        #[cfg(unix)]
        [nosignal::CHILD_ARG, how] => report(nosignal::child(how)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// A part of the demo: the name that runs it alone, and the function that shows it.
#[cfg(unix)]
type Part = (&'static str, fn() -> anyhow::Result<()>);

/// The parts, in the demo's order.
#[cfg(unix)]
const PARTS: [Part; 6] = [
    ("peek", peek::show),
    ("waitall", waitall::show),
    ("dontwait", dontwait::show),
    ("trunc", trunc::show),
    ("oob", oob::show),
    ("nosignal", nosignal::show),
];

#[cfg(unix)]
fn demo() -> anyhow::Result<()> {
    PARTS.iter().try_for_each(|(_, show)| show())
}

#[cfg(not(unix))]
fn demo() -> anyhow::Result<()> {
    // Windows has MSG_PEEK, MSG_OOB and MSG_WAITALL, with other rules (see the
    // chapter); the demo's runs are of Linux and macOS.
    println!(
        "This demo runs on Linux and macOS. On Windows, recv takes only MSG_PEEK, MSG_OOB \
         and MSG_WAITALL; the book's chapter \"The flags of recv and send\" says how \
         they differ there."
    );
    Ok(())
}
