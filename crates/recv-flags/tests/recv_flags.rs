//! recv-flags: the demo runs by itself and shows what each flag does; its arguments.

use predicates::prelude::*;
use test_support::{Program, program_under_test};

const CHAPTER: &str = "book/src/recv-flags.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

#[cfg(target_os = "linux")]
#[test]
fn the_demo_shows_each_flag() {
    let run = program().run(&[], "");
    run.assert_success();
    for (seen, what) in [
        (
            "peek(1024)  returned 5 bytes b\"hello\"",
            "MSG_PEEK leaves the bytes",
        ),
        (
            "recv(1024)  returned 5 bytes b\"hello\"",
            "recv then takes them",
        ),
        ("called recv more than 1000 times", "a loop of peeks spins"),
        (
            "recv(10, MSG_WAITALL) returned 10 bytes",
            "MSG_WAITALL waits",
        ),
        (
            "closed:  recv(10, MSG_WAITALL) returned 3 bytes",
            "a close ends the wait",
        ),
        (
            "timeout 0.2: recv(10, MSG_WAITALL) returned 3 bytes",
            "a timeout ends it",
        ),
        ("(kind WouldBlock)", "MSG_DONTWAIT does not wait"),
        (
            "recv(10, MSG_TRUNC) returned 26",
            "MSG_TRUNC: the true length",
        ),
        ("msg_flags has MSG_TRUNC: true", "recvmsg reports the cut"),
        (
            "the buffer is still b\"..........\"",
            "MSG_TRUNC on TCP discards",
        ),
        ("recv(1, MSG_OOB)   returned b\"!\"", "the urgent byte"),
        ("b\"ab!cd\" in all", "SO_OOBINLINE"),
        (
            "send(b\"x\")              : killed by SIGPIPE",
            "SIGPIPE kills",
        ),
        (
            "MSG_NOSIGNAL): send failed with EPIPE",
            "MSG_NOSIGNAL prevents it",
        ),
    ] {
        run.assert_stdout(
            predicate::str::contains(seen),
            &format!("The demo should show that {what}: a line with {seen:?}."),
        );
    }
}

#[test]
fn help_prints_usage_and_exits_0() {
    program()
        .run(&["--help"], "")
        .assert_success()
        .assert_stdout(
            predicate::str::contains("usage: recv-flags"),
            "--help prints the usage",
        );
}

#[test]
fn a_bad_argument_prints_usage_and_exits_2() {
    let run = program().run(&["--bogus"], "");
    if run.status.code() != Some(2) {
        run.fail("A bad argument should exit with status 2.");
    }
    run.assert_stderr(
        predicate::str::contains("usage: recv-flags"),
        "usage on stderr",
    );
}
