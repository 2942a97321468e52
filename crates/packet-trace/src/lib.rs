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

/// What a packet-level program says on a system other than Linux, before it exits 0.
pub const LINUX_ONLY: &str = "this lesson needs Linux: its private network namespaces \
and packet sockets (AF_PACKET) have no equivalent on this system";

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
