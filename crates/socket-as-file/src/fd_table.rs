//! The process's table of open files: what a descriptor number is open on, as
//! Linux's /proc/self/fd shows it. `/proc/self` is always the process that asks.

use std::os::fd::RawFd;

/// One row of part 1: the call, its descriptor, and what the kernel says it is.
pub fn show(call: &str, fd: RawFd) {
    println!("   {call:<16}fileno() {fd}, {}", what_is(fd));
}

// ANCHOR: what_is
/// What descriptor `fd` of this process is open on, as Linux's /proc shows it:
/// a path for a file, `socket:[INODE]` for a socket.
#[cfg(target_os = "linux")]
pub fn what_is(fd: RawFd) -> String {
    let link = format!("/proc/self/fd/{fd}");
    match std::fs::read_link(&link) {
        Ok(target) => format!("{link} -> {}", target.display()),
        Err(error) => format!("{link}: {error}"),
    }
}
// ANCHOR_END: what_is

#[cfg(not(target_os = "linux"))]
pub fn what_is(_fd: RawFd) -> String {
    "(this system has no /proc/self/fd to say what it is; try lsof -p PID)".into()
}

/// Whether descriptor `fd` is gone from the table, as /proc shows it.
#[cfg(target_os = "linux")]
pub fn after_close(fd: RawFd) -> String {
    let link = format!("/proc/self/fd/{fd}");
    match std::fs::read_link(&link) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            format!("{link} no longer exists")
        }
        Ok(target) => format!("{link} still -> {}, not closed?", target.display()),
        Err(error) => format!("{link}: {error}"),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn after_close(fd: RawFd) -> String {
    format!("descriptor {fd} is closed")
}
