//! The demo: everything AF_UNIX offers, in a temporary directory, in a second.
//! Each part is a file of its own in `demo/`.

mod abstract_name;
mod datagrams;
mod pair;
mod processes;

use std::os::unix::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};

use abstract_name::abstract_name;
use datagrams::datagrams;
use pair::socketpair;
use processes::two_processes;

/// How long any read in the demo may wait; everything it reads is already there or
/// on its way, so this only stops a broken run from hanging.
const PATIENCE: Duration = Duration::from_secs(5);

pub fn run() -> Result<()> {
    // A fresh directory, such as /tmp/.tmpAbC123, removed with all in it at the end.
    let dir = tempfile::tempdir().context("creating a temporary directory failed")?;
    // Stopped by a signal or a closed stdout, the demo runs no destructor: then
    // program-support removes the socket files and, once empty, the directory.
    program_support::remove_empty_dir_on_stop(dir.path());
    two_processes(dir.path())?;
    datagrams(dir.path())?;
    socketpair()?;
    abstract_name(dir.path())?;
    Ok(())
}

/// The path of a Unix socket address; `None` when the socket has no name.
pub fn path_of(address: &SocketAddr) -> Option<String> {
    address.as_pathname().map(|path| path.display().to_string())
}
