//! peer-sock-names prints both ends of a connection as each side sees them.

use std::net::{SocketAddr, TcpListener};

use predicates::prelude::*;
use test_support::{Program, connect, program_under_test};

const CHAPTER: &str = "book/src/peer-sock-names.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// The two addresses on the table row for `socket`: (getsockname, getpeername).
fn row<'a>(stdout: &'a str, socket: &str, from: usize) -> (&'a str, &'a str) {
    let line = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(socket))
        .nth(from)
        .unwrap_or_else(|| panic!("no row for {socket:?} in:\n{stdout}"));
    let rest = line.trim_start()[socket.len()..].trim_start();
    let (sock, peer) = rest.split_once(' ').expect("two columns");
    (sock, peer.trim())
}

fn ipv6_loopback_available() -> bool {
    TcpListener::bind("[::1]:0").is_ok()
}

#[test]
fn the_demo_shows_each_end_from_both_sides() {
    let run = program().run(&[], "");
    run.assert_success().assert_stdout(
        predicate::str::starts_with("listening on 127.0.0.1:"),
        "a server's first line",
    );
    let out = &run.stdout;
    let first: SocketAddr = out.lines().next().unwrap()["listening on ".len()..]
        .parse()
        .unwrap();
    assert_ne!(first.port(), 0);
    assert!(out.contains(&format!("the kernel chose port {}", first.port())));

    let families = if ipv6_loopback_available() { 2 } else { 1 };
    for n in 0..families {
        let (client_sock, client_peer) = row(out, "client  ", n);
        let (conn_sock, conn_peer) = row(out, "server's conn", n);
        assert_eq!(
            client_sock, conn_peer,
            "client's getsockname is conn's getpeername"
        );
        assert_eq!(client_peer, conn_sock, "and the other way round");
        let (_, unconnected) = row(out, "client, before connect()", n);
        assert!(
            unconnected.contains("NotConnected (OS code"),
            "{unconnected}"
        );
        let (_, listener) = row(out, "server's listener", n);
        assert!(listener.contains("NotConnected"), "{listener}");
    }
    assert!(!out.contains(": NO"), "every comparison holds:\n{out}");
    if families == 2 {
        assert!(out.contains("listening on [::1]:"), "{out}");
    } else {
        assert!(out.contains("IPv6 part is skipped"), "{out}");
    }
}

#[test]
fn with_an_address_it_shows_a_real_client() {
    let (mut server, addr) = program().start_server(&["127.0.0.1:0"]);
    server.wait_for_line_containing("peer -- connect 127.0.0.1", "how to connect a client");
    let client = connect(addr);
    let me = client.local_addr().unwrap();
    let run = server.finish();
    run.assert_success();
    let (sock, peer) = row(&run.stdout, "server's conn", 0);
    assert_eq!(
        (sock, peer),
        (addr.to_string().as_str(), me.to_string().as_str())
    );
}

#[test]
fn a_bad_address_is_a_clear_error() {
    program()
        .run(&["somewhere:80"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("\"somewhere:80\" is not an address"),
            "the error quotes the argument",
        );
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["127.0.0.1:0", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
