//! Part 3: a std::fs::File made from the accepted socket. It is the same
//! descriptor, a file whose type is "socket", written and read like any file, but
//! with no position to seek to.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use anyhow::{Context, Result};

use crate::fd_table::show;
use crate::printing::{os_error, shown};
use crate::same_code::{recv, send_line};

pub fn into_file(conn: TcpStream, client: &mut TcpStream, addr: SocketAddr) -> Result<File> {
    // Safe conversions only: the TcpStream gives up its descriptor (OwnedFd),
    // and a File takes it over. No new descriptor, no copy.
    let mut conn_file = File::from(OwnedFd::from(conn));
    show("File::from(..)", conn_file.as_raw_fd());
    // fstat(): the kernel's own answer to "what is this file?"
    let meta = conn_file
        .metadata()
        .context("fstat() on the socket failed")?;
    println!(
        "   metadata()      is_socket() is {}; ino() is the number in socket:[{}]",
        meta.file_type().is_socket(),
        meta.ino()
    );
    // Writing and reading the File is sending and receiving on the socket.
    send_line(&mut conn_file, "written through a File").context("write to the File failed")?;
    let got = recv(client).with_context(|| format!("recv(1024) on {addr} failed"))?;
    println!(
        "   {:<37} -> {}",
        "send_line(File), recv(client)",
        shown(&got)
    );
    send_line(client, "read through a File").with_context(|| format!("send to {addr} failed"))?;
    let got = recv(&mut conn_file).context("read from the File failed")?;
    println!(
        "   {:<37} -> {}",
        "send_line(client), recv(File)",
        shown(&got)
    );
    // What a file has and a socket has not: a position to seek to.
    match conn_file.seek(SeekFrom::Start(0)) {
        Ok(_) => println!("   seek(0) on the File: succeeded, which a socket should not allow"),
        Err(error) => println!(
            "   seek(0) on the File: failed, {} (a socket has no position)",
            os_error(&error)
        ),
    }
    Ok(conn_file)
}
