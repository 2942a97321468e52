//! The queues, seen on the wire: a closed port's RST, a connection nobody accepts,
//! and a SYN the kernel drops because the accept queue is full.
//!
//! Run it:  cargo run -p packet-trace --bin queues [closed|no-accept|full]
//!
//! With no argument it shows all three, in about two seconds (the dropped SYN is
//! sent again after one second: that wait is the lesson).

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    packet_trace::quiet_on_closed_stdout();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let part = args.first().map(String::as_str);
    if args.len() > 1 || !matches!(part, None | Some("closed" | "no-accept" | "full")) {
        if part == Some("--help") || part == Some("-h") {
            println!("{USAGE}");
            return Ok(());
        }
        eprintln!("{USAGE}");
        std::process::exit(2);
    }
    packet_trace::enter()?;
    if matches!(part, None | Some("closed")) {
        queues::closed_port()?;
    }
    if matches!(part, None | Some("no-accept")) {
        queues::never_accepted()?;
    }
    if matches!(part, None | Some("full")) {
        queues::queue_full()?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
const USAGE: &str = "usage: queues [closed|no-accept|full]";

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("queues: {}", packet_trace::LINUX_ONLY);
}

#[cfg(target_os = "linux")]
mod queues {
    use std::io::Write;
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result, bail};
    use packet_trace::capture::Capture;
    use packet_trace::show::show_all;
    use socket2::{Domain, Socket, Type};

    /// How long the client behind a full queue waits: past the first retransmission
    /// of its SYN, which Linux sends one second after the first.
    const PATIENCE: Duration = Duration::from_millis(1500);

    /// `sk = socket.socket(); sk.bind(('127.0.0.1', 0)); sk.listen(backlog)`
    fn listen(backlog: i32) -> Result<TcpListener> {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).context("socket()")?;
        let any: SocketAddr = "127.0.0.1:0".parse()?;
        socket.bind(&any.into()).context("bind 127.0.0.1:0")?;
        socket.listen(backlog).context("listen()")?;
        Ok(socket.into())
    }

    // ANCHOR: closed
    pub fn closed_port() -> Result<()> {
        println!("1. connect() to a port where nothing listens");
        let addr = TcpListener::bind("127.0.0.1:0")?.local_addr()?; // closed again
        let capture = Capture::start()?;
        match TcpStream::connect(addr) {
            Ok(_) => bail!("connect {addr} succeeded: something listens there"),
            Err(e) => println!(
                "   connect({addr}): {e}: Python's ConnectionRefusedError, errno {}",
                e.raw_os_error().unwrap_or(0)
            ),
        }
        print!("{}", show_all(&capture.finish()?));
        Ok(())
    }
    // ANCHOR_END: closed

    // ANCHOR: never_accepted
    pub fn never_accepted() -> Result<()> {
        println!("2. a server that never calls accept()");
        let listener = listen(1)?;
        let addr = listener.local_addr()?;
        let capture = Capture::start()?;
        let mut client = TcpStream::connect(addr).with_context(|| format!("connect {addr}"))?;
        client.write_all(b"hello\n").context("sendall")?;
        println!("   connect() returned and sendall() sent 6 bytes; accept() was never called");
        print!("{}", show_all(&capture.finish()?));
        println!("   the server's kernel did the handshake and acknowledged the data");
        Ok(())
    }
    // ANCHOR_END: never_accepted

    // ANCHOR: full
    pub fn queue_full() -> Result<()> {
        println!("3. listen(0), no accept(), and two clients");
        let listener = listen(0)?; // Linux admits backlog + 1: one connection
        let addr = listener.local_addr()?;
        let capture = Capture::start()?;
        let first = TcpStream::connect(addr).with_context(|| format!("connect {addr}"))?;
        println!("   connect #1: connected; the accept queue is now full");
        let second = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        let started = Instant::now();
        match second.connect_timeout(&addr.into(), PATIENCE) {
            Ok(()) => bail!("connect #2 got in: the accept queue was not full"),
            Err(e) => println!(
                "   connect #2: no answer within {:.1} s ({e})",
                started.elapsed().as_secs_f64()
            ),
        }
        print!("{}", show_all(&capture.finish()?));
        println!("   the kernel dropped each SYN of #2 without a word; its kernel sent it again");
        drop((first, second));
        Ok(())
    }
    // ANCHOR_END: full
}
