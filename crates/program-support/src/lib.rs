//! What every program of the course shares, and no lesson is about.
//!
//! A course program starts with [`Args::new`] (or [`start`], for a program without
//! arguments). That one call gives it the manners a command-line tool owes its user:
//!
//! * `--help` (or `-h`) prints the usage and exits 0; a bad or extra argument prints
//!   what is wrong and the usage on stderr, and exits 2; numbers are range-checked,
//!   so no argument can overflow a calculation or ask for an absurd allocation;
//! * a closed stdout (`program | head -1`) ends the program quietly, with status 0,
//!   instead of a panic about a broken pipe;
//! * an error returned from `main` prints the same whatever `RUST_BACKTRACE` says:
//!   the message and its causes, not 20 frames of backtrace (`RUST_LIB_BACKTRACE=1`
//!   still asks for one, for debugging);
//!
//! and, for a server on a Unix socket file, [`SocketFile`] removes that file when the
//! server stops: when it returns, and on Ctrl-C, SIGTERM and SIGHUP too, but only if
//! the file at the path is still the one the server created.

mod args;
#[cfg(unix)]
mod socket_file;

pub use args::{Args, arguments, parse_addr, parse_number, usage_error};
#[cfg(unix)]
pub use socket_file::{
    Removal, SocketFile, end_with_this_program, remove_empty_dir_on_stop, remove_on_stop_signal,
};

use std::sync::Once;

/// Installs what [`Args::new`] installs, for a program that takes no arguments.
/// Call it first thing in `main`, before any thread starts.
pub fn start() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        quiet_backtraces();
        quiet_closed_stdout();
    });
}

/// `main` returning `Err(anyhow::Error)` prints the error with `{:?}`, which
/// includes a backtrace when one was captured, and anyhow captures one whenever
/// `RUST_BACKTRACE` is set. Errors here are for users, not for debugging the program,
/// so capture none unless `RUST_LIB_BACKTRACE` asks for one explicitly.
fn quiet_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: called from `start`, first thing in `main`, before the program
        // starts any thread that could read the environment at the same time.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
}

/// `println!` panics when stdout is a pipe whose reader has gone (`| head`). Turn
/// that one panic into a quiet exit: the reader asked for no more output, which is
/// not an error. Every other panic is reported as usual.
fn quiet_closed_stdout() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && is_broken_pipe(message) {
            #[cfg(unix)]
            {
                socket_file::remove_all_claimed();
                socket_file::end_children();
            }
            std::process::exit(0);
        }
        report(info);
    }));
}

fn is_broken_pipe(message: &str) -> bool {
    let broken = std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string();
    // "Broken pipe (os error 32)" on Unix, "The pipe is being closed. (os error 232)"
    // on Windows; the kind's own words as a fallback.
    message.contains("Broken pipe")
        || message.contains("os error 232")
        || message.contains("pipe is being closed")
        || message.contains(&broken)
}
