//! Part 2, continued: a signal ends MSG_WAITALL's wait, too.
//!
//! Python retries a recv that a signal interrupted (PEP 475), but only when nothing
//! was received yet; a recv that has some bytes returns them, flag or no flag.
//! Rust's std retries nothing: an interrupted call is `ErrorKind::Interrupted`.
//!
//! A signal handler that does nothing is installed for SIGUSR1, without SA_RESTART,
//! and the signal is sent to the thread that waits in recv.

use std::os::unix::thread::JoinHandleExt;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::flags::{self, MSG_WAITALL};
use crate::loopback::{bytes, tcp_pair};

/// The handler: it only has to exist, so that the signal interrupts instead of kills.
extern "C" fn ignore(_signal: libc::c_int) {}

pub fn show() -> Result<()> {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; the handler
    // does nothing, so it is safe to run at any moment.
    let installed = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut())
    };
    if installed != 0 {
        return Err(std::io::Error::last_os_error()).context("sigaction(SIGUSR1) failed");
    }

    let (client, server) = tcp_pair()?;
    client.send(b"abc").context("send failed")?;
    // ANCHOR: signal
    let start = Instant::now();
    let waiter = thread::spawn(move || {
        let mut buf = [0u8; 10];
        flags::recv(&server, &mut buf, MSG_WAITALL).map(|n| buf[..n].to_vec())
    });
    thread::sleep(Duration::from_millis(100));
    // SAFETY: the thread is still running (it waits in recv until its 2 s timeout),
    // so its pthread_t is valid.
    unsafe {
        libc::pthread_kill(waiter.as_pthread_t(), libc::SIGUSR1);
    }
    let got = waiter
        .join()
        .map_err(|_| anyhow!("the receiving thread panicked"))?
        .context("recv(MSG_WAITALL) failed")?;
    println!(
        "   peer sent 3 bytes, a signal:  recv(10, MSG_WAITALL) returned {} bytes {} after {:.1?}",
        got.len(),
        bytes(&got),
        start.elapsed()
    );
    // ANCHOR_END: signal
    drop(client);
    Ok(())
}
