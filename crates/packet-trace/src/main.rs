//! A packet tracer: every TCP segment of a connection, numbered as the article does.
//!
//! Run it:  cargo run -p packet-trace [-- COMMAND [ARGS...]]
//!
//! It first moves into a private network namespace of its own (see namespace.rs):
//! there it may open a packet socket without being root, and its loopback carries
//! nothing but its own packets.
//!
//! With no arguments it makes one connection by itself and shows it: the handshake
//! (A, B, A+1, B+1), a line of data each way, and the close. With a COMMAND it runs
//! that command inside the namespace and shows every connection the command makes
//! on loopback: an example of the course, or your own exercise.

#[cfg(target_os = "linux")]
mod demo;
#[cfg(target_os = "linux")]
mod peer;

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    packet_trace::quiet_on_closed_stdout();
    use anyhow::Context;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rest = &args[..];
    let mut peer = None;
    while let Some(first) = rest.first().map(String::as_str) {
        match first {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--connect" | "--serve" => peer = Some(first),
            "--" => {
                rest = &rest[1..];
                break;
            }
            _ if first.starts_with('-') => {
                eprintln!("packet-trace: unknown option {first}\n{USAGE}");
                std::process::exit(2);
            }
            _ => break,
        }
        rest = &rest[1..];
    }
    let command = rest;
    if peer.is_some() && command.is_empty() {
        eprintln!(
            "packet-trace: {} needs a COMMAND\n{USAGE}",
            peer.unwrap_or_default()
        );
        std::process::exit(2);
    }
    // ANCHOR: main
    packet_trace::enter()?; // first, while this process has one thread
    let capture = packet_trace::capture::Capture::start()?;
    if command.is_empty() {
        demo::one_connection()?;
    } else if peer == Some("--connect") {
        println!("tracing: {} (and a client of ours)", command.join(" "));
        peer::connect_to(command)?;
    } else if peer == Some("--serve") {
        println!("tracing: {} (and a server of ours)", command.join(" "));
        let status = peer::serve(command)?;
        println!("{} exited: {status}", command[0]);
    } else {
        println!("tracing: {}", command.join(" "));
        let status = std::process::Command::new(&command[0])
            .args(&command[1..])
            .env(packet_trace::INSIDE, "1") // a course program started here stays here
            .status()
            .with_context(|| format!("cannot start {}", command[0]))?;
        println!("{} exited: {status}", command[0]);
    }
    print!("{}", packet_trace::show::show_all(&capture.finish()?));
    // ANCHOR_END: main
    Ok(())
}

#[cfg(target_os = "linux")]
const USAGE: &str = "usage: packet-trace [--connect | --serve] [--] [COMMAND [ARGS...]]
  with no arguments, trace one connection made by the tracer itself;
  with a COMMAND, run it in the tracer's private network namespace and trace
  every TCP connection it makes on loopback;
  --connect: COMMAND is a server: once it prints `listening on ADDR`, connect,
             send \"hello\\n\", read the reply, close, and stop it;
  --serve:   COMMAND is a client: run it with the address of an upper-casing
             server of ours as its last argument, and \"hello\\n\" on its stdin";

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("packet-trace: {}", packet_trace::LINUX_ONLY);
}
