//! Part 4 of the demo: a name in Linux's abstract namespace, which is not a file.

use std::path::Path;

use anyhow::Result;

/// Part 4: a name in Linux's abstract namespace, which is not a file.
#[cfg(target_os = "linux")]
pub fn abstract_name(dir: &Path) -> Result<()> {
    use std::fs;
    use std::io::{Read, Write};
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};

    use anyhow::{Context, bail};

    use super::PATIENCE;

    println!("4. Linux's abstract namespace: a socket name that is not a file");
    // ANCHOR: abstract
    // A name that looks like a path (the temporary directory's, so that it is
    // unique), but no file will be made for it.
    let name = format!("{}/abstract", dir.display());
    // sk.bind('\0' + name): a name that starts with a NUL byte is abstract.
    let address = SocketAddr::from_abstract_name(name.as_bytes())
        .with_context(|| format!("the abstract name @{name}"))?;
    let listener =
        UnixListener::bind_addr(&address).with_context(|| format!("bind(@{name}) failed"))?;
    println!("   bind('\\0{name}'): listening on @{name}");
    println!(
        "   is there a file at {name}? {}",
        fs::symlink_metadata(&name).is_ok()
    );

    let mut client =
        UnixStream::connect_addr(&address).with_context(|| format!("connect(@{name}) failed"))?;
    client
        .set_read_timeout(Some(PATIENCE))
        .context("set_read_timeout failed")?;
    client
        .write_all(b"no file needed")
        .with_context(|| format!("send to @{name} failed"))?;
    // The connection is queued, so accept() returns at once.
    let (mut conn, _) = listener
        .accept()
        .with_context(|| format!("accept() on @{name} failed"))?;
    let mut buffer = [0u8; 1024];
    let n = conn
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) on @{name} failed"))?;
    conn.write_all(&buffer[..n].to_ascii_uppercase())
        .with_context(|| format!("send on @{name} failed"))?;
    let n = client
        .read(&mut buffer)
        .with_context(|| format!("recv(1024) from @{name} failed"))?;
    println!(
        "   connect('\\0{name}'), send, recv(1024): b\"{}\"",
        buffer[..n].escape_ascii()
    );

    // Closing the last socket that holds the name frees it: no stale file, ever.
    drop((conn, listener));
    match UnixStream::connect_addr(&address) {
        Err(error) => {
            println!("   after close, connect('\\0{name}'): {error}: the name went with the socket")
        }
        Ok(_) => {
            bail!("connect(@{name}) still works after the listener closed?");
        }
    }
    // ANCHOR_END: abstract
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn abstract_name(_dir: &Path) -> Result<()> {
    println!("4. Linux's abstract namespace: skipped, this system has none (it is Linux-only)");
    Ok(())
}
