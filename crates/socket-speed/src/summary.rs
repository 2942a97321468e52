//! The summary at the end: the ratios the chapter talks about, worked out, and how
//! a ratio and a size are written in every table.

use crate::bulk::Transfer;
use crate::{KIB, python, round_trip};

/// The rows of the bulk table that the summary compares.
pub struct Bulk {
    pub tcp_1k: Transfer,
    /// A buffer of one loopback segment, and its size.
    pub tcp_segment: Option<(usize, Transfer)>,
    pub tcp_64k: Transfer,
    pub memcpy_64k: Transfer,
    pub unix_64k: Option<Transfer>,
}

/// The ratios the chapter talks about, worked out.
pub fn in_short(
    trips: &round_trip::RoundTrips,
    bulk: &Bulk,
    python: Option<&python::PythonFigures>,
) {
    let tcp_64k = bulk.tcp_64k.mib_per_second();
    println!();
    println!("In short");
    println!(
        "  TCP 64 KiB: {tcp_64k:.0} MiB/s = {} memcpy (two copies alone would allow 0.50x)",
        ratio(tcp_64k, bulk.memcpy_64k.mib_per_second())
    );
    println!(
        "  TCP 1 KiB: {} TCP 64 KiB (a send and a recv for every KiB)",
        ratio(bulk.tcp_1k.mib_per_second(), tcp_64k)
    );
    match bulk.tcp_segment {
        Some((size, segment)) => println!(
            "  TCP {size} B: {} TCP 64 KiB (64 KiB is one such segment and {} bytes)",
            ratio(segment.mib_per_second(), tcp_64k),
            64 * KIB - size
        ),
        None => println!("  TCP, one segment: not measured (TCP_MAXSEG is read on Unix only)"),
    }
    match bulk.unix_64k {
        Some(unix) => println!(
            "  Unix stream 64 KiB: {} TCP 64 KiB (no TCP/IP in between)",
            ratio(unix.mib_per_second(), tcp_64k)
        ),
        None => println!("  Unix stream: not measured (AF_UNIX is Unix only)"),
    }
    println!(
        "  two send()s per message: {:.1} ms each; {:.3} ms with TCP_NODELAY",
        trips.two_sends.micros_each() / 1000.0,
        trips.two_sends_nodelay.micros_each() / 1000.0
    );
    match python {
        Some(python) => println!(
            "  Python 1 KiB: {} Rust 1 KiB; Python round trips: {} Rust",
            ratio(
                python.tcp_1024.mib_per_second(),
                bulk.tcp_1k.mib_per_second()
            ),
            ratio(
                python.one_connection.per_second(),
                trips.one_send.per_second()
            )
        ),
        None => println!("  Python: not measured (no python3)"),
    }
}

/// `a` as a multiple of `b`, with two significant digits when it is small:
/// "0.42x", "0.024x", "0.00045x" (a slow system, such as Windows under Wine, must
/// not print a ratio as "0.000x").
pub fn ratio(a: f64, b: f64) -> String {
    let r = a / b;
    let decimals = if r.is_finite() && r > 0.0 && r < 0.1 {
        // Two significant digits: 0.0xy needs 3 decimals, 0.000xy needs 5.
        (1 - r.log10().floor() as i32).clamp(3, 9) as usize
    } else {
        2
    };
    format!("{r:.decimals$}x")
}

/// "64 KiB", or "65483 B" for a size that is no whole number of KiB.
pub fn kib(size: usize) -> String {
    if size % KIB == 0 {
        format!("{} KiB", size / KIB)
    } else {
        format!("{size} B")
    }
}
