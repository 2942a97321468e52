//! The flags as numbers, and one safe way to call socket2's receive functions with
//! a plain `[u8]` buffer.
//!
//! Python's `socket.MSG_PEEK` is the C header's number, and so is `libc::MSG_PEEK`.
//! The numbers differ between systems (MSG_WAITALL is 0x100 on Linux, 0x40 on macOS,
//! 0x8 on Windows): always use the name, never the number.

use std::io;
use std::mem::MaybeUninit;

use socket2::Socket;
#[cfg(target_os = "linux")]
use socket2::{MaybeUninitSlice, RecvFlags, SockAddr};

pub use libc::{MSG_DONTWAIT, MSG_OOB, MSG_PEEK, MSG_WAITALL};
#[cfg(target_os = "linux")]
pub use libc::{MSG_NOSIGNAL, MSG_TRUNC};

/// `sk.recv(len(buf), flags)`: socket2's `recv_with_flags`, into bytes we can read.
pub fn recv(sk: &Socket, buf: &mut [u8], flags: i32) -> io::Result<usize> {
    sk.recv_with_flags(uninit(buf), flags)
}

/// `data, ancdata, msg_flags, addr = sk.recvmsg(len(buf))`: socket2's
/// `recv_from_vectored`, which calls recvmsg and returns the flags the kernel set.
#[cfg(target_os = "linux")]
pub fn recvmsg(sk: &Socket, buf: &mut [u8]) -> io::Result<(usize, RecvFlags, SockAddr)> {
    sk.recv_from_vectored(&mut [MaybeUninitSlice::new(uninit(buf))])
}

/// socket2 takes `[MaybeUninit<u8>]`, so that a buffer need not be zeroed first. Its
/// documentation promises that `recv` never writes uninitialised bytes into it, which
/// is what makes handing it our initialised bytes sound.
fn uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: MaybeUninit<u8> has the same layout as u8, and socket2's recv functions
    // only ever write initialised bytes (see `Socket::recv`'s documentation), so the
    // bytes stay initialised for the caller.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}
