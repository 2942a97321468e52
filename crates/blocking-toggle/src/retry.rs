//! Calls that may say WouldBlock: timing them, retrying them, and naming the error
//! as Rust and the OS each name it.

use std::io::{self, ErrorKind};
use std::thread;
use std::time::{Duration, Instant};

/// The pause between two tries of a call that said WouldBlock. With no way yet to
/// ask the kernel "wake me when this socket is ready" (a later lesson), a program
/// can only try again; the pause keeps it from burning a CPU while it does.
const RETRY_PAUSE: Duration = Duration::from_millis(1);

/// What Unix calls the error (EWOULDBLOCK is the same number on Linux and macOS).
#[cfg(unix)]
const WOULD_BLOCK_NAME: &str = "EAGAIN";
/// What Windows calls the error.
#[cfg(not(unix))]
const WOULD_BLOCK_NAME: &str = "WSAEWOULDBLOCK";

/// Runs `call` and measures how long it took.
pub fn timed<T>(call: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = call();
    (result, start.elapsed())
}

/// Calls `call` until it stops saying WouldBlock: what a program without a
/// readiness API must do. Returns the result, how long the last call took, and
/// how many calls it made.
pub fn retry<T>(mut call: impl FnMut() -> io::Result<T>) -> (io::Result<T>, Duration, u32) {
    let mut tries = 0;
    loop {
        tries += 1;
        match timed(&mut call) {
            (Err(e), _) if e.kind() == ErrorKind::WouldBlock => thread::sleep(RETRY_PAUSE),
            (Err(e), _) if e.kind() == ErrorKind::Interrupted => {}
            (result, took) => return (result, took, tries),
        }
    }
}

/// A WouldBlock error as the lesson shows it: Rust's name, then the OS's own.
pub fn would_block(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => format!("{:?} (OS code {code}, {WOULD_BLOCK_NAME})", e.kind()),
        None => format!("{:?}", e.kind()),
    }
}
