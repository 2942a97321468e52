//! `cargo course trace N`: run exercise N's program under the packet tracer
//! (crates/packet-trace) and draw its TCP segments as a sequence diagram.
//!
//! The tracer runs the program in a private network namespace (Linux), with a peer:
//! a client of the tracer's if the exercise's tests start it as a server, a server of
//! the tracer's if they give it a listener to connect to, none otherwise (exercise 14
//! is its own peer). The peer speaks the first article's protocol: "hello" one way,
//! "HELLO" back.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use course::exercises::Exercise;

pub fn run(root: &Path, exercise: &Exercise) -> Result<ExitCode> {
    let package = exercise.package();
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "packet-trace", "-p", &package])
        .current_dir(root)
        .status()
        .context("cargo build")?;
    if !status.success() {
        bail!(
            "`cargo build -p {package}` failed: fix the compile errors first (cargo course check)"
        );
    }
    let target = root.join("target/debug");
    let tests = std::fs::read_to_string(exercise.test_file()).unwrap_or_default();
    let peer = if tests.contains("start_server") {
        Some("--connect") // the program is a server: the tracer connects to it
    } else if tests.contains("loopback_listener") || tests.contains("TcpListener::bind") {
        Some("--serve") // a client: the tracer listens, and passes it the address
    } else {
        None
    };
    let output = Command::new(target.join("packet-trace"))
        .args(peer)
        .arg("--")
        .arg(target.join(&package))
        .current_dir(root)
        .output()
        .context("running target/debug/packet-trace")?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{}", diagram(&text));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    Ok(if output.status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The tracer's output with each segment line drawn as an arrow between two columns.
fn diagram(trace: &str) -> String {
    const WIDTH: usize = 44;
    let mut out = String::new();
    for line in trace.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let is_segment = words.len() >= 6 && words[0].starts_with('+') && words[2] == ">";
        if !is_segment {
            out.push_str(line);
            out.push('\n');
            if line.starts_with("connection ") {
                out.push_str(&format!(
                    "  {:<10} client{}server\n",
                    "",
                    " ".repeat(WIDTH - 4)
                ));
            }
            continue;
        }
        // "+0.008ms client > server SYN seq=.. (A) ack=.. (A+1) win=.. len=.."
        let label: Vec<&str> = words[4..]
            .iter()
            .copied()
            .filter(|w| w.starts_with('(') || !w.contains('='))
            .collect();
        let mut label = label.join(" ");
        label.truncate(WIDTH - 6);
        let to_server = words[1] == "client";
        let dashes = "-".repeat(WIDTH - 4 - label.len());
        let arrow = if to_server {
            format!("|-- {label} {dashes}>|")
        } else {
            format!("|<{dashes} {label} --|")
        };
        out.push_str(&format!("  {:<10} {arrow}\n", words[0]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::diagram;

    #[test]
    fn segments_become_arrows_and_the_rest_stays() {
        let trace = "connection 1: client 127.0.0.1:1 -> server 127.0.0.1:2\n  \
            +0.000ms   client > server  SYN      seq=5 (A)   win=1 len=0\n  \
            +0.010ms   server > client  SYN/ACK  seq=9 (B) ack=6 (A+1) win=1 len=0\n";
        let drawn = diagram(trace);
        assert!(drawn.contains("|-- SYN (A) -"), "{drawn}");
        assert!(drawn.contains("-> |") || drawn.contains(">|"), "{drawn}");
        assert!(drawn.contains(" SYN/ACK (B) (A+1) --|"), "{drawn}");
        assert!(drawn.starts_with("connection 1:"), "{drawn}");
    }
}
