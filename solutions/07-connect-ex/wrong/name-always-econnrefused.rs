//! Wrong: prints every failure as ECONNREFUSED, whatever number connect_ex returned
//! Caught by: another_error_gets_its_own_name_not_always_econnrefused
//!
//! A refused port is the failure one meets first, so the name gets written in by
//! hand. But connect fails in other ways too (ENETUNREACH, ETIMEDOUT, EHOSTUNREACH),
//! and the lesson's point is that the number says which: the name must come from it,
//! errno_name(code). (Written by an independent tester from the chapter and the stub.)

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
// errno_name(111) is Some("ECONNREFUSED") on Linux. (Given, in crates/connect-ex.)
use connect_ex::errno_name;

const USAGE: &str = "usage: PORT... (ports on 127.0.0.1, from 1 to 65535)";
/// The exit status for "at least one port is closed", apart from 1 for an error.
const SOME_CLOSED: u8 = 2;

fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ports = ports_from(&args)?;

    // TODO 3: for each port, in order: connect_ex(port) (an Err has no number:
    //         return it with `?` and a context naming 127.0.0.1:PORT); print
    //         `PORT open` for 0, else `PORT closed (NAME, CODE)`. Then return
    //         Ok(ExitCode::SUCCESS) if all were open, else Ok(ExitCode::from(SOME_CLOSED)).
    let mut all_open = true;
    for port in ports {
        let code = connect_ex(port).with_context(|| format!("connect(127.0.0.1:{port}) failed"))?;
        if code == 0 {
            println!("{port} open");
        } else {
            all_open = false;
            let name = "ECONNREFUSED";
            println!("{port} closed ({name}, {code})");
        }
    }
    if all_open {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(SOME_CLOSED))
    }
}

/// Every argument as a port from 1 to 65535, all checked before any is tried.
fn ports_from(args: &[String]) -> Result<Vec<u16>> {
    // TODO 1: no arguments at all is an error (bail! with USAGE). Parse each one as
    //         a u16 and refuse 0; an argument that fails is an error that quotes it.
    if args.is_empty() {
        bail!("{USAGE}");
    }
    args.iter()
        .map(|text| match text.parse::<u16>() {
            Ok(port) if port != 0 => Ok(port),
            _ => bail!("{USAGE}: {text:?} is not a port"),
        })
        .collect()
}

/// Python's `sock.connect_ex(('127.0.0.1', port))`: 0 when the connection is made
/// (and closed again at once), otherwise the OS error number. An error without a
/// number is returned as an error, as Python would raise it.
fn connect_ex(port: u16) -> io::Result<i32> {
    // TODO 2: TcpStream::connect to 127.0.0.1:port. Ok → 0 (dropping the stream
    //         closes it). Err(error) → error.raw_os_error(), the number the system
    //         call failed with; if it is None, return the error itself.
    match TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port))) {
        Ok(_stream) => Ok(0),
        Err(error) => error.raw_os_error().ok_or(error),
    }
}
