//! Part 4: dropping the File closes the socket. Its number leaves the table, the
//! peer reads EOF, and the next file opened gets the freed number.

use std::fs::File;
use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::path::Path;

use anyhow::{Context, Result};

use crate::fd_table::{after_close, show};

pub fn close(conn_file: File, client: &mut TcpStream, path: &Path, addr: SocketAddr) -> Result<()> {
    let fd = conn_file.as_raw_fd();
    // conn.close(): the descriptor is released, and the kernel tells the peer
    drop(conn_file);
    println!("   drop(File)      {}", after_close(fd));
    // client.recv(1024) returns b"": the end of the stream
    let n = client
        .read(&mut [0u8; 1024])
        .with_context(|| format!("recv(1024) from {addr} failed"))?;
    println!("   recv(client)    {n} bytes: EOF, the other end has closed");
    // The lowest free number goes to the next thing opened.
    let again = File::open(path).with_context(|| format!("open({path:?}) failed"))?;
    show("open(path)", again.as_raw_fd());
    Ok(())
}
