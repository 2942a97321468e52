//! Grading: runs an exercise's tests with cargo and reads what libtest printed, to
//! keep only what a learner needs: each failing test's own message, or the first
//! compile error with its location.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::exercises::Exercise;
use crate::run;

/// One failing test and what it said when it panicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub test: String,
    /// `file:line:col` of the panic, when libtest printed one.
    pub location: Option<String>,
    pub message: String,
}

/// What running an exercise's tests came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed {
        tests: usize,
    },
    Failed {
        passed: usize,
        failed: usize,
        failures: Vec<Failure>,
    },
    /// The code (or the tests) did not compile: the first error, with its location.
    BuildFailed {
        first_error: String,
        errors: usize,
    },
    /// Everything built and ran, but no test ran: nothing was graded.
    NoTests,
    /// `src/main.rs` is gone: there is nothing to build.
    MissingMain,
    /// Stopped at a deadline (`stage` is `build` or `tests`), with every process
    /// the run had started.
    TimedOut {
        stage: &'static str,
        after: std::time::Duration,
        passed: usize,
    },
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed { .. })
    }
}

/// The cargo that started us (`cargo run` sets `CARGO`), else the one on `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cargo test --package exercise-<concept>` from the root, so the build shares
/// the workspace's target directory (and so is quick when nothing changed), within
/// the limits of [`run::Limits::standard`]: a deadline, every process it started
/// stopped at the end, its output capped.
pub fn run(root: &Path, exercise: &Exercise) -> Result<Outcome> {
    if !exercise.stub_source().exists() {
        return Ok(Outcome::MissingMain);
    }
    let package = exercise.package();
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .args(["test", "--package", &package, "--color", "never"])
        .args(["--", "--color", "never"])
        .env("RUST_BACKTRACE", "0");
    let limits = run::Limits::standard();
    let finished = match run::run(command, limits) {
        Ok(finished) => finished,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "cargo was not found ({}): install Rust with rustup (https://rustup.rs) and open a \
             new terminal, so that cargo is on your PATH",
            cargo()
        ),
        Err(e) => bail!("could not run `{} test --package {package}`: {e}", cargo()),
    };
    let (stdout, stderr) = (&finished.stdout, &finished.stderr);
    let Some(status) = finished.status else {
        let (stage, after) = match finished.stopped {
            Some("tests") => ("tests", limits.tests),
            _ => ("build", limits.build),
        };
        return Ok(Outcome::TimedOut {
            stage,
            after,
            passed: stdout.matches(" ... ok").count(),
        });
    };
    let ran = stdout.contains("running ") || stderr.contains("could not compile");
    if !status.success() && !ran {
        // Neither a test nor the compiler ran: cargo itself stopped (a missing
        // toolchain component, a broken Cargo.toml, no network for a dependency).
        bail!(
            "`cargo test --package {package}` stopped before it built anything:\n{}",
            last_lines(&quiet(stderr), 8)
        );
    }
    let mut outcome = parse(status.success(), stdout, &quiet(stderr));
    if let Outcome::Failed { failures, .. } = &mut outcome {
        let source = std::fs::read_to_string(exercise.test_file()).unwrap_or_default();
        in_source_order(failures, &source);
    }
    Ok(outcome)
}

/// cargo's stderr without its progress lines (`Compiling`, `Finished`, `Running`…).
fn quiet(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| {
            let word = line.trim_start().split(' ').next().unwrap_or("");
            !(line.starts_with("  ")
                && matches!(
                    word,
                    "Compiling" | "Finished" | "Running" | "Doc-tests" | "Blocking" | "Checking"
                ))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sorts failures in the order their tests are written in `source` (a grade goes
/// from the first thing to do to the last), tests not found there last.
pub fn in_source_order(failures: &mut [Failure], source: &str) {
    let position = |test: &str| {
        let name = test.rsplit("::").next().unwrap_or(test);
        source.find(&format!("fn {name}(")).unwrap_or(usize::MAX)
    };
    failures.sort_by_key(|failure| (position(&failure.test), failure.test.clone()));
}

/// Reads cargo's and libtest's output (`--color never`, `RUST_BACKTRACE=0`).
pub fn parse(success: bool, stdout: &str, stderr: &str) -> Outcome {
    let mut saw_result = false;
    let (mut passed, mut failed) = (0, 0);
    for line in stdout.lines() {
        if let Some(summary) = line.strip_prefix("test result: ") {
            saw_result = true;
            passed += count_before(summary, " passed");
            failed += count_before(summary, " failed");
        }
    }
    if success {
        return if saw_result && passed > 0 {
            Outcome::Passed { tests: passed }
        } else {
            Outcome::NoTests
        };
    }
    if !saw_result && stderr.contains("could not compile") {
        return Outcome::BuildFailed {
            first_error: first_error(stderr),
            errors: count_before(stderr, " previous error").max(1),
        };
    }
    let mut failures = failures(stdout);
    if failures.is_empty() {
        // It failed with no test's message: a test binary that crashed, or cargo
        // itself. Its last words say why.
        failures.push(Failure {
            test: "(the test run)".into(),
            location: None,
            message: last_lines(stderr, 6),
        });
    }
    Outcome::Failed {
        passed,
        failed: failed.max(failures.len()),
        failures,
    }
}

/// The number just before `word` in `text`, as in `3 passed` or `due to 2 previous errors`.
fn count_before(text: &str, word: &str) -> usize {
    let Some(end) = text.find(word) else {
        return 0;
    };
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

/// Each `---- NAME stdout ----` section of libtest's failure report, reduced to the
/// panic's location and message.
fn failures(stdout: &str) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in stdout.lines() {
        let header = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"));
        // The list of names after the sections, and the summary, end the last one.
        let ends = header.is_some() || line == "failures:" || line.starts_with("test result:");
        if ends {
            if let Some((test, lines)) = current.take() {
                failures.push(failure(test, &lines));
            }
        }
        if let Some(test) = header {
            current = Some((test.to_string(), Vec::new()));
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some((test, lines)) = current {
        failures.push(failure(test, &lines));
    }
    // Tests run in parallel and are reported as they finish: sort, so the same code
    // gets the same report.
    failures.sort_by(|a, b| a.test.cmp(&b.test));
    failures
}

/// One section: whatever the test printed, then `thread 'NAME' (ID) panicked at
/// LOCATION:`, the message, and a note about backtraces. Keeps the message.
fn failure(test: String, lines: &[&str]) -> Failure {
    let panic = lines
        .iter()
        .position(|line| line.starts_with("thread '") && line.contains(" panicked at "));
    let (location, body) = match panic {
        Some(i) => {
            let at =
                &lines[i][lines[i].find(" panicked at ").unwrap_or(0) + " panicked at ".len()..];
            let location = at.trim_end_matches(':').trim();
            (Some(location.to_string()), &lines[i + 1..])
        }
        None => (None, lines),
    };
    let body: Vec<&str> = body
        .iter()
        .copied()
        .take_while(|line| {
            !line.starts_with("note: run with `RUST_BACKTRACE")
                && !line.starts_with("stack backtrace:")
        })
        .collect();
    Failure {
        test,
        location,
        message: tidy(&body),
    }
}

/// The lines without blank ones at either end, and at most one blank line in a row.
fn tidy(lines: &[&str]) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() && kept.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|line| line.is_empty()) {
        kept.pop();
    }
    kept.join("\n")
}

/// The first compile error in cargo's output: its headline, `--> file:line:col` and
/// the source lines rustc shows under it, up to the blank line that ends it.
fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|line| {
        line.starts_with("error")
            && !line.starts_with("error: could not compile")
            && !line.starts_with("error: test failed")
    });
    match start {
        Some(start) => {
            let block: Vec<&str> = lines[start..]
                .iter()
                .copied()
                .enumerate()
                .take_while(|(i, line)| *i == 0 || !line.trim().is_empty())
                .map(|(_, line)| line)
                .take(14)
                .collect();
            tidy(&block)
        }
        None => last_lines(stderr, 8),
    }
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILING: &str = "
running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 3 tests
a_first --- FAILED
b_second --- FAILED

failures:

---- a_first stdout ----
the program said hello

thread 'a_first' (19622) panicked at exercises/01-x/tests/grade.rs:17:13:


The program stopped before printing its first line.

Read: the book.

note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- b_second stdout ----

thread 'b_second' panicked at tests/grade.rs:30:5:
assertion `left == right` failed
  left: 1
 right: 2
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    a_first
    b_second

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

";

    #[test]
    fn failing_tests_keep_their_panic_messages() {
        let outcome = parse(
            false,
            FAILING,
            "error: test failed, to rerun pass `-p x --test grade`",
        );
        let Outcome::Failed {
            passed,
            failed,
            failures,
        } = outcome
        else {
            panic!("{outcome:?}");
        };
        assert_eq!((passed, failed), (1, 2));
        assert_eq!(failures[0].test, "a_first");
        assert_eq!(
            failures[0].location.as_deref(),
            Some("exercises/01-x/tests/grade.rs:17:13")
        );
        assert_eq!(
            failures[0].message,
            "The program stopped before printing its first line.\n\nRead: the book."
        );
        assert_eq!(failures[1].test, "b_second");
        assert_eq!(
            failures[1].message,
            "assertion `left == right` failed\n  left: 1\n right: 2"
        );
    }

    #[test]
    fn passing_tests_are_counted() {
        let stdout = "running 0 tests\ntest result: ok. 0 passed; 0 failed;\nrunning 4 tests\n....\ntest result: ok. 4 passed; 0 failed; 0 ignored;";
        assert_eq!(parse(true, stdout, ""), Outcome::Passed { tests: 4 });
        assert_eq!(
            parse(true, "test result: ok. 0 passed; 0 failed;", ""),
            Outcome::NoTests
        );
    }

    #[test]
    fn a_compile_error_is_its_first_error_with_its_location() {
        let stderr = "warning: unused import: `Read`
 --> exercises/01-x/src/main.rs:3:15
  |
3 | use std::io::{Read, Write};
  |               ^^^^

error[E0425]: cannot find value `listener` in this scope
  --> exercises/01-x/src/main.rs:40:5
   |
40 |     listener
   |     ^^^^^^^^ not found in this scope

error[E0308]: mismatched types
  --> exercises/01-x/src/main.rs:50:5

error: could not compile `exercise-01-x` (bin \"exercise-01-x\") due to 2 previous errors
";
        assert_eq!(
            parse(false, "", stderr),
            Outcome::BuildFailed {
                first_error: "error[E0425]: cannot find value `listener` in this scope
  --> exercises/01-x/src/main.rs:40:5
   |
40 |     listener
   |     ^^^^^^^^ not found in this scope"
                    .into(),
                errors: 2
            }
        );
    }

    #[test]
    fn a_crash_without_a_message_shows_the_end_of_cargo_output() {
        let Outcome::Failed { failures, .. } = parse(
            false,
            "running 1 test\n",
            "error: test failed\nCaused by:\n  process didn't exit successfully (signal: 11, SIGSEGV)",
        ) else {
            panic!()
        };
        assert!(failures[0].message.contains("SIGSEGV"));
    }
}
