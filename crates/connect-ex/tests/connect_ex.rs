//! connect-ex prints, per address, what Python's connect_ex would return there.

use std::net::{SocketAddr, TcpStream};

use connect_ex::errno_name;
use predicates::prelude::*;
use test_support::{Program, closed_port, loopback_listener, program_under_test, python3};

const CHAPTER: &str = "book/src/connect-ex.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// The number this system gives for a connect to `addr`, found by trying it here.
fn refused_code(addr: SocketAddr) -> i32 {
    let error = TcpStream::connect(addr).expect_err("nothing listens there");
    error
        .raw_os_error()
        .expect("a refused connect has an OS number")
}

#[test]
fn with_no_arguments_it_shows_an_open_and_a_closed_port() {
    let run = program().run(&[], "");
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    if lines.len() != 3
        || !lines[1].contains("connect_ex = 0")
        || !lines[2].contains("ECONNREFUSED")
    {
        run.fail("expected an intro line, then `connect_ex = 0` for the open port and ECONNREFUSED for the closed one");
    }
}

#[test]
fn one_line_per_address_in_order_with_code_name_and_message() {
    let (_listener, open) = loopback_listener();
    let closed_guard = closed_port();
    let closed = closed_guard.addr;
    let code = refused_code(closed);
    let name = errno_name(code).expect("the refused code has a name");
    let run = program().run(
        &[&open.to_string(), &closed.to_string(), &open.to_string()],
        "",
    );
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    let expected_starts = [
        format!("{open}  connect_ex = 0  connected"),
        format!("{closed}  connect_ex = {code}  {name}  "),
        format!("{open}  connect_ex = 0  connected"),
    ];
    if lines.len() != 3
        || lines
            .iter()
            .zip(&expected_starts)
            .any(|(line, start)| !line.starts_with(start.as_str()))
    {
        run.fail(&format!(
            "expected lines starting with {expected_starts:#?}"
        ));
    }
    // The system's message follows the name, without std's "(os error N)" suffix.
    if !lines[1].to_lowercase().contains("refused") || lines[1].contains("os error") {
        run.fail("the closed port's line should end with the system's message, such as `Connection refused`");
    }
}

#[test]
fn ipv6_loopback_works_too_when_the_machine_has_it() {
    let Ok(listener) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("note: no IPv6 loopback here; skipping");
        return;
    };
    let open = listener.local_addr().unwrap();
    program()
        .run(&[&open.to_string()], "")
        .assert_success()
        .assert_stdout(
            predicate::str::starts_with(format!("{open}  connect_ex = 0")),
            "an IPv6 address is tried like any other",
        );
}

#[test]
fn a_bad_address_is_a_clean_error_before_any_connect() {
    let (_listener, open) = loopback_listener();
    program()
        .run(&[&open.to_string(), "localhost"], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("\"localhost\"").and(predicate::str::contains("usage")),
            "the error names the argument and shows the usage",
        )
        .assert_stdout(
            predicate::str::is_empty(),
            "no address is tried until all are valid",
        );
}

#[test]
#[cfg_attr(wine, ignore = "runs python3; CI's Wine has no Windows python3")]
fn the_numbers_are_the_ones_pythons_connect_ex_returns() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    let (_listener, open) = loopback_listener();
    let closed_guard = closed_port();
    let closed = closed_guard.addr;
    let script = [
        "import socket, sys",
        "for port in sys.argv[1:]:",
        "    with socket.socket() as sk:",
        "        print(sk.connect_ex(('127.0.0.1', int(port))))",
    ]
    .join("\n");
    let from_python = python.run(
        &[
            "-c",
            &script,
            &open.port().to_string(),
            &closed.port().to_string(),
        ],
        "",
    );
    from_python.assert_success();
    let ours = program().run(&[&open.to_string(), &closed.to_string()], "");
    ours.assert_success();
    let codes: Vec<&str> = ours
        .stdout
        .lines()
        .filter_map(|line| line.split("connect_ex = ").nth(1)?.split(' ').next())
        .collect();
    let python_codes: Vec<&str> = from_python.stdout.lines().collect();
    if codes != python_codes {
        ours.fail(&format!(
            "Python's connect_ex returned {python_codes:?} for the same two ports; we printed {codes:?}"
        ));
    }
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["nonsense"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
