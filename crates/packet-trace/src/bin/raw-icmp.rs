//! SOCK_RAW for real: an ICMP echo request ("ping") built by hand and its reply
//! read from a raw socket; then the ICMP datagram socket, which needs no privilege.
//!
//! Run it:  cargo run -p packet-trace --bin raw-icmp
//!
//! Both run in a private network namespace, on its loopback: 127.0.0.1 answers.

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    packet_trace::quiet_on_closed_stdout();
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "--help" || arg == "-h" {
            println!("usage: raw-icmp   (ping 127.0.0.1 twice: SOCK_RAW, then SOCK_DGRAM)");
            return Ok(());
        }
        eprintln!("usage: raw-icmp   (it takes no arguments)");
        std::process::exit(2);
    }
    packet_trace::enter()?;
    icmp::raw_ping()?;
    icmp::datagram_ping()?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("raw-icmp: {}", packet_trace::LINUX_ONLY);
}

#[cfg(target_os = "linux")]
mod icmp {
    use std::fs;
    use std::io::{self, Read};
    use std::net::{Ipv4Addr, SocketAddr};
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result, bail};
    use packet_trace::wire::{self, hex_lines, internet_checksum};
    use socket2::{Domain, Protocol, Socket, Type};

    const ID: u16 = 0x5253; // any 16 bits: it tells our replies from others'
    const DATA: &[u8] = b"ping from Rust";
    const DEADLINE: Duration = Duration::from_secs(2);

    fn localhost() -> socket2::SockAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into()
    }

    // ANCHOR: raw_ping
    /// Python: `socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)`
    pub fn raw_ping() -> Result<()> {
        println!(
            "1. SOCK_RAW, IPPROTO_ICMP: we write the ICMP message, the kernel the IPv4 header"
        );
        let raw = Socket::new(
            Domain::IPV4,
            Type::from(libc::SOCK_RAW),
            Some(Protocol::ICMPV4),
        )
        .context("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) (it needs CAP_NET_RAW)")?;
        raw.set_read_timeout(Some(Duration::from_millis(200)))?;
        let request = wire::icmp_echo_request(ID, 1, DATA);
        println!(
            "   echo request, type 8 code 0, id {ID:#06x} seq 1, {} bytes:",
            request.len()
        );
        println!("{}", hex_lines(&request, "     "));
        let sent = Instant::now();
        raw.send_to(&request, &localhost())
            .context("sendto 127.0.0.1")?;
        // A raw ICMP socket receives every ICMP packet that arrives: on loopback our
        // own request too, then the reply. Each comes with its IPv4 header.
        let mut buffer = [0u8; 1500];
        while sent.elapsed() < DEADLINE {
            let len = match (&raw).read(&mut buffer) {
                Ok(len) => len,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e).context("recvfrom(raw ICMP socket)"),
            };
            let Some(ip) = wire::parse_ipv4(&buffer[..len]) else {
                continue;
            };
            let icmp = ip.payload;
            if icmp.len() < 8 || icmp[4..6] != ID.to_be_bytes() {
                continue;
            }
            let checks = if internet_checksum(&[icmp]) == 0 {
                "checksum ok"
            } else {
                "BAD checksum"
            };
            print!(
                "   recvfrom: {} bytes = IPv4 header ({} bytes, ttl {}, from {}) + ICMP type {}",
                len, ip.header_len, ip.ttl, ip.src, icmp[0]
            );
            match icmp[0] {
                8 => println!(" (echo request): our own, as it arrived on lo"),
                0 => {
                    println!(
                        " (echo reply), {checks}, data {:?}, after {:.1?}",
                        String::from_utf8_lossy(&icmp[8..]),
                        sent.elapsed()
                    );
                    return Ok(());
                }
                _ => println!(),
            }
        }
        bail!("no echo reply from 127.0.0.1 within {DEADLINE:?}")
    }
    // ANCHOR_END: raw_ping

    // ANCHOR: datagram_ping
    /// Python: `socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)`
    pub fn datagram_ping() -> Result<()> {
        println!("2. SOCK_DGRAM, IPPROTO_ICMP: the ping socket, no privilege needed");
        let range = "/proc/sys/net/ipv4/ping_group_range";
        match ping_socket() {
            Ok(_) => println!("   our group is in net.ipv4.ping_group_range already"),
            Err(e) => {
                println!("   socket(): {e}: our group is outside net.ipv4.ping_group_range");
                // This namespace has its own copy of the setting, and we are its root.
                fs::write(range, "0 0").with_context(|| format!("write {range}"))?;
                println!(
                    "   wrote \"0 0\" to {range} (this namespace's own copy): group 0 may ping"
                );
            }
        }
        drop_every_capability()?;
        match Socket::new(
            Domain::IPV4,
            Type::from(libc::SOCK_RAW),
            Some(Protocol::ICMPV4),
        ) {
            Ok(_) => bail!("SOCK_RAW still works without capabilities"),
            Err(e) => println!("   with every capability dropped, SOCK_RAW fails: {e}"),
        }
        let ping = ping_socket().context("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)")?;
        ping.set_read_timeout(Some(DEADLINE))?;
        // Identifier and checksum left 0: the kernel fills both in.
        let request = [8, 0, 0, 0, 0, 0, 0, 1];
        let sent = Instant::now();
        ping.send_to(&request, &localhost())
            .context("sendto 127.0.0.1")?;
        let mut reply = [0u8; 1500];
        let len = (&ping).read(&mut reply).context("recv (ping socket)")?;
        println!(
            "   but SOCK_DGRAM works: sent 8 bytes, got {len} bytes back: ICMP type {} (echo reply) \
             seq {}, no IPv4 header, after {:.1?}",
            reply[0],
            u16::from_be_bytes([reply[6], reply[7]]),
            sent.elapsed()
        );
        Ok(())
    }
    // ANCHOR_END: datagram_ping

    fn ping_socket() -> io::Result<Socket> {
        Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4))
    }

    /// capset(2) with empty sets: from here on this process is as unprivileged as
    /// any user's, even in its own namespace.
    fn drop_every_capability() -> Result<()> {
        #[repr(C)]
        struct Header {
            version: u32,
            pid: i32,
        }
        #[repr(C)]
        struct Data {
            effective: u32,
            permitted: u32,
            inheritable: u32,
        }
        let header = Header {
            version: 0x2008_0522,
            pid: 0,
        }; // _LINUX_CAPABILITY_VERSION_3
        let none = [
            Data {
                effective: 0,
                permitted: 0,
                inheritable: 0,
            },
            Data {
                effective: 0,
                permitted: 0,
                inheritable: 0,
            },
        ];
        // SAFETY: capset reads the header and two data structs, as version 3 defines.
        if unsafe { libc::syscall(libc::SYS_capset, &header, none.as_ptr()) } != 0 {
            return Err(io::Error::last_os_error()).context("capset (drop every capability)");
        }
        Ok(())
    }
}
