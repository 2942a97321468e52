//! socket-params prints what socket(family, type, 0) did for every pair. The test
//! makes the same calls itself, in the same process conditions (same user, same
//! kernel), and checks that every row says what really happens: the table must not
//! claim what it did not observe.

use predicates::prelude::*;
use socket2::{Domain, Protocol, Socket, Type};
use test_support::{Finished, Program, program_under_test};

const CHAPTER: &str = "book/src/socket-params.md";

const FAMILIES: [(&str, Domain); 3] = [
    ("AF_INET", Domain::IPV4),
    ("AF_INET6", Domain::IPV6),
    ("AF_UNIX", Domain::UNIX),
];

fn types() -> [(&'static str, Type); 5] {
    [
        ("SOCK_STREAM", Type::STREAM),
        ("SOCK_DGRAM", Type::DGRAM),
        ("SOCK_RAW", Type::RAW),
        ("SOCK_RDM", Type::from(4)),
        ("SOCK_SEQPACKET", Type::SEQPACKET),
    ]
}

fn run_demo() -> Finished {
    let program: Program = program_under_test!(CHAPTER);
    let run = program.run(&[], "");
    run.assert_success();
    run
}

/// The table's rows: the lines that start with a family's name, in order.
fn rows(stdout: &str) -> Vec<Vec<&str>> {
    stdout
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|words| words.first().is_some_and(|w| w.starts_with("AF_")))
        .collect()
}

/// What a row says of a socket(): "created", or the error number it printed.
fn verdict(row: &[&str]) -> Result<(), i32> {
    match row.get(2) {
        Some(&"created") => Ok(()),
        Some(&"failed") => Err(row
            .get(3)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("a failed row names no error number: {row:?}"))),
        _ => panic!("a row that is neither created nor failed: {row:?}"),
    }
}

#[test]
fn every_row_is_what_socket_really_does_here() {
    let run = run_demo();
    let rows = rows(&run.stdout);
    let mut expected = Vec::new();
    for (family_name, family) in FAMILIES {
        for (type_name, kind) in types() {
            expected.push((family_name, type_name, family, kind));
        }
    }
    if rows.len() != expected.len() {
        run.fail(&format!(
            "expected one row for each of the {} pairs of family and type, got {}",
            expected.len(),
            rows.len()
        ));
    }
    for (row, (family_name, type_name, family, kind)) in rows.iter().zip(expected) {
        if row[0] != family_name || row[1] != type_name {
            run.fail(&format!(
                "rows out of order: expected {family_name} {type_name}, got {row:?}"
            ));
        }
        let truth = Socket::new(family, kind, None).map_err(|e| e.raw_os_error().unwrap_or(-1));
        if truth.as_ref().map(|_| ()) != verdict(row).as_ref().map(|_| ()) {
            run.fail(&format!(
                "{family_name} {type_name}: the row says {row:?}, but socket() here gives {:?}",
                truth.map(|_| "a socket")
            ));
        }
        #[cfg(target_os = "linux")]
        if let Ok(socket) = truth {
            let number = socket.protocol().unwrap().map_or(0, i32::from);
            let claim = format!("SO_PROTOCOL {number}");
            if !row.join(" ").contains(&claim) {
                run.fail(&format!(
                    "{family_name} {type_name}: expected {claim:?} in {row:?}"
                ));
            }
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn linux_gives_the_numbers_the_chapter_explains() {
    let run = run_demo();
    for (line, problem) in [
        (
            "AF_INET SOCK_STREAM created SO_PROTOCOL 6 (tcp)",
            "proto 0 is TCP for a stream",
        ),
        (
            "AF_INET6 SOCK_DGRAM created SO_PROTOCOL 17 (udp)",
            "proto 0 is UDP for datagrams",
        ),
        (
            "AF_INET SOCK_RAW failed 93 EPROTONOSUPPORT",
            "a raw socket has no default protocol",
        ),
        (
            "AF_INET SOCK_RDM failed 94 ESOCKTNOSUPPORT",
            "no SOCK_RDM over IP",
        ),
        (
            "AF_UNIX SOCK_RDM failed 94 ESOCKTNOSUPPORT",
            "no SOCK_RDM in AF_UNIX",
        ),
        (
            "AF_UNIX SOCK_SEQPACKET created SO_PROTOCOL 0",
            "AF_UNIX has SOCK_SEQPACKET",
        ),
        (
            "AF_UNIX SOCK_RAW created SO_PROTOCOL 0 (AF_UNIX has none), but SO_TYPE says SOCK_DGRAM",
            "Linux makes an AF_UNIX SOCK_RAW a SOCK_DGRAM",
        ),
    ] {
        // Compare words, not spaces: the columns may be padded differently.
        let found = run.stdout.lines().any(|l| {
            let words = l.split_whitespace().collect::<Vec<_>>().join(" ");
            words == line || words.starts_with(&format!("{line} "))
        });
        if !found {
            run.fail(&format!("{problem}: expected a row {line:?}"));
        }
    }
    run.assert_stdout(
        predicate::str::contains("(a raw socket has no default protocol: see part 2)").count(2),
        "each refused raw row says why",
    );
}

#[test]
fn part_two_agrees_with_this_users_privilege() {
    let run = run_demo();
    // The test runs as the same user as the program, so it may create the same.
    let truth = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4));
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)"))
        .unwrap_or_else(|| run.fail("no row for socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)"))
        .to_string();
    match truth {
        Ok(_) => {
            if !line.contains("created  SO_PROTOCOL 1 (icmp)") && !line.contains("created  (") {
                run.fail(&format!(
                    "this user may open a raw ICMP socket, yet: {line}"
                ));
            }
        }
        Err(error) => {
            let code = error.raw_os_error().unwrap();
            if !line.contains(&format!("failed   {code} ")) {
                run.fail(&format!(
                    "this user gets error {code} for raw ICMP, yet: {line}"
                ));
            }
        }
    }
    #[cfg(target_os = "linux")]
    {
        let has_cap = run.stdout.contains("CAP_NET_RAW: yes");
        let lacks_cap = run.stdout.contains("CAP_NET_RAW: no");
        if has_cap == lacks_cap || has_cap != line.contains("created") {
            run.fail("the CAP_NET_RAW line and the raw ICMP row disagree");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_stream_runs_messages_together_and_seqpacket_keeps_them_apart() {
    let run = run_demo();
    for (type_name, received) in [
        ("SOCK_STREAM", r#"b"onetwothree""#),
        ("SOCK_DGRAM", r#"b"one""#),
        ("SOCK_SEQPACKET", r#"b"one""#),
    ] {
        let found = run.stdout.lines().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.starts_with(&[type_name, "recv(1024)", "->", received])
        });
        if !found {
            run.fail(&format!(
                "part 3: one recv on {type_name} should return {received}"
            ));
        }
    }
}

#[test]
fn arguments_are_refused_with_the_usage() {
    let program: Program = program_under_test!(CHAPTER);
    program
        .run(&["AF_INET"], "")
        .assert_clean_error()
        .assert_stderr(predicate::str::contains("usage"), "shows the usage");
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}
