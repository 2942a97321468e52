//! The demo, run with no arguments: four parts, all in this one process, on
//! loopback. This file opens a file and three sockets (part 1) and hands them to
//! the other parts, each in a file of its own:
//!   2. read_write.rs  the same two functions read and write a file and a socket;
//!   3. into_file.rs   a std::fs::File made from the accepted socket;
//!   4. close.rs       dropping that File closes the socket.
//! Every value opened here lives until the end, so the numbers stay taken.

use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

use anyhow::{Context, Result};

use crate::fd_table::show;
use crate::{close, into_file, read_write};

/// Parts 1 to 4, on loopback.
pub fn demo() -> Result<()> {
    println!("1. Open: a file and three sockets, numbered from one table");
    // ANCHOR: open
    // f = open(path, "w+"): a real file, in the temporary directory
    let (mut file, path) = tempfile::NamedTempFile::new()
        .context("creating a temporary file failed")?
        .into_parts();
    // sk = socket.socket(); sk.bind(("127.0.0.1", 0)); sk.listen()
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let addr = listener.local_addr().context("getsockname() failed")?;
    // client = socket.socket(); client.connect(addr)
    let mut client = TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
    // conn, _ = sk.accept()
    let (mut conn, _) = listener
        .accept()
        .with_context(|| format!("accept() on {addr} failed"))?;

    // f.fileno(), sk.fileno(), ...: as_raw_fd() is the number in the table
    show("open(path)", file.as_raw_fd());
    show("listen()", listener.as_raw_fd());
    show("connect()", client.as_raw_fd());
    show("accept()", conn.as_raw_fd());
    // ANCHOR_END: open

    println!("2. Read and write: the same two functions for a file and a socket");
    read_write::read_write(&mut file, &mut client, &mut conn, addr)?;

    println!("3. A File made from the accepted socket");
    let conn_file = into_file::into_file(conn, &mut client, addr)?;

    println!("4. Close: dropping the File closes the socket");
    close::close(conn_file, &mut client, &path, addr)
}
