//! The tracer's own connection: the first article's upper-casing echo, once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

/// A pause between steps, so that each of the kernel's ACKs leaves on its own
/// before the program's next move and the trace reads the same every run.
const STEP: Duration = Duration::from_millis(30);
/// How long the server waits after the client's FIN before it closes.
const SLOW_CLOSE: Duration = Duration::from_millis(250);

// ANCHOR: demo
/// A server and a client on the namespace's loopback: connect, "hello" one way,
/// "HELLO" back, then the client closes first.
pub fn one_connection() -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("server: listening on {addr}");
    let server = thread::spawn(move || -> Result<()> {
        let (conn, _) = listener.accept().context("accept")?;
        let mut reader = BufReader::new(conn.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line).context("recv")?; // "hello\n"
        thread::sleep(STEP);
        (&conn)
            .write_all(line.to_uppercase().as_bytes())
            .context("sendall")?;
        let mut rest = String::new();
        reader.read_line(&mut rest).context("recv")?; // 0 bytes: the client closed
        // The kernel delays its ACK of a FIN (at most 200 ms) in the hope that the
        // program closes too and the ACK can ride on its FIN. Wait longer than that,
        // so that the close shows its four segments every time.
        thread::sleep(SLOW_CLOSE);
        Ok(()) // conn is closed here: our FIN
    });
    let mut client = TcpStream::connect(addr).with_context(|| format!("connect {addr}"))?;
    println!("client: connected from {}", client.local_addr()?);
    thread::sleep(STEP);
    client.write_all(b"hello\n").context("sendall")?;
    let mut reply = String::new();
    BufReader::new(&client)
        .read_line(&mut reply)
        .context("recv")?;
    println!("client: got {reply:?}");
    thread::sleep(STEP);
    client.shutdown(Shutdown::Write).context("shutdown")?; // our FIN
    server
        .join()
        .map_err(|_| anyhow::anyhow!("server thread panicked"))??;
    // Wait for the server's FIN (recv returns 0), and a step more for our kernel's
    // last ACK, so the trace has the whole close before the tracer stops.
    let mut rest = Vec::new();
    (&client).read_to_end(&mut rest).context("recv")?;
    thread::sleep(STEP);
    Ok(())
}
// ANCHOR_END: demo
