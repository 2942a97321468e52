//! `check-exercises`: every exercise is complete, its stub fails every test and its
//! solution passes every test of the one shared test file.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use course::originals::Manifest;

use crate::exercises::Exercise;
pub use crate::exercises::chapter_of;

/// What is missing from an exercise's files, without building anything.
pub fn layout_problems(root: &Path, exercise: &Exercise) -> Vec<String> {
    let mut problems = Vec::new();
    let stub = fs::read_to_string(exercise.stub_source()).unwrap_or_default();
    if !stub.contains("todo!(") {
        problems.push(format!(
            "{} has no todo!()",
            exercise.stub_source().display()
        ));
    }
    if !stub.contains("// TODO") {
        problems.push(format!(
            "{} has no `// TODO` mark",
            exercise.stub_source().display()
        ));
    }
    if !exercise.test_file().is_file() {
        problems.push(format!("{} is missing", exercise.test_file().display()));
    }
    let manifest = exercise.solution_dir.join("Cargo.toml");
    match fs::read_to_string(&manifest) {
        Err(_) => problems.push(format!(
            "{} is missing: every exercise needs a solution",
            manifest.display()
        )),
        Ok(text) => {
            let shared = format!("../../exercises/{}/tests/grade.rs", exercise.name);
            if !text.contains(&shared) {
                problems.push(format!(
                    "{} does not run the exercise's own tests (expected a [[test]] with path = \"{shared}\")",
                    manifest.display()
                ));
            }
            if !text.contains("name = \"grades_the_reference_answer\"") {
                problems.push(format!(
                    "{}: name the [[test]] \"grades_the_reference_answer\", so that `cargo test` at the root says whose grade it runs",
                    manifest.display()
                ));
            }
        }
    }
    match fs::read_to_string(exercise.hint()) {
        Err(_) => problems.push(format!("{} is missing", exercise.hint().display())),
        Ok(hint) => match chapter_of(&hint) {
            None => problems.push(format!(
                "{} links no chapter of the book",
                exercise.hint().display()
            )),
            Some(chapter) if !root.join(&chapter).is_file() => problems.push(format!(
                "{} links {chapter}, which does not exist",
                exercise.hint().display()
            )),
            Some(_) => {}
        },
    }
    // The `course` tool compares a learner's files with this record (not started?
    // tests edited?), so it must match what ships.
    match Manifest::load(root) {
        Ok(manifest) => problems.extend(manifest.problems(exercise)),
        Err(error) => problems.push(format!("{error:#}")),
    }
    problems
}

/// The outcome of one `cargo test -p PACKAGE`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TestRun {
    pub succeeded: bool,
    pub passed: Vec<String>,
    pub failed: Vec<String>,
}

/// Runs the tests of `package` and sorts the test names by outcome.
pub fn run_tests(root: &Path, package: &str) -> Result<TestRun> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--quiet", "--color", "never", "--package", package])
        .args(["--", "--format", "pretty", "--color", "never"])
        .env("RUST_BACKTRACE", "0")
        .output()
        .with_context(|| format!("running cargo test --package {package}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut run = parse_test_output(&stdout);
    run.succeeded = output.status.success();
    if !run.succeeded && run.failed.is_empty() {
        // No test failed, yet cargo did: the tests did not build or did not run.
        let stderr = String::from_utf8_lossy(&output.stderr);
        anyhow::bail!("cargo test --package {package} failed before any test failed:\n{stderr}");
    }
    Ok(run)
}

/// Sorts libtest's `test NAME ... ok` / `... FAILED` lines.
pub fn parse_test_output(stdout: &str) -> TestRun {
    let mut run = TestRun::default();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            run.passed.push(name.to_string());
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            run.failed.push(name.to_string());
        }
    }
    run
}

/// Checks one exercise end to end; returns its problems (none when it is sound).
pub fn check_exercise(root: &Path, exercise: &Exercise) -> Result<Vec<String>> {
    let mut problems = layout_problems(root, exercise);
    if !problems.is_empty() {
        return Ok(problems);
    }
    let stub = run_tests(root, &exercise.package())?;
    let solution = run_tests(root, &exercise.solution_package())?;
    if stub.failed.is_empty() {
        problems.push("the stub fails no test: the tests grade nothing".into());
    }
    for name in &stub.passed {
        problems.push(format!(
            "the untouched stub passes `{name}`: that test cannot tell a stub from an answer"
        ));
    }
    if !solution.succeeded || !solution.failed.is_empty() {
        problems.push(format!(
            "the solution fails: {}",
            solution.failed.join(", ")
        ));
    }
    let stub_total = stub.passed.len() + stub.failed.len();
    if solution.passed.len() != stub_total {
        problems.push(format!(
            "the stub ran {stub_total} tests and the solution passed {}: they should run the same file",
            solution.passed.len()
        ));
    }
    println!(
        "  stub: {} of {stub_total} tests fail; solution: {} of {} pass",
        stub.failed.len(),
        solution.passed.len(),
        solution.passed.len() + solution.failed.len()
    );
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_lines_are_sorted_by_outcome() {
        let out = "running 3 tests\ntest a ... ok\ntest b ... FAILED\ntest c::d ... ok\n\ntest result: FAILED.";
        let run = parse_test_output(out);
        assert_eq!(run.passed, ["a", "c::d"]);
        assert_eq!(run.failed, ["b"]);
    }

    #[test]
    fn an_incomplete_exercise_is_reported() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("exercises/07-thing");
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(dir.join("src/main.rs"), "fn main() { todo!() }").unwrap();
        let exercise = Exercise {
            name: "07-thing".into(),
            dir,
            solution_dir: root.path().join("solutions/07-thing"),
        };
        let problems = layout_problems(root.path(), &exercise).join("\n");
        for missing in [
            "`// TODO`",
            "grade.rs is missing",
            "needs a solution",
            "hint.md is missing",
        ] {
            assert!(problems.contains(missing), "{missing} not in:\n{problems}");
        }
    }
}
