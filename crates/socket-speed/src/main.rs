//! How fast is a socket? Measured on loopback, in one run: round trips of the first
//! article's exchange, bulk transfer over TCP, a Unix stream socket and UDP with
//! buffers from 1 KiB to 256 KiB, a memory copy as the machine's limit, and the
//! same exchange written in Python as the articles write it.
//!
//! Run it:  cargo run --release -p socket-speed [--quick]
//!
//! Each measurement runs for a time budget, 0.5 s in three rounds of which the best
//! counts (10 ms with --quick, which only checks that everything works), and prints
//! its row as soon as it has it; the whole run takes about 15 s. One module per
//! measurement:
//!   round_trip  send b"hello", recv(1024), send back b"HELLO"
//!   bulk        sendall and recv with one buffer size, over TCP and AF_UNIX, and
//!               TCP's largest segment on loopback, a size worth a row of its own
//!   udp         datagrams as fast as they go, and how many were lost
//!   memcpy      the same bytes copied in memory, with no socket
//!   python      python/speed.py, the articles' code, timed the same way
//!
//! The tables are printed here; the Python rows in versus_python.rs, the summary
//! at the end and the way figures are written in summary.rs.

mod bulk;
mod machine;
mod measure;
mod memcpy;
mod python;
mod round_trip;
mod summary;
mod udp;
mod versus_python;

use std::time::Duration;

use anyhow::{Result, bail};

use measure::{Budget, ROUNDS};
use summary::{Bulk, in_short, kib, ratio};
use versus_python::against_python;

const FULL: Budget = Budget(Duration::from_millis(500));
const QUICK: Budget = Budget(Duration::from_millis(10));
const USAGE: &str = "usage: socket-speed [--quick]";

const KIB: usize = 1024;
/// Buffer sizes for send and recv: the articles' recv(1024) up to 256 KiB.
const SIZES: [usize; 5] = [KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB];
/// Datagram sizes. A UDP datagram over IPv4 carries at most 65507 bytes, so the
/// largest here is 63 KiB, not 64.
const DATAGRAM_SIZES: [usize; 4] = [KIB, 4 * KIB, 16 * KIB, 63 * KIB];

fn main() -> Result<()> {
    // `--help`, bad and extra arguments: the usage, exit 2 (program-support).
    let args = program_support::arguments(USAGE);
    let budget = match args.as_slice() {
        [] => FULL,
        [quick] if quick == "--quick" => QUICK,
        _ => program_support::usage_error("unexpected arguments"),
    };
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: a debug build, so these figures are not representative; \
             run `cargo run --release -p socket-speed`"
        );
    }
    println!(
        "How fast is a socket? On loopback; each figure is the best of {ROUNDS} rounds, {:?} in all.",
        budget.0
    );
    println!("machine: {}", machine::describe());

    let trips = round_trips(budget)?;
    let bulk = bulk_transfers(budget)?;
    datagrams(budget)?;
    let python = against_python(budget, &trips, &bulk.tcp_1k)?;
    in_short(&trips, &bulk, python.as_ref());
    Ok(())
}

fn round_trips(budget: Budget) -> Result<round_trip::RoundTrips> {
    println!();
    println!(
        "{:<62}{:>10}{:>9}",
        "Round trips: send b\"hello\", recv(1024), send back b\"HELLO\"", "per second", "µs each"
    );
    round_trip::measure(budget, |label, timed| {
        println!(
            "  {label:<60}{:>10.0}{:>9.1}",
            timed.per_second(),
            timed.micros_each()
        );
    })
}

fn bulk_transfers(budget: Budget) -> Result<Bulk> {
    println!();
    println!("Bulk transfer: sendall(buffer), recv(buffer size); MiB/s, and KiB per recv");
    println!(
        "  {:<9}{:>8}{:>9}{:>10}{:>10}{:>8}{:>10}{:>10}",
        "buffer", "memcpy", "TCP", "vs memcpy", "per recv", "Unix", "vs memcpy", "per recv"
    );
    // One more row: a buffer of exactly one loopback segment, which 64 KiB is not.
    #[cfg(unix)]
    let segment = Some(bulk::loopback_segment_size()?);
    #[cfg(not(unix))]
    let segment: Option<usize> = None;
    let mut sizes = SIZES.to_vec();
    match segment {
        Some(segment) => sizes.push(segment),
        None => println!(
            "  {:<9}{:>8}",
            "segment", "n/a (TCP_MAXSEG is read on Unix only)"
        ),
    }
    sizes.sort();
    let mut rows = Vec::new();
    for size in sizes {
        let copy = memcpy::measure(size, budget)?;
        let tcp = bulk::tcp(size, budget)?;
        #[cfg(unix)]
        let unix = Some(bulk::unix(size, budget)?);
        #[cfg(not(unix))]
        let unix: Option<bulk::Transfer> = None;
        let unix_cells = match unix {
            Some(unix) => format!(
                "{:>8.0}{:>10}{:>10.1}",
                unix.mib_per_second(),
                ratio(unix.mib_per_second(), copy.mib_per_second()),
                unix.kib_per_recv()
            ),
            None => format!("{:>8}", "n/a"),
        };
        println!(
            "  {:<9}{:>8.0}{:>9.0}{:>10}{:>10.1}{unix_cells}",
            kib(size),
            copy.mib_per_second(),
            tcp.mib_per_second(),
            ratio(tcp.mib_per_second(), copy.mib_per_second()),
            tcp.kib_per_recv(),
        );
        rows.push((size, copy, tcp, unix));
    }
    let row = |size| rows.iter().find(|row| row.0 == size).copied();
    match (row(KIB), row(64 * KIB)) {
        (Some((_, _, tcp_1k, _)), Some((_, memcpy_64k, tcp_64k, unix_64k))) => Ok(Bulk {
            tcp_1k,
            tcp_segment: segment.and_then(row).map(|(size, _, tcp, _)| (size, tcp)),
            tcp_64k,
            memcpy_64k,
            unix_64k,
        }),
        _ => bail!("SIZES must include 1 KiB and 64 KiB, which the summary compares"),
    }
}

fn datagrams(budget: Budget) -> Result<()> {
    println!();
    println!("UDP: datagrams of one size, sent as fast as send() goes");
    println!(
        "  {:<10}{:>10}{:>10}{:>10}{:>10}",
        "datagram", "sent", "received", "lost", "MiB/s"
    );
    for size in DATAGRAM_SIZES {
        let udp = udp::measure(size, budget)?;
        println!(
            "  {:<10}{:>10}{:>10}{:>10}{:>10.0}",
            kib(size),
            udp.sent,
            udp.received,
            udp.lost(),
            udp.mib_per_second()
        );
    }
    Ok(())
}
