//! Exercise 08, solved: tell each client the address the server sees it at, one
//! client after another.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";

fn main() -> Result<()> {
    let addr = address_from_args()?;
    let listener = TcpListener::bind(addr).with_context(|| format!("bind({addr}) failed"))?;
    // sk.getsockname(): with port 0, the port the kernel chose.
    let bound = listener.local_addr().context("getsockname() failed")?;
    println!("listening on {bound}");

    loop {
        // accept() can fail for one connection (one that was reset while it waited
        // in the queue, for instance): report it and take the next.
        let conn = match listener.accept() {
            Ok((conn, _)) => conn,
            Err(error) => {
                eprintln!("accept() on {bound} failed: {error}");
                continue;
            }
        };
        if let Err(error) = greet(conn) {
            eprintln!("{error:#}");
        }
    }
}

/// Sends the client one line, `you are ADDR`, and closes the connection.
fn greet(mut conn: TcpStream) -> Result<()> {
    // conn.getpeername(): the client's end, as this side sees it. It fails with
    // ENOTCONN if the client has already reset the connection.
    let peer = conn
        .peer_addr()
        .context("getpeername() failed: the client has already gone")?;
    // conn.getsockname(): this side's end of the same connection.
    let me = conn.local_addr().context("getsockname() failed")?;
    conn.write_all(format!("you are {peer}\n").as_bytes())
        .with_context(|| format!("send to {peer} failed"))?;
    println!("getpeername() {peer}, getsockname() {me}: told the client who it is");
    // Returning drops `conn`, which closes the connection.
    Ok(())
}

/// The optional first argument, ADDR, or the article's address. `--help`, a bad
/// address or an extra argument: the usage, and exit status 2 (program-support).
fn address_from_args() -> Result<SocketAddr> {
    let mut args = program_support::Args::new(
        "usage: solution-peer-sock-names [ADDR]   (ADDR: 127.0.0.1:9999 when not given)",
    );
    let addr = args.addr_or(DEFAULT_ADDR);
    args.finish();
    Ok(addr)
}
