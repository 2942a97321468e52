//! How the demo prints each call: what it returned, and how long it took.

use std::time::Duration;

/// One line of the demo's output: the call, what it returned, how long it took.
pub fn report(call: &str, outcome: String, took: Duration, note: &str) {
    let ms = took.as_secs_f64() * 1000.0;
    println!("{call:<12} -> {outcome} after {ms:8.3} ms{note}");
}

pub fn count(tries: u32) -> String {
    match tries {
        1 => " (first try)".into(),
        n => format!(" ({n} tries)"),
    }
}

pub fn bytes(buffer: &[u8], n: usize) -> String {
    match n {
        0 => "0 bytes: the client closed the connection".into(),
        n => format!("{n} bytes b\"{}\"", buffer[..n].escape_ascii()),
    }
}
