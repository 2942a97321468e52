//! Exercise 07, solved: a loopback port checker built on Python's connect_ex.
//!
//! Exit status: 0 when every port is open, 2 when one or more is closed, 1 for an
//! error (no PORT, or an argument that is not a port).

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use connect_ex::errno_name;

const USAGE: &str = "usage: solution-connect-ex PORT...   (ports on 127.0.0.1, from 1 to 65535)";
/// The exit status for "at least one port is closed", apart from 1 for an error.
const SOME_CLOSED: u8 = 2;

fn main() -> Result<ExitCode> {
    // `--help`: the usage (program-support). Checking the ports is the lesson's.
    let args = program_support::arguments(USAGE);
    let ports = ports_from(&args)?;

    let mut all_open = true;
    for port in ports {
        let code = connect_ex(port).with_context(|| format!("connect(127.0.0.1:{port}) failed"))?;
        if code == 0 {
            println!("{port} open");
        } else {
            all_open = false;
            let name = errno_name(code).unwrap_or_else(|| "?".into());
            println!("{port} closed ({name}, {code})");
        }
    }
    Ok(if all_open {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(SOME_CLOSED)
    })
}

/// Every argument as a port from 1 to 65535, all checked before any is tried.
fn ports_from(args: &[String]) -> Result<Vec<u16>> {
    if args.is_empty() {
        bail!("{USAGE}: give at least one port");
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
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match TcpStream::connect(addr) {
        Ok(_stream) => Ok(0),
        Err(error) => error.raw_os_error().ok_or(error),
    }
}
