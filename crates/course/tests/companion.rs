//! The tool against a tiny fake course in a temporary folder: two dependency-free
//! exercises, so these tests never depend on the state of this repository's
//! exercises and build in a moment (each workspace has its own target folder).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

const STUB: &str =
    "fn main() {\n    // TODO 1: print the exercise's word.\n    todo!(\"print it (TODO 1)\")\n}\n";

/// A course with exercises `01-one` and `02-two`: each must print its word.
fn fake_course() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"exercises/*\"]\n",
    );
    write("crates/course/.keep", "");
    for (name, word) in [("01-one", "one"), ("02-two", "two")] {
        let package = format!("exercise-{word}");
        write(
            &format!("exercises/{name}/Cargo.toml"),
            &format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        write(&format!("exercises/{name}/src/main.rs"), STUB);
        write(
            &format!("exercises/{name}/tests/grade.rs"),
            &format!(
                "#[test]\nfn prints_{word}() {{\n    let out = std::process::Command::new(env!(\"CARGO_BIN_EXE_{package}\")).output().unwrap();\n    \
                 assert_eq!(String::from_utf8_lossy(&out.stdout), \"{word}\\n\", \"The program should print {word}.\");\n}}\n"
            ),
        );
        write(
            &format!("exercises/{name}/hint.md"),
            &format!(
                "# Hint for {name}\n\nRead [the chapter](../../book/src/{word}.md): print {word}.\n"
            ),
        );
        write(
            &format!("solutions/{name}/src/main.rs"),
            &format!("fn main() {{\n    println!(\"{word}\");\n}}\n"),
        );
        write(
            &format!("book/src/{word}.md"),
            &format!("# Chapter {word}\n\nText.\n"),
        );
    }
    let recorded = course(dir.path(), &["record-originals"], "");
    assert!(recorded.status.success(), "{}", text(&recorded));
    dir
}

/// Runs the tool in `dir` with `stdin`; its own target folder, no colour.
fn course(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = command(dir, args).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_course"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// stdout and stderr together, for assertions and their messages.
fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn copy_solution(dir: &Path, name: &str) {
    fs::copy(
        dir.join(format!("solutions/{name}/src/main.rs")),
        dir.join(format!("exercises/{name}/src/main.rs")),
    )
    .unwrap();
}

fn main_rs(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("exercises/{name}/src/main.rs"))
}

#[test]
#[cfg_attr(wine, ignore = "under Wine (CI's Windows run) cargo is a Linux program, which a Windows process cannot start")]
fn the_overview_counts_a_solution_copied_over_its_stub() {
    let course_dir = fake_course();
    let dir = course_dir.path();

    let before = text(&course(dir, &[], ""));
    assert!(
        before.contains("  01-one  not started  Chapter one\n"),
        "{before}"
    );
    assert!(
        before.contains("  02-two  not started  Chapter two\n"),
        "{before}"
    );
    assert!(before.contains("0 of 2 done"), "{before}");
    assert!(
        before.contains("Next: 01-one, from \"Chapter one\" (book/src/one.md)"),
        "{before}"
    );

    copy_solution(dir, "01-one");
    let after = text(&course(dir, &[], ""));
    assert!(
        after.contains("  01-one  done         Chapter one\n"),
        "{after}"
    );
    assert!(
        after.contains("[###############---------------]  1 of 2 done"),
        "{after}"
    );
    assert!(after.contains("Next: 02-two"), "{after}");

    // An edited stub that is wrong is failing, with the test's own message.
    fs::write(
        main_rs(dir, "01-one"),
        "fn main() {\n    println!(\"eno\");\n}\n",
    )
    .unwrap();
    let checked = course(dir, &["check", "1"], "");
    let report = text(&checked);
    assert!(!checked.status.success(), "{report}");
    assert!(
        report.starts_with("01-one: failing, 0 of 1 tests pass\n"),
        "{report}"
    );
    assert!(
        report.contains("  FAILED prints_one (tests/grade.rs:4:5)\n"),
        "{report}"
    );
    assert!(
        report.contains("    assertion `left == right` failed: The program should print one.\n      left: \"eno\\n\""),
        "{report}"
    );
    assert!(!report.contains("RUST_BACKTRACE"), "{report}");
}

#[test]
#[cfg_attr(wine, ignore = "under Wine (CI's Windows run) cargo is a Linux program, which a Windows process cannot start")]
fn edited_tests_are_named_and_do_not_count() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    // A learner who makes the grade pass by gutting the test.
    fs::write(
        dir.join("exercises/01-one/tests/grade.rs"),
        "#[test]\nfn prints_one() {}\n",
    )
    .unwrap();
    let overview = text(&course(dir, &[], ""));
    assert!(overview.contains("  01-one  done "), "{overview}");
    assert!(
        overview.contains("tests edited (tests/grade.rs): this grade does not count"),
        "{overview}"
    );
    assert!(overview.contains("0 of 2 done"), "{overview}");
    assert!(overview.contains("Next: 01-one"), "{overview}");
}

#[test]
fn a_hint_is_the_exercises_hint_md_and_unknown_names_list_the_valid_ones() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    let hint = course(dir, &["hint", "2"], "");
    assert!(hint.status.success());
    assert!(text(&hint).contains("# Hint for 02-two\n\nRead [the chapter](../../book/src/two.md)"));

    let unknown = course(dir, &["hint", "9"], "");
    assert!(!unknown.status.success());
    assert!(
        text(&unknown)
            .contains("there is no exercise \"9\". The exercises are:\n  01-one\n  02-two\n"),
        "{}",
        text(&unknown)
    );
}

#[test]
fn reset_asks_and_keeps_the_learners_version() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    // The overview saw the stub untouched, and kept a copy of it (no git here).
    course(dir, &[], "");
    let main = main_rs(dir, "01-one");
    fs::write(&main, "fn main() { /* my work */ }\n").unwrap();

    let declined = text(&course(dir, &["reset", "01"], "n\n"));
    assert!(
        declined.contains("Reset? [y/N] Nothing was changed."),
        "{declined}"
    );
    assert_eq!(
        fs::read_to_string(&main).unwrap(),
        "fn main() { /* my work */ }\n"
    );

    let no_answer = text(&course(dir, &["reset", "01"], ""));
    assert!(no_answer.contains("Nothing was changed."), "{no_answer}");

    let accepted = text(&course(dir, &["reset", "01"], "y\n"));
    assert!(
        accepted.contains("src/main.rs: back to the original; yours is kept as src/main.rs.bak"),
        "{accepted}"
    );
    assert!(
        accepted.contains("Your version is in exercises/01-one/src/main.rs.bak"),
        "{accepted}"
    );
    assert_eq!(fs::read_to_string(&main).unwrap(), STUB);
    assert_eq!(
        fs::read_to_string(main.with_extension("rs.bak")).unwrap(),
        "fn main() { /* my work */ }\n"
    );

    // --yes does not ask, and a second backup does not overwrite the first.
    fs::write(&main, "fn main() { /* second try */ }\n").unwrap();
    let forced = text(&course(dir, &["reset", "one", "--yes"], ""));
    assert!(!forced.contains("[y/N]"), "{forced}");
    assert_eq!(fs::read_to_string(&main).unwrap(), STUB);
    assert_eq!(
        fs::read_to_string(main.with_extension("rs.bak.1")).unwrap(),
        "fn main() { /* second try */ }\n"
    );

    let again = text(&course(dir, &["reset", "01", "--yes"], ""));
    assert!(
        again.contains("is as it shipped: there is nothing to reset"),
        "{again}"
    );
}

#[test]
fn reset_finds_the_original_in_git_after_the_learner_committed() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
    };
    if git(&["init", "-q"]).is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    git(&["add", "-A"]).unwrap();
    git(&["commit", "-qm", "the course"]).unwrap();
    let main = main_rs(dir, "01-one");
    fs::write(&main, "fn main() { /* committed work */ }\n").unwrap();
    git(&["commit", "-qam", "my work"]).unwrap();
    assert!(
        !dir.join("target/course").exists(),
        "no saved copy to fall back on"
    );

    let reset = course(dir, &["reset", "01", "--yes"], "");
    assert!(reset.status.success(), "{}", text(&reset));
    assert_eq!(fs::read_to_string(&main).unwrap(), STUB);
}

#[test]
fn clear_errors_outside_the_course_and_without_cargo() {
    let empty = tempfile::tempdir().unwrap();
    let outside = course(empty.path(), &[], "");
    assert!(!outside.status.success());
    assert!(
        text(&outside).contains("is not inside the course's repository"),
        "{}",
        text(&outside)
    );

    let course_dir = fake_course();
    let mut without_cargo = command(course_dir.path(), &["check", "01"]);
    without_cargo.env("CARGO", course_dir.path().join("no-such-cargo"));
    let output = without_cargo.output().unwrap();
    assert!(!output.status.success());
    assert!(
        text(&output).contains("cargo was not found"),
        "{}",
        text(&output)
    );
}

#[test]
#[cfg_attr(wine, ignore = "under Wine (CI's Windows run) cargo is a Linux program, which a Windows process cannot start")]
fn watch_regrades_a_save_by_rename_and_moves_on() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    let mut child = command(dir, &["watch", "01", "--next"]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = String::new();
    let mut wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    return;
                }
            }
        }
        panic!("no {needle:?} in:\n{seen}");
    };
    wait_for("Watching exercises/01-one/");

    // Save the way vim does: a probe file, a swap file, then a new file renamed over.
    let src = dir.join("exercises/01-one/src");
    fs::write(src.join("4913"), "").unwrap();
    fs::write(src.join(".main.rs.swp"), "swap").unwrap();
    fs::write(
        src.join("main.rs.new"),
        "fn main() {\n    println!(\"one\");\n}\n",
    )
    .unwrap();
    let saved = Instant::now();
    fs::rename(src.join("main.rs.new"), src.join("main.rs")).unwrap();
    wait_for("01-one: done, all 1 tests pass");
    eprintln!(
        "watch: graded {:.2} s after the save",
        saved.elapsed().as_secs_f64()
    );

    // --next: on to the next exercise, graded at once.
    wait_for("02-two: not started");
    wait_for("Watching exercises/02-two/");
    stdin.write_all(b"q\n").unwrap();
    assert!(child.wait().unwrap().success());
}
