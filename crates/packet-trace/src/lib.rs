//! See the packets: the course's tools for packet-level lessons.
//!
//! * [`namespace`]: a private user and network namespace, where raw sockets work
//!   without root and nothing leaves the namespace's own loopback (Linux);
//! * [`capture`]: a packet socket (`AF_PACKET`) that catches every TCP segment on
//!   loopback (Linux);
//! * [`wire`]: IPv4, TCP and ICMP headers read and built by hand, with their checksum;
//! * [`show`]: segments grouped into connections, numbered as the article does.

#[cfg(target_os = "linux")]
pub mod capture;
#[cfg(target_os = "linux")]
pub mod namespace;
#[cfg(target_os = "linux")]
pub mod show;
pub mod wire;

/// `socket(AF_INET, SOCK_RAW, protocol)`. Needs CAP_NET_RAW (in our namespace).
#[cfg(target_os = "linux")]
pub fn raw_socket(protocol: socket2::Protocol) -> std::io::Result<socket2::Socket> {
    use socket2::{Domain, Socket, Type};
    Socket::new(Domain::IPV4, Type::from(libc::SOCK_RAW), Some(protocol))
}

/// `setsockopt(fd, IPPROTO_IP, IP_HDRINCL, 1)`: what we send on this raw socket
/// starts with our own IPv4 header. Linux still fills in its total length and
/// checksum, and the identification and source address where we leave them 0 (raw(7)).
#[cfg(target_os = "linux")]
pub fn set_header_included(socket: &socket2::Socket) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: setsockopt reads one c_int from `on`, whose size we pass.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_HDRINCL,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// What a packet-level program says on a system other than Linux, before it exits 0.
pub const LINUX_ONLY: &str = "this lesson needs Linux: its private network namespaces \
and packet sockets (AF_PACKET) have no equivalent on this system";

/// A closed stdout (`| head`) ends the program quietly, as it ends `cat`: Rust
/// ignores SIGPIPE and would panic in `println!`; this puts the default back. (Socket
/// writes are not affected: std sends with MSG_NOSIGNAL.)
#[cfg(target_os = "linux")]
pub fn quiet_on_closed_stdout() {
    // SAFETY: signal() only changes this process's disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Set by the tracer for the command it runs: that command is already inside the
/// tracer's private namespace, and must stay there for its packets to be seen.
pub const INSIDE: &str = "PACKET_TRACE_NAMESPACE";

/// Enters a private network namespace (or stays in the tracer's, under the tracer),
/// or returns the error `main` should end with.
#[cfg(target_os = "linux")]
pub fn enter() -> anyhow::Result<()> {
    if std::env::var_os(INSIDE).is_none() {
        namespace::enter_private_network()?;
    }
    Ok(())
}
