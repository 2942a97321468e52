//! The guard ends a program together with every process it started.
#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

use test_support::Program;

fn shell() -> Program {
    Program::new("/bin/sh", "crates/test-support")
}

/// Whether process `pid` is gone (or only a zombie waiting for its parent).
fn gone_soon(pid: u32) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    false
}

#[test]
fn dropping_a_running_program_kills_the_child_it_started() {
    let mut running = shell().spawn(&["-c", "sleep 60 & echo $!; wait"]);
    let pid: u32 = running.next_line("the child's pid").parse().expect("a pid");
    drop(running);
    assert!(
        gone_soon(pid),
        "the program's child {pid} outlived the guard"
    );
}

#[test]
fn run_returns_although_a_child_keeps_the_pipes_open() {
    let start = Instant::now();
    // The shell exits at once; its child still holds stdout and stderr.
    let finished = shell().run(&["-c", "sleep 60 & echo $!"], "");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "run waited for the child"
    );
    let pid: u32 = finished.stdout.trim().parse().expect("a pid");
    assert!(gone_soon(pid), "the program's child {pid} outlived run()");
}
