//! The client modes: connect and send what is typed, at full speed or slowly, and end
//! with a FIN (`shutdown(SHUT_WR)`) or with a reset.

use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::SockRef;

/// How the client ends once its input is over.
#[derive(Clone, Copy, Debug)]
pub enum Ending {
    /// `shutdown(SHUT_WR)`: a FIN, "no more from me"; then read until the server closes.
    Close,
    /// `SO_LINGER` 0, then close: the kernel sends an RST and throws away what is unsent.
    Reset,
}

/// Connects to `addr`, sends stdin (a byte every `delay`, if one is given) and copies
/// whatever arrives to stdout.
pub fn talk(addr: SocketAddr, ending: Ending, delay: Option<Duration>) -> Result<()> {
    let stream = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    let local = stream.local_addr().context("getsockname() failed")?;
    eprintln!("peer: connected to {addr} from {local}");
    // What arrives is printed by a thread of its own, so a reply shows up while you
    // are still typing.
    let reading = stream.try_clone().context("cloning the socket")?;
    let printer = thread::spawn(move || print_all(reading, addr));

    send_input(&stream, addr, delay)?;
    match ending {
        Ending::Close => {
            let shut = stream.shutdown(Shutdown::Write);
            if shut.is_ok() {
                eprintln!("peer: end of input: sent a FIN (shutdown SHUT_WR); waiting for {addr}");
            }
            // A connection the server reset fails shutdown() with ENOTCONN; the
            // printer's recv has the better message, ECONNRESET, so it comes first.
            printer.join().unwrap_or(Ok(()))?;
            match shut {
                Ok(()) => eprintln!("peer: {addr} closed the connection"),
                // ENOTCONN: the connection is gone already. The server closed it
                // (the printer read its FIN) and answered what came after with RST.
                Err(error) if error.kind() == io::ErrorKind::NotConnected => eprintln!(
                    "peer: {addr} closed the connection, and reset it when more data came"
                ),
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("shutdown(SHUT_WR) to {addr} failed"));
                }
            }
            Ok(())
        }
        Ending::Reset => {
            // SO_LINGER with a time of 0: close() resets the connection. The printer
            // holds a second descriptor of the socket; shutdown(SHUT_RD) (which sends
            // nothing) ends its read, so that the close below is the last one.
            SockRef::from(&stream)
                .set_linger(Some(Duration::ZERO))
                .context("setsockopt(SO_LINGER, 0) failed")?;
            let _ = stream.shutdown(Shutdown::Read);
            let _ = printer.join();
            drop(stream);
            eprintln!("peer: end of input: reset the connection (SO_LINGER 0, then close)");
            Ok(())
        }
    }
}

/// Sends stdin, line by line as it is typed, or byte by byte with `delay` between.
fn send_input(mut stream: &TcpStream, addr: SocketAddr, delay: Option<Duration>) -> Result<()> {
    let stdin = io::stdin();
    let mut line = Vec::new();
    let mut input = stdin.lock();
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .context("reading stdin")?;
        if n == 0 {
            return Ok(());
        }
        let pieces: Vec<&[u8]> = match delay {
            None => vec![&line[..]],
            Some(_) => line.chunks(1).collect(),
        };
        for piece in pieces {
            stream
                .write_all(piece)
                .with_context(|| format!("send to {addr} failed"))?;
            if let Some(delay) = delay {
                thread::sleep(delay);
            }
        }
    }
}

/// Copies what arrives to stdout until the peer closes (or resets).
fn print_all(mut stream: TcpStream, addr: SocketAddr) -> Result<()> {
    let mut buffer = [0u8; 4096];
    let stdout = io::stdout();
    loop {
        let n = match stream.read(&mut buffer) {
            Ok(n) => n,
            Err(error) => {
                return Err(error).with_context(|| format!("recv from {addr} failed"));
            }
        };
        if n == 0 {
            return Ok(());
        }
        let mut out = stdout.lock();
        // A closed stdout (`| head`) ends the program quietly.
        if out
            .write_all(&buffer[..n])
            .and_then(|()| out.flush())
            .is_err()
        {
            std::process::exit(0);
        }
    }
}
