//! A server's socket file, removed when the server stops, however it stops.
//!
//! Closing a Unix socket does not remove its file: the name stays until someone
//! unlinks it. A server that unlinks it in a destructor still leaves it behind when
//! Ctrl-C, SIGTERM or SIGHUP ends the process, since a signal runs no destructor.
//! So a claimed file is also recorded where a signal handler can find it: on one of
//! those signals the handler removes every claimed file that is still the one the
//! server created, then lets the signal end the process as it would have.

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::Once;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The signals a terminal or a service manager sends to stop a program.
const STOP_SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// A claimed file, as the signal handler needs it: no allocation, no lock.
struct Claim {
    path: CString,
    dev: u64,
    ino: u64,
}

/// Installs the signal handler once, with the first claim or child.
static HANDLER: Once = Once::new();

/// Child processes to stop with this program (see [`end_with_this_program`]).
static CHILDREN: [std::sync::atomic::AtomicI32; 8] =
    [const { std::sync::atomic::AtomicI32::new(0) }; 8];

/// Records a child process that must not outlive this program: when the program
/// stops on a closed stdout or on Ctrl-C, SIGTERM or SIGHUP, the child gets SIGTERM
/// (and, if it is a server of the course, removes its own socket file).
pub fn end_with_this_program(child: &std::process::Child) {
    HANDLER.call_once(install_handler);
    let Ok(pid) = i32::try_from(child.id()) else {
        return;
    };
    for entry in &CHILDREN {
        if entry
            .compare_exchange(0, pid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

/// An empty directory to remove when the program stops on a signal or a closed
/// stdout, after its children (a demo's temporary directory).
static DIRECTORY: AtomicPtr<CString> = AtomicPtr::new(ptr::null_mut());

/// Records the directory `path` (a demo's temporary directory, say) to be removed
/// if the program stops on a signal or a closed stdout, after its children are
/// gone. Only an empty directory is removed (rmdir), so nothing in it is lost.
pub fn remove_empty_dir_on_stop(path: &Path) {
    HANDLER.call_once(install_handler);
    if let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) {
        DIRECTORY.store(Box::into_raw(Box::new(c_path)), Ordering::SeqCst);
    }
}

/// Sends SIGTERM to every recorded child and waits (a second at most) for each to
/// end, so that it can remove its own socket file; then removes the recorded
/// directory if it is empty. Async-signal-safe: atomics, kill, waitpid, nanosleep,
/// rmdir.
pub(crate) fn end_children() {
    for entry in &CHILDREN {
        let pid = entry.swap(0, Ordering::SeqCst);
        if pid <= 0 {
            continue;
        }
        // SAFETY: kill(2) and waitpid(2) on a child this program started;
        // nanosleep on a timespec we own.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
            let pause = libc::timespec {
                tv_sec: 0,
                tv_nsec: 10_000_000,
            };
            for _ in 0..100 {
                if libc::waitpid(pid, ptr::null_mut(), libc::WNOHANG) != 0 {
                    break;
                }
                libc::nanosleep(&pause, ptr::null_mut());
            }
        }
    }
    let directory = DIRECTORY.swap(ptr::null_mut(), Ordering::SeqCst);
    if !directory.is_null() {
        // SAFETY: the CString is leaked, never freed; rmdir removes only an empty
        // directory.
        unsafe {
            libc::rmdir((*directory).as_ptr());
        }
    }
}

/// The claimed files. An entry is leaked on purpose: a handler may be reading it at
/// any moment, so it is never freed, only taken out of its slot.
static CLAIMS: [AtomicPtr<Claim>; 8] = [const { AtomicPtr::new(ptr::null_mut()) }; 8];

/// The socket file a server created at `path` (with `bind`). Dropping it removes the
/// file; so does Ctrl-C, SIGTERM or SIGHUP. Either way the file is removed only if
/// it is still the same file (same device and inode): one that another program put
/// at the path meanwhile is never ours to delete.
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
    dev_ino: (u64, u64),
    slot: Option<usize>,
    /// False once removed (or found not ours): nothing left to do on drop.
    pending: bool,
}

/// What [`SocketFile::remove`] did.
#[derive(Debug)]
pub enum Removal {
    /// The file was ours, and is gone.
    Removed,
    /// Something else is at the path now (or nothing is): left as it is.
    NotOurs,
    /// It was ours, but unlink failed.
    Failed(io::Error),
}

impl SocketFile {
    /// Claims the socket file just created at `path` by `bind`. Call it right after
    /// bind, before anything else can fail.
    pub fn claim(path: &Path) -> io::Result<SocketFile> {
        let found = fs::symlink_metadata(path)?;
        let dev_ino = (found.dev(), found.ino());
        let slot = CString::new(path.as_os_str().as_bytes())
            .ok()
            .and_then(|c_path| record(c_path, dev_ino));
        Ok(SocketFile {
            path: path.to_path_buf(),
            dev_ino,
            slot,
            pending: true,
        })
    }

    /// The path of the socket file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the file now, if it is still ours, and says what happened.
    pub fn remove(mut self) -> Removal {
        self.remove_now()
    }

    fn remove_now(&mut self) -> Removal {
        self.pending = false;
        if let Some(slot) = self.slot.take() {
            CLAIMS[slot].store(ptr::null_mut(), Ordering::SeqCst);
        }
        match fs::symlink_metadata(&self.path) {
            Ok(now) if (now.dev(), now.ino()) == self.dev_ino => {
                match fs::remove_file(&self.path) {
                    Ok(()) => Removal::Removed,
                    Err(error) => Removal::Failed(error),
                }
            }
            _ => Removal::NotOurs,
        }
    }
}

/// Records the socket file just created at `path` for the signal handler only: on
/// Ctrl-C, SIGTERM or SIGHUP it is removed if it is still this file. Removing it on
/// a normal exit stays the caller's job (an exercise's own `Drop`).
pub fn remove_on_stop_signal(path: &Path) -> io::Result<()> {
    let found = fs::symlink_metadata(path)?;
    if let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) {
        record(c_path, (found.dev(), found.ino()));
    }
    Ok(())
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if self.pending {
            if let Removal::Failed(error) = self.remove_now() {
                eprintln!(
                    "could not remove the socket file {}: {error}",
                    self.path.display()
                );
            }
        }
    }
}

/// Records a claim for the signal handler, and installs the handler the first time.
/// `None` if every slot is taken: the file is then removed on drop only.
fn record(path: CString, (dev, ino): (u64, u64)) -> Option<usize> {
    HANDLER.call_once(install_handler);
    let claim = Box::into_raw(Box::new(Claim { path, dev, ino }));
    for (slot, entry) in CLAIMS.iter().enumerate() {
        if entry
            .compare_exchange(ptr::null_mut(), claim, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return Some(slot);
        }
    }
    None
}

fn install_handler() {
    for signal in STOP_SIGNALS {
        // SAFETY: sigaction with a zeroed struct, an empty mask and a handler that
        // calls only async-signal-safe functions (lstat, unlink, raise).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            let mut previous: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, ptr::null(), &mut previous);
            // A signal the program's parent told it to ignore (nohup) stays ignored.
            if previous.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            action.sa_sigaction = on_stop_signal as extern "C" fn(libc::c_int) as usize;
            // SA_RESETHAND: the handler runs once; the signal raised again at its end
            // then does what it would have done without us, and ends the process.
            action.sa_flags = libc::SA_RESETHAND;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, ptr::null_mut());
        }
    }
}

extern "C" fn on_stop_signal(signal: libc::c_int) {
    remove_all_claimed();
    end_children();
    // SAFETY: raise is async-signal-safe. The signal is blocked until the handler
    // returns, then delivered with its default action: the process ends by it, and
    // its parent sees "killed by SIGTERM" as it would have without the handler.
    unsafe {
        libc::raise(signal);
    }
}

/// Removes every claimed file that is still the one its server created. Safe to call
/// from a signal handler: no allocation, no lock, only lstat and unlink.
pub(crate) fn remove_all_claimed() {
    for entry in &CLAIMS {
        let claim = entry.swap(ptr::null_mut(), Ordering::SeqCst);
        if claim.is_null() {
            continue;
        }
        // SAFETY: claims are leaked, never freed, so the pointer is valid; lstat
        // fills a zeroed stat we own.
        unsafe {
            let claim = &*claim;
            let mut now: libc::stat = std::mem::zeroed();
            if libc::lstat(claim.path.as_ptr(), &mut now) == 0
                && now.st_dev as u64 == claim.dev
                && now.st_ino as u64 == claim.ino
            {
                libc::unlink(claim.path.as_ptr());
            }
        }
    }
}
