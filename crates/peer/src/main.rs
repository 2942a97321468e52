//! peer: the other end for the course's experiments by hand, so that no chapter needs
//! a tool you may not have (`nc`, netcat, does the same jobs where it is installed).
//!
//! ```text
//! peer connect [ADDR]       connect, send each line you type, print what comes back;
//!                           at the end of your input (Ctrl-D) close the sending side
//!                           and wait until the server closes too
//! peer slow [ADDR] [MS]     the same, one byte at a time, MS milliseconds apart (200)
//! peer reset [ADDR]         connect, send what you type, then reset the connection
//!                           (an RST instead of a FIN) at the end of your input
//! peer listen [ADDR]        a server that accepts every client and then reads
//!                           nothing and answers nothing
//! peer sink [ADDR]          a server that reads everything every client sends,
//!                           answers nothing, and counts the bytes
//! ```
//!
//! ADDR defaults to the first article's, 127.0.0.1:9999. Run it with
//! `cargo run -q -p peer -- MODE [ADDR]`. What crosses the connection goes to stdout,
//! unchanged; what `peer` itself has to say goes to stderr, after `peer:`.

mod client;
mod server;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_DELAY_MS: u64 = 200;

const USAGE: &str = "usage: peer MODE [ADDR] (ADDR defaults to 127.0.0.1:9999)
  peer connect [ADDR]      connect, send the lines you type, print what comes back;
                           Ctrl-D closes the sending side, then waits for the server
  peer slow [ADDR] [MS]    the same, one byte every MS milliseconds (default 200)
  peer reset [ADDR]        connect, send what you type, then reset (RST) at Ctrl-D
  peer listen [ADDR]       a server that accepts clients, then reads and says nothing
  peer sink [ADDR]         a server that reads everything, says nothing, counts bytes";

/// What the command line asks for.
#[derive(Debug)]
enum Mode {
    Connect,
    Slow(Duration),
    Reset,
    Listen,
    Sink,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (mode, addr) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(problem) => {
            eprintln!("peer: {problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match mode {
        Mode::Connect => client::talk(addr, client::Ending::Close, None),
        Mode::Slow(delay) => client::talk(addr, client::Ending::Close, Some(delay)),
        Mode::Reset => client::talk(addr, client::Ending::Reset, None),
        Mode::Listen => server::listen_silently(addr),
        Mode::Sink => server::sink(addr),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("peer: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The mode, the address and (for `slow`) the delay, or what is wrong with them.
fn parse(args: &[String]) -> Result<(Mode, SocketAddr), String> {
    let Some(mode) = args.first() else {
        return Err("which mode? connect, slow, reset, listen or sink".into());
    };
    let text = args.get(1).map_or(DEFAULT_ADDR, String::as_str);
    let addr: SocketAddr = text
        .parse()
        .map_err(|_| format!("{text:?} is not an address like {DEFAULT_ADDR}"))?;
    let most = if mode == "slow" { 3 } else { 2 };
    if args.len() > most {
        return Err(format!("one argument too many: {:?}", args[most]));
    }
    let mode = match mode.as_str() {
        "connect" => Mode::Connect,
        "slow" => {
            let ms = match args.get(2) {
                None => DEFAULT_DELAY_MS,
                Some(text) => text
                    .parse()
                    .ok()
                    .filter(|ms| (1..=60_000).contains(ms))
                    .ok_or(format!("MS must be 1 to 60000 milliseconds, not {text:?}"))?,
            };
            Mode::Slow(Duration::from_millis(ms))
        }
        "reset" => Mode::Reset,
        "listen" => Mode::Listen,
        "sink" => Mode::Sink,
        other => return Err(format!("{other:?} is not a mode")),
    };
    Ok((mode, addr))
}
