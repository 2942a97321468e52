//! Python's `socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)`: sockets between
//! processes on one machine, named by a path in the file system instead of an IP
//! address and a port.
//!
//! Run it:
//!   cargo run -p unix-ipc                            the demo, in a temporary directory
//!   cargo run -p unix-ipc -- server PATH [--mode MODE]
//!   cargo run -p unix-ipc -- client PATH             sends a line read from stdin
//!
//! The server serves the first article's exchange to one client (one recv(1024),
//! the reply upper-cased, close), like crates/basic-server, over a socket file at
//! PATH. It creates the file with mode 0600 (only you may connect; `--mode 0660`
//! lets your group in too), replaces a stale socket file left by a server that was
//! killed, refuses to touch anything else at PATH, and removes its file when it
//! exits.
//!
//! The demo runs a server and a client as two processes (this program, started
//! twice), then shows a datagram pair, `socketpair()`, and on Linux a name in the
//! abstract namespace, which is not a file at all.
//!
//! AF_UNIX is a Unix family: on other systems this program only says so.

#[cfg(unix)]
mod client;
#[cfg(unix)]
mod demo;
#[cfg(unix)]
mod server;

use anyhow::Result;

#[cfg(unix)]
const USAGE: &str = "usage: unix-ipc [server PATH [--mode MODE] | client PATH]\n  \
    (no arguments: the demo; MODE is octal, 0600 by default)";

#[cfg(unix)]
fn main() -> Result<()> {
    use std::path::Path;

    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => demo::run(),
        ["server", path] => server::run(Path::new(path), server::DEFAULT_MODE),
        ["server", path, "--mode", mode] => server::run(Path::new(path), parse_mode(mode)?),
        ["client", path] => client::run(Path::new(path)),
        _ => program_support::usage_error("unknown or missing arguments"),
    }
}

/// An octal mode such as `0660` or `660`, for the socket file.
#[cfg(unix)]
fn parse_mode(text: &str) -> Result<u32> {
    use anyhow::bail;
    use program_support::usage_error;

    let Ok(mode) = u32::from_str_radix(text, 8) else {
        usage_error(format_args!(
            "--mode {text:?} is not an octal mode like 0660"
        ))
    };
    if mode > 0o777 {
        usage_error(format_args!(
            "--mode {text}: only the permission bits (at most 0777) make sense here"
        ));
    }
    if mode & 0o200 == 0 {
        bail!(
            "--mode {text}: the owner needs write permission (0200): connecting to a socket \
             file takes write permission, so not even you could use it"
        );
    }
    Ok(mode)
}

#[cfg(not(unix))]
fn main() -> Result<()> {
    program_support::Args::new("usage: unix-ipc   (AF_UNIX needs a Unix system)").finish();
    println!(
        "unix-ipc: AF_UNIX sockets are a Unix feature, and Rust's standard library offers \
         them (std::os::unix::net) only on Unix systems such as Linux and macOS. Run this \
         example there. (Windows 10 and later do have AF_UNIX sockets, but std does not \
         expose them.)"
    );
    Ok(())
}
