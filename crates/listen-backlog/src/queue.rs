//! How long a listener's accept queue is. Linux shows it in /proc/net/tcp; the
//! other systems have no such table, and there the answer is `None`.

use std::net::SocketAddr;

#[cfg(target_os = "linux")]
use anyhow::Context;
use anyhow::Result;

/// How long the listener's accept queue is, to end a line with: `; accept queue: N`
/// on Linux, nothing elsewhere.
pub fn queue_note(addr: SocketAddr) -> Result<String> {
    Ok(accept_queue(addr)?.map_or_else(String::new, |n| format!("; accept queue: {n}")))
}

/// Where the queue's length comes from, or that this system does not say.
pub fn where_the_queue_shows() -> &'static str {
    if cfg!(target_os = "linux") {
        "(the accept queue's length is the rx_queue column of its LISTEN row in /proc/net/tcp)"
    } else {
        "(only Linux shows the accept queue's length, in /proc/net/tcp)"
    }
}

// ANCHOR: proc_net_tcp
/// How many connections wait in the accept queue of the listener on `addr`, read
/// from its row in /proc/net/tcp (or /proc/net/tcp6 for IPv6). A row starts like
/// this (the header names the columns; more follow):
///
/// ```text
///   sl  local_address rem_address   st tx_queue rx_queue tr ...
///    2: 0100007F:D1D5 00000000:0000 0A 00000000:00000003 00:00000000 ...
/// ```
///
/// The local address is in hexadecimal, its port after the colon. State `0A` is
/// LISTEN; for a listener, rx_queue is the accept queue's length. (For a
/// connection, rx_queue counts bytes received and not yet read.)
#[cfg(target_os = "linux")]
pub fn accept_queue(addr: SocketAddr) -> Result<Option<u32>> {
    let table = if addr.is_ipv4() {
        "/proc/net/tcp"
    } else {
        "/proc/net/tcp6"
    };
    let text = std::fs::read_to_string(table).with_context(|| format!("reading {table} failed"))?;
    for row in text.lines().skip(1) {
        let fields: Vec<&str> = row.split_whitespace().collect();
        let [_sl, local, _remote, state, queues, ..] = fields.as_slice() else {
            continue;
        };
        let port = local
            .rsplit_once(':')
            .and_then(|(_, port)| u16::from_str_radix(port, 16).ok());
        // The accepted connections share the listener's port; only one row on
        // that port is in state LISTEN.
        if *state != "0A" || port != Some(addr.port()) {
            continue;
        }
        let length = queues
            .split_once(':')
            .and_then(|(_tx_queue, rx_queue)| u32::from_str_radix(rx_queue, 16).ok())
            .with_context(|| format!("{table}: no tx_queue:rx_queue in {row:?}"))?;
        return Ok(Some(length));
    }
    anyhow::bail!("{table} has no LISTEN row for port {}", addr.port())
}
// ANCHOR_END: proc_net_tcp

/// Elsewhere there is no /proc/net/tcp to read.
#[cfg(not(target_os = "linux"))]
pub fn accept_queue(_addr: SocketAddr) -> Result<Option<u32>> {
    Ok(None)
}
