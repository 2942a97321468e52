//! The course's mutation test: every known-wrong answer must fail the test it names.
//!
//! `solutions/NN-name/wrong/*.rs` are whole `main.rs` files, each a mistake a learner
//! makes. Each starts with a header:
//!
//! ```text
//! //! Wrong: <the mistake, in one line>
//! //! Caught by: <test_name>[, <test_name>...]
//! //!
//! //! <why it is wrong>
//! ```
//!
//! To check one, its text is put in the place of the exercise's `src/main.rs` (the
//! stub), `cargo test -p exercise-… --test grade` runs the named tests, and the stub
//! is put back. That builds the wrong answer exactly as a learner's answer is built,
//! with the exercise's own dependencies, in the workspace's own `target/` (so only
//! the one binary is recompiled each time).
//!
//! The stub is restored when the check ends, however it ends (a guard with `Drop`).
//! If the process is killed in between, a copy of the stub is left in
//! `target/xtask-wrong-answers/`, and the next run puts it back before anything else
//! ([`restore_leftovers`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::checks::parse_test_output;
use crate::exercises::Exercise;

/// One file under `wrong/`, with its header read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongAnswer {
    pub path: PathBuf,
    /// The `Wrong:` line.
    pub mistake: String,
    /// The `Caught by:` tests, at least one.
    pub caught_by: Vec<String>,
}

/// Reads the `Wrong:` and `Caught by:` lines of a wrong answer's header.
pub fn parse_header(text: &str) -> Result<(String, Vec<String>)> {
    let mut lines = text.lines();
    let mistake = lines
        .next()
        .and_then(|l| l.strip_prefix("//! Wrong:"))
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .context("the first line must be `//! Wrong: <the mistake>`")?;
    let caught_by: Vec<String> = lines
        .next()
        .and_then(|l| l.strip_prefix("//! Caught by:"))
        .context("the second line must be `//! Caught by: <test_name>[, <test_name>...]`")?
        .split(',')
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect();
    if caught_by.is_empty() {
        bail!("`Caught by:` names no test");
    }
    if let Some(bad) = caught_by.iter().find(|n| {
        !n.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
    }) {
        bail!("`Caught by:` lists {bad:?}, which is not a test name");
    }
    Ok((mistake.to_string(), caught_by))
}

/// The exercise's wrong answers, in name order (none when there is no `wrong/`).
pub fn list(exercise: &Exercise) -> Result<Vec<WrongAnswer>> {
    let folder = exercise.solution_dir.join("wrong");
    let Ok(entries) = fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut answers = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let (mistake, caught_by) =
            parse_header(&text).with_context(|| format!("{}", path.display()))?;
        answers.push(WrongAnswer {
            path,
            mistake,
            caught_by,
        });
    }
    answers.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(answers)
}

/// Where the stub waits while a wrong answer takes its place.
fn backup_dir(root: &Path) -> PathBuf {
    root.join("target/xtask-wrong-answers")
}

/// Puts back every stub a killed run left swapped out; returns what it restored.
pub fn restore_leftovers(root: &Path) -> Result<Vec<PathBuf>> {
    let mut restored = Vec::new();
    let Ok(entries) = fs::read_dir(backup_dir(root)) else {
        return Ok(restored);
    };
    for entry in entries {
        let backup = entry?.path();
        let Some(name) = backup.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let stub = root.join("exercises").join(name).join("src/main.rs");
        let original = fs::read(&backup)
            .with_context(|| format!("reading the saved stub {}", backup.display()))?;
        fs::write(&stub, original).with_context(|| format!("restoring {}", stub.display()))?;
        fs::remove_file(&backup)?;
        restored.push(stub);
    }
    Ok(restored)
}

/// The stub swapped out for a wrong answer; dropping it puts the stub back.
struct Swapped {
    stub: PathBuf,
    original: Vec<u8>,
    backup: PathBuf,
    root: PathBuf,
    exercise: Exercise,
}

impl Swapped {
    fn make_newer(&self) {
        newer_than_the_last_build(&self.root, &self.exercise, &self.stub);
    }
}

impl Swapped {
    fn new(root: &Path, exercise: &Exercise, replacement: &[u8]) -> Result<Self> {
        let stub = exercise.stub_source();
        let original = fs::read(&stub).with_context(|| format!("reading {}", stub.display()))?;
        let dir = backup_dir(root);
        fs::create_dir_all(&dir)?;
        let backup = dir.join(format!("{}.rs", exercise.name));
        if backup.exists() {
            bail!(
                "{} exists: another check-exercises is running, or restore_leftovers was skipped",
                backup.display()
            );
        }
        fs::write(&backup, &original)?;
        fs::write(&stub, replacement).with_context(|| format!("writing {}", stub.display()))?;
        newer_than_the_last_build(root, exercise, &stub);
        Ok(Swapped {
            stub,
            original,
            backup,
            root: root.to_path_buf(),
            exercise: exercise.clone(),
        })
    }
}

impl Drop for Swapped {
    fn drop(&mut self) {
        // Written anew (not renamed back), so the file is newer than the wrong
        // answer's build and Cargo rebuilds the stub next time.
        match fs::write(&self.stub, &self.original) {
            Ok(()) => {
                let _ = fs::remove_file(&self.backup);
                self.make_newer();
            }
            Err(error) => eprintln!(
                "could not restore {} ({error}); its original is in {}",
                self.stub.display(),
                self.backup.display()
            ),
        }
    }
}

/// Cargo rebuilds a program when a source file is newer than its last build. On a
/// file system that keeps times to the second, a file written in the same second as
/// that build would look old, and a test would run the previous program: so the
/// file's time is set past the build's when it is not already.
fn newer_than_the_last_build(root: &Path, exercise: &Exercise, file: &Path) {
    let built = root.join("target/debug").join(exercise.package());
    let (Ok(built), Ok(written)) = (
        fs::metadata(&built).and_then(|m| m.modified()),
        fs::metadata(file).and_then(|m| m.modified()),
    ) else {
        return;
    };
    if written <= built {
        if let Ok(handle) = fs::File::options().append(true).open(file) {
            let _ = handle.set_modified(built + std::time::Duration::from_secs(1));
        }
    }
}

/// Builds `wrong` in the exercise's place and runs its named tests; returns the
/// problems (none when every named test failed).
pub fn check(root: &Path, exercise: &Exercise, wrong: &WrongAnswer) -> Result<Vec<String>> {
    let replacement = fs::read(&wrong.path)?;
    let swapped = Swapped::new(root, exercise, &replacement)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--quiet", "--color", "never"])
        .args(["--package", &exercise.package(), "--test", "grade"])
        .args(["--", "--exact", "--format", "pretty", "--color", "never"])
        .args(&wrong.caught_by)
        .env("RUST_BACKTRACE", "0")
        .output()
        .context("running cargo test")?;
    drop(swapped);
    let file = wrong
        .path
        .strip_prefix(root)
        .unwrap_or(&wrong.path)
        .display();
    let run = parse_test_output(&String::from_utf8_lossy(&output.stdout));
    if !output.status.success() && run.failed.is_empty() && run.passed.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Ok(vec![format!(
            "{file} did not build or run (a wrong answer must compile):\n{}",
            tail.join("\n")
        )]);
    }
    let mut problems = Vec::new();
    for name in &wrong.caught_by {
        if run.passed.contains(name) {
            problems.push(format!(
                "{file} passes `{name}`, which should catch it ({})",
                wrong.mistake
            ));
        } else if !run.failed.contains(name) {
            problems.push(format!(
                "{file} names `{name}`, and grade.rs has no such test"
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_names_the_mistake_and_the_tests() {
        let text = "//! Wrong: binds IPv4 only\n//! Caught by: serves_ipv6, a::b\n//!\n//! why\n";
        let (mistake, tests) = parse_header(text).unwrap();
        assert_eq!(mistake, "binds IPv4 only");
        assert_eq!(tests, ["serves_ipv6", "a::b"]);
    }

    #[test]
    fn a_header_without_tests_is_refused() {
        assert!(parse_header("//! Wrong: x\n//! Caught by:\n").is_err());
        assert!(parse_header("//! Caught by: t\n").is_err());
        assert!(parse_header("//! Wrong: x\n//! Caught by: not a name\n").is_err());
    }

    #[test]
    fn a_swapped_stub_comes_back_and_a_leftover_is_restored() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("exercises/01-x");
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(dir.join("src/main.rs"), "stub").unwrap();
        let exercise = Exercise {
            name: "01-x".into(),
            dir: dir.clone(),
            solution_dir: root.path().join("solutions/01-x"),
        };
        let swapped = Swapped::new(root.path(), &exercise, b"wrong").unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("src/main.rs")).unwrap(),
            "wrong"
        );
        // A second swap while one is under way is refused.
        assert!(Swapped::new(root.path(), &exercise, b"again").is_err());
        drop(swapped);
        assert_eq!(fs::read_to_string(dir.join("src/main.rs")).unwrap(), "stub");

        // A killed run: the swap is never dropped.
        std::mem::forget(Swapped::new(root.path(), &exercise, b"wrong").unwrap());
        assert_eq!(
            restore_leftovers(root.path()).unwrap(),
            [dir.join("src/main.rs")]
        );
        assert_eq!(fs::read_to_string(dir.join("src/main.rs")).unwrap(), "stub");
    }
}
