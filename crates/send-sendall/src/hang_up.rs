//! Part 3: a peer that hangs up in the middle. The send fails with a clear error
//! (ECONNRESET, then EPIPE), and the program lives on: Rust ignores SIGPIPE.

use std::io::{self, Read, Write};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

use crate::support::{BIG, connected_pair, message, os_code};

/// How much the peer reads before it hangs up.
const BEFORE_HANGING_UP: usize = 64 << 10;
/// A safety net: if the peer's hang-up never reached us, give up.
const SAFETY_NET: Duration = Duration::from_secs(3);

/// Part 3: the peer reads a little, then hangs up while we are still sending.
pub fn peer_hangs_up() -> Result<()> {
    println!("3. A peer that hangs up in the middle");
    let (mut sk, mut peer, _addr) = connected_pair(None)?;
    let quitter = thread::spawn(move || -> io::Result<()> {
        let mut piece = vec![0u8; BEFORE_HANGING_UP];
        peer.read_exact(&mut piece)?;
        // Wait until more has arrived, so that the close finds unread data: then
        // the kernel answers with a reset (RST) rather than a polite FIN.
        peer.peek(&mut [0u8; 1])?;
        drop(peer); // conn.close(), with bytes left unread
        Ok(())
    });
    sk.set_write_timeout(Some(SAFETY_NET))
        .context("set_write_timeout failed")?;
    let data = message(BIG);

    // ANCHOR: hang_up
    // sk.sendall(data), and the peer closes after reading 64 KiB of it
    match sk.write_all(&data) {
        Ok(()) => println!("   sendall() sent everything, although the peer hung up?"),
        Err(error) => println!(
            "   sendall() failed: kind {:?}, OS code {}: {error}",
            error.kind(),
            os_code(&error)
        ),
    }
    // sk.send(b"more"): the connection is gone for good
    match sk.write(b"more") {
        Ok(n) => println!("   send() again sent {n} bytes?"),
        Err(error) => println!(
            "   send() again:   kind {:?}, OS code {}: {error}",
            error.kind(),
            os_code(&error)
        ),
    }
    if cfg!(windows) {
        println!(
            "   ...and this program is still running: Windows has no SIGPIPE, so a send to\n   \
             a closed connection is always an error to handle"
        );
    } else {
        println!(
            "   ...and this program is still running: Rust ignores SIGPIPE, so a send to a\n   \
             closed connection is an error to handle, not a signal that kills the process"
        );
    }
    // ANCHOR_END: hang_up
    quitter
        .join()
        .map_err(|_| anyhow!("the quitting peer's thread panicked"))?
        .context("the quitting peer's recv failed")?;
    Ok(())
}
