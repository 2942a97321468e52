//! The same figures from python/speed.py, the articles' code, beside Rust's.

use anyhow::Result;

use crate::bulk::Transfer;
use crate::measure::Budget;
use crate::summary::ratio;
use crate::{python, round_trip};

pub fn against_python(
    budget: Budget,
    trips: &round_trip::RoundTrips,
    tcp_1k: &Transfer,
) -> Result<Option<python::PythonFigures>> {
    println!();
    let python = python::measure(budget)?;
    match &python {
        Some(python) => println!(
            "{}, written as the articles do (python/speed.py)",
            python.version
        ),
        None => println!("Python: no python3 on this machine, so no comparison"),
    }
    // Each row: Python's figure (if measured), its unit, and Rust's same figure.
    let row = |label: &str, figure: Option<f64>, unit: &str, rust: f64| match figure {
        Some(value) => println!(
            "  {label:<44}{value:>8.0} {unit:<11}{} Rust",
            ratio(value, rust)
        ),
        None => println!("  {label:<44}{:>8}", "skipped"),
    };
    row(
        "round trips, one connection",
        python.as_ref().map(|p| p.one_connection.per_second()),
        "per second",
        trips.one_send.per_second(),
    );
    row(
        "round trips, a new connection each",
        python.as_ref().map(|p| p.new_connection.per_second()),
        "per second",
        trips.new_connection.per_second(),
    );
    row(
        "TCP bulk, sendall(1024 bytes), recv(1024)",
        python.as_ref().map(|p| p.tcp_1024.mib_per_second()),
        "MiB/s",
        tcp_1k.mib_per_second(),
    );
    Ok(python)
}
