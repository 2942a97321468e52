//! Wrong: parses and tries each port in turn, so ports before a bad argument are tried
//! Caught by: a_bad_argument_is_a_clean_error_before_any_port_is_tried
//!
//! The exercise checks every argument before trying any port: a typo in the fifth
//! argument should not leave four lines of output behind an error.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use connect_ex::errno_name;

const USAGE: &str = "usage: PORT... (ports on 127.0.0.1, from 1 to 65535)";
/// The exit status for "at least one port is closed", apart from 1 for an error.
const SOME_CLOSED: u8 = 2;

fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        bail!("{USAGE}: give at least one port");
    }

    let mut all_open = true;
    for text in &args {
        let port = match text.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => bail!("{USAGE}: {text:?} is not a port"),
        };
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
