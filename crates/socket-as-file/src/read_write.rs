//! Part 2: the same two functions, `send_line` and `recv` (same_code.rs), write and
//! read a file and a socket. A file keeps what was written and has a position, so
//! the program seeks back to the start; a socket passes the bytes on to its peer.

use std::fs::File;
use std::io::Seek;
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result};

use crate::printing::shown;
use crate::same_code::{recv, send_line};

pub fn read_write(
    file: &mut File,
    client: &mut TcpStream,
    conn: &mut TcpStream,
    addr: SocketAddr,
) -> Result<()> {
    // f.write(...); f.seek(0); f.read(1024)
    send_line(file, "a line for the file").context("write to the file failed")?;
    file.rewind().context("seek(0) on the file failed")?;
    let got = recv(file).context("read from the file failed")?;
    println!(
        "   {:<37} -> {}",
        "send_line(file), seek(0), recv(file)",
        shown(&got)
    );

    // client.sendall(...); conn.recv(1024)
    send_line(client, "a line for the socket").with_context(|| format!("send to {addr} failed"))?;
    let got = recv(conn).with_context(|| format!("recv(1024) on {addr} failed"))?;
    println!(
        "   {:<37} -> {}",
        "send_line(client), recv(conn)",
        shown(&got)
    );
    Ok(())
}
