//! IP_HDRINCL for real: a TCP SYN built by hand, IPv4 header and all, sent to a
//! listening port; the kernel's SYN/ACK caught on a raw socket; and the kernel's
//! RST that follows, because no socket of ours asked for that connection.
//!
//! Run it:  cargo run -p packet-trace --bin raw-syn
//!
//! It runs in a private network namespace, where source port 40000 is surely free.

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    packet_trace::quiet_on_closed_stdout();
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "--help" || arg == "-h" {
            println!("usage: raw-syn   (send a hand-built SYN to a listener of its own)");
            return Ok(());
        }
        eprintln!("usage: raw-syn   (it takes no arguments)");
        std::process::exit(2);
    }
    packet_trace::enter()?;
    syn::run()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("raw-syn: {}", packet_trace::LINUX_ONLY);
}

#[cfg(target_os = "linux")]
mod syn {
    use std::io::{self, Read};
    use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener};
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result, bail};
    use packet_trace::wire::{self, ACK, PROTO_TCP, RST, SYN, hex_lines};
    use socket2::{Domain, Protocol, Socket, Type};

    /// Our SYN's sequence number, A: any 32 bits (a real kernel picks them at random).
    const A: u32 = 1_000_000;
    const DEADLINE: Duration = Duration::from_secs(2);

    // ANCHOR: run
    pub fn run() -> Result<()> {
        // The article's port: in a namespace of our own it is surely free, and a fixed
        // port keeps the bytes below the same from run to run. (Under the tracer,
        // the namespace is shared: any free port then.)
        let listener = TcpListener::bind("127.0.0.1:9999")
            .or_else(|_| TcpListener::bind("127.0.0.1:0"))
            .context("bind 127.0.0.1:9999")?;
        let SocketAddr::V4(server) = listener.local_addr()? else {
            bail!("not IPv4")
        };
        println!("listening on {server} (a std TcpListener; it never calls accept)");
        let us = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 40000); // no socket has this port

        // A raw TCP socket receives a copy of every TCP packet that arrives, IPv4
        // header included. Open it before sending, so that nothing is missed.
        let watch = Socket::new(
            Domain::IPV4,
            Type::from(libc::SOCK_RAW),
            Some(Protocol::TCP),
        )
        .context("socket(AF_INET, SOCK_RAW, IPPROTO_TCP) (it needs CAP_NET_RAW)")?;
        watch.set_read_timeout(Some(Duration::from_millis(200)))?;

        // Python: s = socket.socket(AF_INET, SOCK_RAW, IPPROTO_TCP)
        //         s.setsockopt(IPPROTO_IP, IP_HDRINCL, 1)
        let send = Socket::new(
            Domain::IPV4,
            Type::from(libc::SOCK_RAW),
            Some(Protocol::TCP),
        )
        .context("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)")?;
        packet_trace::set_header_included(&send)
            .context("setsockopt(IPPROTO_IP, IP_HDRINCL, 1)")?;

        let tcp = wire::tcp_syn(us, server, A);
        let ip = wire::ipv4_header(*us.ip(), *server.ip(), PROTO_TCP, tcp.len());
        let packet = [&ip[..], &tcp[..]].concat();
        println!("sending a SYN from {us}, seq=A={A}, with IP_HDRINCL: our own IPv4 header");
        println!(
            "{}\n{}",
            hex_lines(&ip, "  ip  "),
            hex_lines(&tcp, "  tcp ")
        );
        send.send_to(&packet, &SocketAddr::V4(server).into())
            .context("sendto")?;
        // ANCHOR_END: run

        // ANCHOR: catch
        let (mut syn_ack, mut rst) = (false, false);
        let started = Instant::now();
        let mut buffer = [0u8; 65536];
        while !(syn_ack && rst) && started.elapsed() < DEADLINE {
            let len = match (&watch).read(&mut buffer) {
                Ok(len) => len,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e).context("recvfrom(raw TCP socket)"),
            };
            let Some(tcp) =
                wire::parse_ipv4(&buffer[..len]).and_then(|ip| wire::parse_tcp(ip.payload))
            else {
                continue;
            };
            let ports = (tcp.src_port, tcp.dst_port);
            let flags = wire::flag_names(tcp.flags);
            if ports == (us.port(), server.port()) && tcp.flags == SYN {
                println!(
                    "caught {flags:<7} {us} > {server}  seq={} (A): ours, arriving",
                    tcp.seq
                );
            } else if ports == (server.port(), us.port()) && tcp.flags == SYN | ACK {
                let ok = if tcp.ack == A.wrapping_add(1) {
                    "= A+1"
                } else {
                    "!= A+1"
                };
                println!(
                    "caught {flags:<7} {server} > {us}  seq={} (B) ack={} {ok}: the server's kernel answers",
                    tcp.seq, tcp.ack
                );
                syn_ack = true;
            } else if ports == (us.port(), server.port()) && tcp.flags & RST != 0 {
                println!(
                    "caught {flags:<7} {us} > {server}  seq={}: our kernel: no socket asked for this",
                    tcp.seq
                );
                rst = true;
            }
        }
        if !(syn_ack && rst) {
            bail!("within {DEADLINE:?}: SYN/ACK {syn_ack}, RST {rst}");
        }
        // The RST removed the half-open request: nothing ever reaches the accept queue.
        listener.set_nonblocking(true)?;
        match listener.accept() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                println!("accept(): {e}: the RST ended the half-open connection")
            }
            Err(e) => return Err(e).context("accept"),
            Ok((_, peer)) => bail!("accept() returned a connection from {peer}"),
        }
        Ok(())
    }
    // ANCHOR_END: catch
}
