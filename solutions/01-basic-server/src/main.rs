//! Exercise 01, solved: the upper-casing server, serving clients one after another
//! on one listening socket until a client says `bye`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::{Domain, Socket, Type};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
/// How long one client may hold the server, unless CLIENT_MS says otherwise: it
/// serves clients in turn, so a client that connects and says nothing would
/// otherwise keep everyone else waiting.
const CLIENT_TIMEOUT_MS: u64 = 10_000;

fn main() -> Result<()> {
    let (addr, client_timeout) = arguments()?;

    // socket(), bind(), listen(5), as in the article.
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).context("socket() failed")?;
    // SO_REUSEADDR, so the server can restart while old connections sit in TIME_WAIT.
    socket
        .set_reuse_address(true)
        .context("setsockopt(SO_REUSEADDR) failed")?;
    socket
        .bind(&addr.into())
        .with_context(|| format!("bind({addr}) failed"))?;
    socket
        .listen(5)
        .with_context(|| format!("listen(5) on {addr} failed"))?;
    let listener: TcpListener = socket.into();
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    // The listening socket lives on; each accept() hands out a new socket for one
    // client, which is closed when that client has been served.
    loop {
        let (conn, peer) = listener
            .accept()
            .with_context(|| format!("accept() on {bound} failed"))?;
        match serve_one(conn, peer, client_timeout) {
            Ok(true) => break,
            Ok(false) => {}
            // One client's trouble (a reset, say) is no reason to stop serving others.
            Err(error) => eprintln!("{peer}: {error:#}"),
        }
    }
    println!("a client said bye: closing the listening socket");
    Ok(())
}

/// Serves one client: one recv(1024), the reply upper-cased, close. Returns whether
/// the client said `bye`.
fn serve_one(mut conn: TcpStream, peer: SocketAddr, timeout: Duration) -> Result<bool> {
    // Python: conn.settimeout(10). A recv or send that waits longer fails, and the
    // error (printed in main) says the client was dropped.
    conn.set_read_timeout(Some(timeout))
        .and_then(|()| conn.set_write_timeout(Some(timeout)))
        .with_context(|| format!("settimeout for {peer} failed"))?;
    let mut buffer = [0u8; 1024];
    let n = conn.read(&mut buffer).with_context(|| {
        format!("recv(1024) from {peer} failed (nothing within {timeout:?}? dropped)")
    })?;
    let data = &buffer[..n];
    if n == 0 {
        println!("{peer}: hung up without sending anything");
        return Ok(false);
    }
    let reply = data.to_ascii_uppercase();
    conn.write_all(&reply)
        .with_context(|| format!("send to {peer} failed"))?;
    println!(
        "{peer}: b\"{}\" -> b\"{}\"",
        data.escape_ascii(),
        reply.escape_ascii()
    );
    Ok(data.trim_ascii() == b"bye")
}

/// The arguments `[ADDR [CLIENT_MS]]`: the address (the article's when not given) and
/// how long one client may hold the server. `--help`, a bad or an extra argument:
/// the usage, and exit status 2 (program-support). (Given.)
fn arguments() -> Result<(SocketAddr, Duration)> {
    let mut args = program_support::Args::new(
        "usage: solution-basic-server [ADDR [CLIENT_MS]]   (127.0.0.1:9999 and 10000 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    let millis = args.number_or("CLIENT_MS", 1..=3_600_000, CLIENT_TIMEOUT_MS);
    args.finish();
    Ok((addr, Duration::from_millis(millis)))
}
