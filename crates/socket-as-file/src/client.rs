//! With ADDR: a client that talks through a `File` made from its socket. It
//! connects, shows its descriptor, sends one line from stdin with `write_all` and
//! reads the reply with `read_to_end`, as it would read a file to its end.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};

use anyhow::{Context, Result, bail};

use crate::fd_table::what_is;
use crate::printing::shown;

/// With ADDR: a client that talks through a File made from its socket.
pub fn client(addr: SocketAddr) -> Result<()> {
    // ANCHOR: client
    let stream = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    println!(
        "connect({addr}): fileno() {}, {}",
        stream.as_raw_fd(),
        what_is(stream.as_raw_fd())
    );
    let mut sk = File::from(OwnedFd::from(stream));

    let mut line = String::new();
    io::stdin()
        .read_line(&mut line)
        .context("reading a line from stdin failed")?;
    let line = line.trim_end_matches(['\r', '\n']);
    if line.is_empty() {
        bail!("nothing to send: type a line (stdin was empty)");
    }
    // sk.sendall(line): write_all on the File
    sk.write_all(line.as_bytes())
        .with_context(|| format!("send to {addr} failed"))?;
    // Read until the server closes: read_to_end on the File, as on any file.
    let mut reply = Vec::new();
    sk.read_to_end(&mut reply)
        .with_context(|| format!("recv from {addr} failed"))?;
    if reply.is_empty() {
        bail!("{addr} closed the connection without a reply (recv returned 0 bytes)");
    }
    match String::from_utf8(reply) {
        Ok(text) => println!("{text}"),
        Err(error) => bail!(
            "the reply from {addr} is not UTF-8 text: {} ({})",
            shown(error.as_bytes()),
            error.utf8_error()
        ),
    }
    // ANCHOR_END: client
    Ok(())
}
