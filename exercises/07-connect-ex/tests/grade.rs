//! Grades exercise 07, the loopback port checker built on Python's connect_ex.
//!
//! The same file grades the reference answer (solutions/07-connect-ex). The test
//! opens ports (listeners on 127.0.0.1:0 that never accept: the kernel completes
//! the handshake by itself) and closes others (bound, then released), runs the
//! checker on them and compares its output line by line. On Linux one test runs the
//! checker in a private network namespace (`unshare -rn`), where connect fails with
//! ENETUNREACH, so that a name written in for ECONNREFUSED shows.

use std::net::{SocketAddr, TcpListener, TcpStream};

use connect_ex::errno_name;
use predicates::prelude::*;
use test_support::{
    ClosedPort, Finished, Program, closed_port, loopback_listener, program_under_test,
};

const CHAPTER: &str = "the book's chapter \"connect_ex and error codes\" \
    (book/src/connect-ex.md), and exercises/07-connect-ex/hint.md";

/// The exit status that means "at least one port is closed".
const SOME_CLOSED: i32 = 2;

fn run(ports: &[String]) -> Finished {
    let program: Program = program_under_test!(CHAPTER);
    let args: Vec<&str> = ports.iter().map(String::as_str).collect();
    program.run(&args, "")
}

/// An open port: a listener kept alive by the caller.
fn open_port() -> (TcpListener, u16) {
    let (listener, addr) = loopback_listener();
    (listener, addr.port())
}

/// A closed port (reserved while the returned guard lives), and the line the checker
/// should print for it. The test finds the error number by trying the port itself,
/// so the line is right on any system.
fn closed() -> (ClosedPort, u16, String) {
    let guard = closed_port();
    let addr: SocketAddr = guard.addr;
    let error = TcpStream::connect(addr).expect_err("nothing listens on a released port");
    let code = error
        .raw_os_error()
        .expect("a refused connect has an OS number");
    let name = errno_name(code).unwrap_or_else(|| "?".into());
    (
        guard,
        addr.port(),
        format!("{} closed ({name}, {code})", addr.port()),
    )
}

fn check_lines(run: &Finished, expected: &[String]) {
    let lines: Vec<&str> = run.stdout.lines().collect();
    if lines != expected {
        run.fail(&format!(
            "The checker should print exactly one line per port, in the order given:\n{}\n\
             It printed:\n{}",
            expected.join("\n"),
            if lines.is_empty() {
                "(nothing)".to_string()
            } else {
                lines.join("\n")
            }
        ));
    }
}

fn check_status(run: &Finished, expected: i32, why: &str) {
    if run.status.code() != Some(expected) {
        run.fail(&format!(
            "{why}: the exit status should be {expected}, but it was {}.",
            run.status
        ));
    }
}

#[test]
fn an_open_port_is_open() {
    let (_listener, port) = open_port();
    let run = run(&[port.to_string()]);
    check_lines(&run, &[format!("{port} open")]);
    check_status(&run, 0, "Every port is open");
}

#[test]
fn a_closed_port_shows_the_name_and_number_connect_ex_returns() {
    let (_closed, port, line) = closed();
    let run = run(&[port.to_string()]);
    check_lines(&run, &[line]);
    check_status(
        &run,
        SOME_CLOSED,
        "A port is closed (return Ok(ExitCode::from(SOME_CLOSED)))",
    );
}

/// The number the system gives the error called `name` (ENETUNREACH is 101 on most
/// Linux machines, 128 on MIPS), found through the lesson's own errno_name.
#[cfg(target_os = "linux")]
fn errno_code(name: &str) -> i32 {
    (1..4096)
        .find(|&code| errno_name(code).as_deref() == Some(name))
        .unwrap_or_else(|| panic!("errno_name knows no {name} on this system"))
}

/// `unshare` with the flags that make a private network namespace here: `-rn` (a
/// user namespace too, as any user may where unprivileged user namespaces are
/// allowed), or `-n` (root). Fails with what is missing when neither works.
#[cfg(target_os = "linux")]
fn private_network_namespace() -> &'static str {
    let mut refusals = Vec::new();
    for flags in ["-rn", "-n"] {
        match std::process::Command::new("unshare")
            .args([flags, "true"])
            .stdin(std::process::Stdio::null())
            .output()
        {
            Ok(probe) if probe.status.success() => return flags,
            Ok(probe) => refusals.push(format!(
                "`unshare {flags} true` said: {}",
                String::from_utf8_lossy(&probe.stderr).trim()
            )),
            Err(error) => refusals.push(format!("`unshare {flags}` did not start: {error}")),
        }
    }
    panic!(
        "\n\nThis test runs your checker in a private network namespace (where connect \
         fails with ENETUNREACH), and this machine would not make one:\n    {}\n\
         It needs `unshare` (util-linux) and user namespaces open to every user (the \
         sysctl user.max_user_namespaces above 0; on Ubuntu also \
         kernel.apparmor_restrict_unprivileged_userns=0), or root. Your checker is \
         not at fault.\n",
        refusals.join("\n    ")
    )
}

/// An error other than ECONNREFUSED, with its own name. In a network namespace of
/// its own even loopback is down, so connect() to 127.0.0.1 fails at once with
/// ENETUNREACH, before any packet leaves. Linux only: `unshare` and network
/// namespaces are Linux's; elsewhere the refused ports above are the grade.
#[cfg(target_os = "linux")]
#[test]
fn another_error_gets_its_own_name_not_always_econnrefused() {
    let port = "9999";
    let code = errno_code("ENETUNREACH");
    let expected = format!("{port} closed (ENETUNREACH, {code})");
    let flags = private_network_namespace();
    let program: Program = program_under_test!(CHAPTER);
    let inside = Program::new("unshare", CHAPTER).with_package(env!("CARGO_PKG_NAME"));
    let run = inside.run(&[flags, program.path(), port], "");

    let lines: Vec<&str> = run.stdout.lines().collect();
    if lines != [expected.as_str()] {
        // What it printed, read back: `PORT closed (NAME, CODE)`.
        let printed = lines.first().and_then(|line| {
            let inner = line
                .strip_prefix(&format!("{port} closed ("))?
                .strip_suffix(')')?;
            let (name, number) = inner.split_once(", ")?;
            Some((name.to_string(), number.parse::<i32>().ok()?))
        });
        let why = match printed {
            Some((name, number)) => {
                let right_name = errno_name(number).unwrap_or_else(|| "?".into());
                if name != right_name {
                    format!(
                        "It printed the name {name} for the number {number}, but \
                         errno_name({number}) is {right_name}. The name must come from the \
                         number connect_ex returned (errno_name(code), `?` when it has \
                         none), not be written into the program: a refused port is only \
                         one of the ways a connect fails."
                    )
                } else {
                    format!(
                        "It printed {number}, {name}, but connect() failed with {code}: \
                         print the number raw_os_error() gives, whatever it is."
                    )
                }
            }
            None => "Print exactly one line, `PORT closed (NAME, CODE)`.".to_string(),
        };
        let problem = format!(
            "The test ran the checker with port {port} inside a private network namespace \
             (`unshare {flags}`), where even loopback is down: connect() to \
             127.0.0.1:{port} fails at once with ENETUNREACH ({code}), not ECONNREFUSED. \
             The checker should print exactly:\n{expected}\nIt printed:\n{}\n{why}",
            if lines.is_empty() {
                "(nothing)".to_string()
            } else {
                lines.join("\n")
            }
        );
        let reproduce = format!(
            "cargo build -q -p {} && unshare {flags} {} {port}",
            env!("CARGO_PKG_NAME"),
            program.path()
        );
        run.fail_exchange(&problem, &Default::default(), &reproduce);
    }
    check_status(
        &run,
        SOME_CLOSED,
        "A port is unreachable, so it is closed (return Ok(ExitCode::from(SOME_CLOSED)))",
    );
}

#[test]
fn one_line_per_port_in_the_order_given() {
    let (_a, a) = open_port();
    let (_closed, b, b_line) = closed();
    let (_c, c) = open_port();
    let run = run(&[a.to_string(), b.to_string(), c.to_string(), a.to_string()]);
    check_lines(
        &run,
        &[
            format!("{a} open"),
            b_line,
            format!("{c} open"),
            format!("{a} open"),
        ],
    );
    check_status(&run, SOME_CLOSED, "One of the ports is closed");
}

#[test]
fn several_open_ports_exit_with_0() {
    let (_a, a) = open_port();
    let (_b, b) = open_port();
    let run = run(&[a.to_string(), b.to_string()]);
    check_lines(&run, &[format!("{a} open"), format!("{b} open")]);
    check_status(&run, 0, "Every port is open");
}

#[test]
fn a_bad_argument_is_a_clean_error_before_any_port_is_tried() {
    let (_listener, port) = open_port();
    for bad in ["http", "70000", "0", "-1", "80.5"] {
        let run = run(&[port.to_string(), bad.to_string()]);
        run.assert_clean_error()
            .assert_stderr(
                predicate::str::contains(bad),
                &format!("{bad:?} is not a port from 1 to 65535: the error should quote it."),
            )
            .assert_stdout(
                predicate::str::is_empty(),
                &format!(
                    "With a bad argument ({bad:?}) among the ports, check every argument \
                     before trying any port, and print nothing on stdout."
                ),
            );
        check_status(&run, 1, "A bad argument is an error (return an Err)");
    }
}

#[test]
fn no_port_at_all_is_a_usage_error() {
    let run = run(&[]);
    run.assert_clean_error().assert_stderr(
        predicate::str::contains("usage"),
        "With no PORT, say how to use the checker (the USAGE line).",
    );
    check_status(&run, 1, "No PORT is an error (return an Err)");
}
