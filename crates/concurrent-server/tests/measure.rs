//! `load --addr`: the clients in one process, the server in another, any server.

use predicates::prelude::*;
use test_support::{Program, closed_port, program_under_test};
#[cfg(target_os = "linux")]
use test_support::{python_script, python3};

const CHAPTER: &str = "book/src/socket-speed.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// Runs `load --addr` against the server started by `server`, and checks the run.
/// (Linux only: the server's memory and CPU time come from /proc.)
#[cfg(target_os = "linux")]
fn measure(server: &Program, args: &[&str], name: &str) {
    let (running, addr) = server.start_server(args);
    let (addr, pid) = (addr.to_string(), running.id().to_string());
    let run = program().run(
        &[
            "load",
            "--addr",
            &addr,
            "--server-pid",
            &pid,
            "--name",
            name,
            "--clients",
            "50",
            "--rounds",
            "4",
        ],
        "",
    );
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("answered: 50 of 50"),
            "every client answered while all stay connected",
        )
        .assert_stdout(
            predicate::str::contains("200 round trips"),
            "4 round trips each",
        )
        .assert_stdout(
            predicate::str::contains("every answer was right, none was lost"),
            "nothing lost",
        )
        .assert_stdout(
            predicate::str::contains(" MiB resident")
                .and(predicate::str::contains("µs per round trip"))
                .and(predicate::str::contains(format!(
                    "row: | {name} | 50 | 50 |"
                ))),
            "the server's memory and CPU time, from /proc",
        );
}

#[cfg(target_os = "linux")]
#[test]
fn load_measures_each_mode_in_a_process_of_its_own() {
    for mode in ["threads", "poll", "tokio"] {
        measure(
            &program(),
            &["127.0.0.1:0", "--mode", mode, "--quiet"],
            mode,
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn load_measures_the_python_servers_too() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    for server in ["selectors", "asyncio"] {
        let script = python_script(&format!("{server}_server.py"));
        measure(&python, &[&script, "0"], server);
    }
}

#[test]
fn load_without_a_server_says_which_address_failed() {
    let closed = closed_port();
    let addr = closed.addr.to_string();
    let run = program().run(
        &["load", "--addr", &addr, "--clients", "2", "--wait", "1"],
        "",
    );
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(format!("2 of 2 clients got no answer from {addr}"))
            .and(predicate::str::contains("Connection refused")),
        "names the address and what went wrong",
    );
}
