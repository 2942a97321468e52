//! Exercise 07: a loopback port checker built on Python's connect_ex.
//!
//! `exercise-connect-ex PORT...` tries each PORT on 127.0.0.1 the way Python's
//! `sock.connect_ex(('127.0.0.1', PORT))` does (book: "connect_ex and error
//! numbers") and prints one line per port, in the order given:
//!
//!     8080 open
//!     8081 closed (ECONNREFUSED, 111)
//!
//! `open` when the connection is made (connect_ex returns 0); otherwise `closed`,
//! with the error's symbolic name (`connect_ex::errno_name`, `?` when it has none)
//! and the OS error number itself. The numbers differ between systems: 111 is
//! Linux's, macOS says 61 and Windows 10061 (named WSAECONNREFUSED).
//!
//! Exit status: 0 when every port is open, 2 when at least one is closed, 1 for an
//! error. Check every argument before trying any port: no PORT at all, or one that
//! is not a number from 1 to 65535, is an error naming that argument.
//!
//! Grade it:  cd exercises/07-connect-ex && cargo test
//! Try it:    cargo run -p exercise-connect-ex -- 9999 8088 1
//!            (start basic-server first and 9999 is open)
//! Stuck?     read hint.md next to this file.

// A stub compiles but does nothing yet: these allows keep the compiler quiet about
// that. Delete them once your code is written.
#![allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unreachable_code,
    dead_code,
    clippy::diverging_sub_expression
)]

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
// errno_name(111) is Some("ECONNREFUSED") on Linux. (Given, in crates/connect-ex.)
use connect_ex::errno_name;

const USAGE: &str = "usage: exercise-connect-ex PORT...   (ports on 127.0.0.1, from 1 to 65535)";
/// The exit status for "at least one port is closed", apart from 1 for an error.
const SOME_CLOSED: u8 = 2;

fn main() -> Result<ExitCode> {
    // `--help`: the usage (program-support). Checking the ports is the lesson's.
    let args = program_support::arguments(USAGE);
    let ports = ports_from(&args)?;

    // TODO 3: for each port, in order: connect_ex(port) (an Err has no number:
    //         return it with `?` and a context naming 127.0.0.1:PORT); print
    //         `PORT open` for 0, else `PORT closed (NAME, CODE)`. Then return
    //         Ok(ExitCode::SUCCESS) if all were open, else Ok(ExitCode::from(SOME_CLOSED)).
    todo!("try each port and print one line per port (TODO 3)")
}

/// Every argument as a port from 1 to 65535, all checked before any is tried.
fn ports_from(args: &[String]) -> Result<Vec<u16>> {
    // TODO 1: no arguments at all is an error (bail! with USAGE). Parse each one as
    //         a u16 and refuse 0; an argument that fails is an error that quotes it.
    todo!("parse every argument as a port (TODO 1)")
}

/// Python's `sock.connect_ex(('127.0.0.1', port))`: 0 when the connection is made
/// (and closed again at once), otherwise the OS error number. An error without a
/// number is returned as an error, as Python would raise it.
fn connect_ex(port: u16) -> io::Result<i32> {
    // TODO 2: TcpStream::connect to 127.0.0.1:port. Ok → 0 (dropping the stream
    //         closes it). Err(error) → error.raw_os_error(), the number the system
    //         call failed with; if it is None, return the error itself.
    todo!("connect and return 0 or the OS error number (TODO 2)")
}
