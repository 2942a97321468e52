//! `unix-ipc client PATH`: the first article's client over a socket file.

use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use anyhow::{Context, Result, bail};

pub fn run(path: &Path) -> Result<()> {
    crate::server::check_length(path)?;
    let shown = path.display();

    // ANCHOR: client
    // sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); sk.connect(path)
    let mut sk = UnixStream::connect(path).map_err(|error| {
        let why = match error.kind() {
            ErrorKind::NotFound => "no such file: is the server running?",
            ErrorKind::ConnectionRefused => {
                "the socket file is there, but no server is listening on it (a stale file \
                 left by a server that was killed?)"
            }
            ErrorKind::PermissionDenied => {
                "the socket file's mode does not let you write to it, and connecting takes \
                 write permission"
            }
            _ => return anyhow::Error::new(error).context(format!("connect({shown}) failed")),
        };
        anyhow::Error::new(error).context(format!("connect({shown}) failed: {why}"))
    })?;

    // send_data = input().strip()
    let mut line = String::new();
    io::stdin()
        .read_line(&mut line)
        .context("reading a line from stdin failed")?;
    let send_data = line.trim();
    if send_data.is_empty() {
        bail!("nothing to send: type some text before pressing Enter");
    }
    // sk.sendall(send_data.encode())
    sk.write_all(send_data.as_bytes())
        .with_context(|| format!("send on {shown} failed"))?;

    // recv_data = sk.recv(1024)
    let mut buffer = [0u8; 1024];
    let n = sk
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) on {shown} failed"))?;
    if n == 0 {
        bail!("the server at {shown} closed the connection without replying");
    }
    // print(recv_data.decode()): an error that shows the bytes, not a panic.
    let recv_data = utf8_text::decode(&buffer[..n])
        .with_context(|| format!("the reply from the server at {shown}"))?;
    println!("{recv_data}");
    // sk.close()
    // ANCHOR_END: client
    Ok(())
}
