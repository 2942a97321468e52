//! Elsewhere (Windows): a socket is a SOCKET handle, not a file descriptor, so
//! the demo and the client stop with a message.

use std::net::{SocketAddr, TcpListener};

use anyhow::{Context, Result};

pub fn demo() -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    #[cfg(windows)]
    {
        use std::os::windows::io::AsRawSocket;
        println!(
            "listener: SOCKET handle {} (as_raw_socket), Python's fileno()",
            listener.as_raw_socket()
        );
    }
    drop(listener);
    println!(
        "This demo needs Unix: it shows sockets as file descriptors, which Windows \
         keeps apart from files (a socket is a Winsock SOCKET handle, not a File)."
    );
    Ok(())
}

pub fn client(_addr: SocketAddr) -> Result<()> {
    anyhow::bail!("the client talks through a File made from its socket, which needs Unix")
}
