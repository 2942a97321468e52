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

/// Adds exercise `name` to the fake course, with its own tests, and records it.
fn add_exercise(dir: &Path, name: &str, stub: &str, grade: &str) {
    let package = format!("exercise-{}", name.split_once('-').unwrap().1);
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        &format!("exercises/{name}/Cargo.toml"),
        &format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
    );
    write(&format!("exercises/{name}/src/main.rs"), stub);
    write(
        &format!("exercises/{name}/tests/grade.rs"),
        &grade.replace("BIN", &format!("env!(\"CARGO_BIN_EXE_{package}\")")),
    );
    write(&format!("exercises/{name}/hint.md"), "# Hint\n");
    let recorded = course(dir, &["record-originals"], "");
    assert!(recorded.status.success(), "{}", text(&recorded));
}

/// Whether process `pid` is still running a second from now: a killed process
/// takes a moment to go.
fn alive(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(1);
    while running(pid) {
        if Instant::now() > deadline {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    false
}

/// Whether process `pid` is running now (Linux: its /proc entry, not a zombie).
fn running(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_course"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("NO_COLOR", "1")
        // English unless a test says otherwise, whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
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
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
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
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
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
    assert!(overview.contains("  01-one  not counted "), "{overview}");
    assert!(
        overview.contains("tests/grade.rs edited: a grade from changed tests does not count"),
        "{overview}"
    );
    assert!(overview.contains("0 of 2 done"), "{overview}");
    assert!(overview.contains("Next: 01-one"), "{overview}");

    // What is printed and the exit status agree: not done, exit 1.
    let checked = course(dir, &["check", "01"], "");
    let report = text(&checked);
    assert!(!checked.status.success(), "{report}");
    assert!(
        report.starts_with("01-one: not counted, all 1 tests pass, but not the course's tests\n"),
        "{report}"
    );
    assert!(!report.contains("done"), "{report}");
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn an_added_test_file_and_a_cargo_toml_edit_are_called_what_they_are() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    course(dir, &[], ""); // sees the originals (and keeps copies: no git here)
    copy_solution(dir, "01-one");
    // Extra tests turn "all 1 tests pass" into "all 3": they are not the course's.
    fs::write(
        dir.join("exercises/01-one/tests/mine.rs"),
        "#[test]\nfn a() {}\n#[test]\nfn b() {}\n",
    )
    .unwrap();
    let checked = course(dir, &["check", "01"], "");
    let report = text(&checked);
    assert!(!checked.status.success(), "{report}");
    assert!(
        report.contains("all 3 tests pass, but not the course's"),
        "{report}"
    );
    assert!(report.contains("tests/mine.rs added"), "{report}");
    assert!(!report.contains("tests/grade.rs edited"), "{report}");

    fs::remove_file(dir.join("exercises/01-one/tests/mine.rs")).unwrap();
    let cargo_toml = dir.join("exercises/01-one/Cargo.toml");
    let mut manifest = fs::read_to_string(&cargo_toml).unwrap();
    manifest.push_str("\n[[test]]\nname = \"grade\"\npath = \"tests/grade.rs\"\n");
    fs::write(&cargo_toml, manifest).unwrap();
    let report = text(&course(dir, &["check", "01"], ""));
    assert!(report.contains("Cargo.toml edited"), "{report}");
    assert!(!report.contains("tests/grade.rs edited"), "{report}");

    // Reset puts Cargo.toml back and moves an added test out.
    fs::write(
        dir.join("exercises/01-one/tests/mine.rs"),
        "#[test]\nfn a() {}\n",
    )
    .unwrap();
    let reset = text(&course(dir, &["reset", "01", "--yes"], ""));
    assert!(
        reset.contains("tests/mine.rs: not shipped with the exercise: moved out"),
        "{reset}"
    );
    assert!(
        !dir.join("exercises/01-one/tests/mine.rs").exists(),
        "{reset}"
    );
    assert_eq!(fs::read_to_string(main_rs(dir, "01-one")).unwrap(), STUB);
    let overview = text(&course(dir, &[], ""));
    assert!(overview.contains("01-one  not started"), "{overview}");
}

#[test]
fn a_hint_comes_in_the_learners_language_when_there_is_one() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    fs::write(
        dir.join("exercises/02-two/hint.ko.md"),
        "# 02-two 힌트\n\ntwo를 출력하세요.\n",
    )
    .unwrap();
    let in_korean = |args: &[&str]| {
        let mut command = command(dir, args);
        command.env("LANG", "ko_KR.UTF-8");
        text(&command.output().unwrap())
    };
    let korean = in_korean(&["hint", "2"]);
    assert!(
        korean.contains("exercises/02-two/hint.ko.md\n\n# 02-two 힌트"),
        "{korean}"
    );
    // --lang wins over LANG; an exercise with no translation shows its English hint.
    let english = in_korean(&["hint", "2", "--lang=en"]);
    assert!(english.contains("# Hint for 02-two"), "{english}");
    let untranslated = in_korean(&["hint", "1"]);
    assert!(
        untranslated.contains("exercises/01-one/hint.md\n\n# Hint for 01-one"),
        "{untranslated}"
    );
    let chosen = course(dir, &["hint", "2", "--lang=ko"], "");
    assert!(text(&chosen).contains("# 02-two 힌트"), "{}", text(&chosen));
    let unknown = course(dir, &["hint", "2", "--lang=fr"], "");
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("en, ko or zh-TW"),
        "{}",
        text(&unknown)
    );
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
fn reset_asks_and_keeps_the_learners_version_out_of_the_way() {
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
        accepted.contains(
            "src/main.rs: back to the original\nYour files are kept in .course/backups/01-one/"
        ),
        "{accepted}"
    );
    assert_eq!(fs::read_to_string(&main).unwrap(), STUB);
    // Nothing is left beside the stub; the copy is where git ignores it.
    let src: Vec<_> = fs::read_dir(main.parent().unwrap()).unwrap().collect();
    assert_eq!(src.len(), 1, "{src:?}");
    assert_eq!(
        fs::read_to_string(dir.join(".course/.gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );

    // --yes does not ask, and a second backup does not overwrite the first.
    fs::write(&main, "fn main() { /* second try */ }\n").unwrap();
    let forced = text(&course(dir, &["reset", "one", "--yes"], ""));
    assert!(!forced.contains("[y/N]"), "{forced}");
    assert_eq!(fs::read_to_string(&main).unwrap(), STUB);

    // The tool lists the copies, and they hold the learner's work.
    let listed = text(&course(dir, &["backups"], ""));
    let kept: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .collect();
    assert_eq!(kept.len(), 2, "{listed}");
    let contents: Vec<String> = kept
        .iter()
        .map(|path| fs::read_to_string(dir.join(path)).unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "fn main() { /* my work */ }\n",
            "fn main() { /* second try */ }\n"
        ]
    );
    let none = text(&course(dir, &["backups", "02"], ""));
    assert!(
        none.contains("No files of exercises/02-two were kept"),
        "{none}"
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
    fs::write(dir.join(".gitignore"), "/target\n").unwrap();
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
    // git does not nag about the kept copy: only the reset file shows.
    let status = git(&["status", "--porcelain"]).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        " M exercises/01-one/src/main.rs\n"
    );
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
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
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

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn inside_an_exercises_folder_that_exercise_is_meant() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    let src = dir.join("exercises/02-two/src");
    let hint = course(&src, &["hint"], "");
    assert!(hint.status.success(), "{}", text(&hint));
    assert!(text(&hint).contains("# Hint for 02-two"), "{}", text(&hint));
    let checked = text(&course(&dir.join("exercises/02-two"), &["check"], ""));
    assert!(checked.starts_with("02-two: not started"), "{checked}");
    assert!(!checked.contains("01-one"), "{checked}");
    let reset = text(&course(&src, &["reset", "--yes"], ""));
    assert!(
        reset.contains("exercises/02-two is as it shipped: there is nothing to reset"),
        "{reset}"
    );
    // A name still wins over the folder.
    let other = text(&course(&src, &["hint", "1"], ""));
    assert!(other.contains("# Hint for 01-one"), "{other}");
    // From the root, `hint` alone asks which.
    let root = text(&course(dir, &["hint"], ""));
    assert!(root.contains("which exercise?"), "{root}");
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn an_untouched_exercise_is_not_run_by_the_overview_but_check_shows_its_tests() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    // As the README says: the overview does not build or run an untouched stub.
    let overview = text(&course(dir, &[], ""));
    assert!(overview.contains("01-one  not started"), "{overview}");
    assert!(
        !dir.join("target/debug").exists(),
        "the overview built something"
    );
    // `check` runs its tests, to show what they ask for.
    let checked = text(&course(dir, &["check", "01"], ""));
    assert!(
        checked.starts_with("01-one: not started, 0 of 1 tests pass\n"),
        "{checked}"
    );
    assert!(checked.contains("FAILED prints_one"), "{checked}");
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn check_shows_every_failing_test_in_the_order_they_are_written() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    let mut grade = String::new();
    // Written in this order; libtest reports them sorted by name.
    for (i, name) in ["zeta", "delta", "alpha", "omega", "beta"]
        .iter()
        .enumerate()
    {
        grade.push_str(&format!(
            "#[test]\nfn {name}() {{ let _ = BIN; panic!(\"step {i} is not done\"); }}\n"
        ));
    }
    add_exercise(dir, "03-many", "fn main() {}\n", &grade);
    fs::write(dir.join("exercises/03-many/src/main.rs"), "fn main() { }\n").unwrap();
    let report = text(&course(dir, &["check", "03"], ""));
    assert!(
        report.starts_with("03-many: failing, 0 of 5 tests pass\n"),
        "{report}"
    );
    let mut last = 0;
    for (i, name) in ["zeta", "delta", "alpha", "omega", "beta"]
        .iter()
        .enumerate()
    {
        let at = report
            .find(&format!("FAILED {name} "))
            .unwrap_or_else(|| panic!("no {name} in:\n{report}"));
        assert!(at > last, "{name} out of order:\n{report}");
        assert!(
            report.contains(&format!("step {i} is not done")),
            "{report}"
        );
        last = at;
    }
    assert!(!report.contains("more failing"), "{report}");

    // Over every exercise, each shows its first message and how to see the rest.
    let all = text(&course(dir, &["check"], ""));
    assert!(all.contains("FAILED zeta "), "{all}");
    assert!(!all.contains("FAILED delta"), "{all}");
    assert!(
        all.contains("and 4 more failing test(s): cargo course check 03 shows what each said"),
        "{all}"
    );
    assert!(all.contains("0 of 3 done"), "{all}");
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn lines_fit_the_width_and_words_stay_whole() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    let long_title =
        "# A chapter title long enough to need a second line in the list at eighty columns\n";
    fs::write(dir.join("book/src/one.md"), long_title).unwrap();
    let path =
        "exercises/01-one/a/very/long/path/that/is/one/word/and/must/never/be/broken/anywhere.rs";
    let grade = format!(
        "#[test]\nfn explains() {{ let _ = BIN; panic!(\"{}\"); }}\n",
        format!(
            "The words of this message go on and on, longer than a line, and name {path} in it. "
        )
        .repeat(2)
    );
    add_exercise(dir, "03-long", "fn main() {}\n", &grade);
    fs::write(dir.join("exercises/03-long/src/main.rs"), "fn main() { }\n").unwrap();
    for columns in ["80", "100"] {
        let width: usize = columns.parse().unwrap();
        for args in [&[][..], &["check", "03"][..]] {
            let mut command = command(dir, args);
            command.env("COLUMNS", columns);
            let output = command.output().unwrap();
            let shown = String::from_utf8_lossy(&output.stdout).into_owned();
            for line in shown.lines() {
                let fits = line.chars().count() <= width;
                assert!(
                    fits || !line.trim().contains(' '),
                    "{line:?} is wider than {columns}:\n{shown}"
                );
            }
            if args.is_empty() {
                assert!(shown.contains("Chapter two"), "{shown}");
                assert!(
                    shown.contains("  01-one   not started  A chapter title"),
                    "{shown}"
                );
            } else {
                assert!(
                    shown.contains(&format!("\n    {path}")),
                    "the path was broken:\n{shown}"
                );
            }
        }
    }
}

#[test]
fn a_deleted_main_rs_is_named_with_the_way_back() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    course(dir, &[], "");
    fs::remove_file(main_rs(dir, "01-one")).unwrap();
    let checked = course(dir, &["check", "01"], "");
    let report = text(&checked);
    assert!(!checked.status.success(), "{report}");
    assert!(
        report.starts_with("01-one: failing: src/main.rs is missing\n"),
        "{report}"
    );
    assert!(
        report.contains("cargo course reset 01 brings the stub back"),
        "{report}"
    );
    assert!(!report.contains("CARGO_BIN_EXE"), "{report}");
    let reset = text(&course(dir, &["reset", "01", "--yes"], ""));
    assert!(
        reset.contains("src/main.rs: missing: the original comes back"),
        "{reset}"
    );
    assert_eq!(fs::read_to_string(main_rs(dir, "01-one")).unwrap(), STUB);
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn a_pass_offers_the_reference_answer_and_the_common_mistakes() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    fs::create_dir_all(dir.join("solutions/01-one/wrong")).unwrap();
    fs::write(
        dir.join("solutions/01-one/wrong/no-newline.rs"),
        "//! Wrong: prints the word without its newline\n\
         //! Caught by: prints_one\n\
         //!\n\
         //! print! leaves the line open; the test wants the whole line.\n\
         fn main() {\n    print!(\"one\");\n}\n",
    )
    .unwrap();
    let early = course(dir, &["solution", "01"], "");
    assert!(!early.status.success());
    assert!(
        text(&early).contains("is not done yet (not started)"),
        "{}",
        text(&early)
    );
    assert!(!text(&early).contains("print!"), "{}", text(&early));

    copy_solution(dir, "01-one");
    let checked = course(dir, &["check", "01"], "");
    let report = text(&checked);
    assert!(checked.status.success(), "{report}");
    assert!(
        report.contains("  Compare with the reference answer and 1 common mistake:\n    cargo course solution 01\n"),
        "{report}"
    );
    let shown = course(dir, &["solution", "01"], "");
    let shown = text(&shown);
    assert!(
        shown.contains("The reference answer: solutions/01-one/src/main.rs"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "  prints the word without its newline\n    solutions/01-one/wrong/no-newline.rs\n    caught by: prints_one\n    print! leaves the line open"
        ),
        "{shown}"
    );
}

#[test]
fn the_overview_piped_into_head_stops_quietly() {
    let course_dir = fake_course();
    let mut child = command(course_dir.path(), &[]).spawn().unwrap();
    drop(child.stdout.take()); // the reader is gone before the first line
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn a_grade_stops_what_the_program_left_running_and_caps_its_output() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    // The program starts a child that outlives it and prints one long line.
    let stub = "fn main() {\n\
        let child = std::process::Command::new(\"sleep\").arg(\"60\").stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();\n\
        std::fs::write(std::env::args().nth(1).unwrap(), child.id().to_string()).unwrap();\n\
        print!(\"{}\", \"x\".repeat(5_000_000));\n}\n";
    let grade = "#[test]\nfn says_hello() {\n\
        let pid_file = std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\")).join(\"pid\");\n\
        let out = std::process::Command::new(BIN).arg(&pid_file).output().unwrap();\n\
        assert_eq!(String::from_utf8_lossy(&out.stdout), \"hello\");\n}\n";
    add_exercise(dir, "03-leaky", "fn main() {}\n", grade);
    fs::write(dir.join("exercises/03-leaky/src/main.rs"), stub).unwrap();
    let checked = course(dir, &["check", "03"], "");
    let report = text(&checked);
    assert!(
        report.contains("03-leaky: failing, 0 of 1 tests pass"),
        "{}",
        &report[..report.len().min(2000)]
    );
    assert!(
        checked.stdout.len() < 20_000,
        "{} bytes of output",
        checked.stdout.len()
    );
    assert!(
        report.contains("xxxx…\n"),
        "the line was not cut:\n{report}"
    );
    let pid: u32 = fs::read_to_string(dir.join("exercises/03-leaky/pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(!alive(pid), "the program's child {pid} was left running");
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn a_grade_that_never_ends_is_stopped_at_its_deadline() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    // A child holds the program's stdout open, so the test's read never ends.
    let stub = "fn main() {\n\
        let child = std::process::Command::new(\"sleep\").arg(\"60\").spawn().unwrap();\n\
        std::fs::write(std::env::args().nth(1).unwrap(), child.id().to_string()).unwrap();\n}\n";
    let grade = "#[test]\nfn replies() {\n\
        let pid_file = std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\")).join(\"pid\");\n\
        let out = std::process::Command::new(BIN).arg(&pid_file).output().unwrap();\n\
        assert!(out.status.success());\n}\n";
    add_exercise(dir, "03-stuck", "fn main() {}\n", grade);
    fs::write(dir.join("exercises/03-stuck/src/main.rs"), stub).unwrap();
    // Build first, so the deadline is the tests' alone.
    let built = Command::new(env!("CARGO"))
        .args(["test", "--no-run", "-q", "-p", "exercise-stuck"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", text(&built));
    let started = Instant::now();
    let mut check = command(dir, &["check", "03"]);
    check.env("COURSE_TEST_DEADLINE", "0.5");
    let output = check.output().unwrap();
    let report = text(&output);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    assert!(!output.status.success(), "{report}");
    assert!(
        report.contains("03-stuck: failing, stopped: the tests did not finish within 0.5 s"),
        "{report}"
    );
    assert!(
        report.contains("Every process the tests started was stopped"),
        "{report}"
    );
    let pid: u32 = fs::read_to_string(dir.join("exercises/03-stuck/pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(!alive(pid), "the program's child {pid} was left running");

    // Ctrl-C (SIGINT) in the middle of a grade stops the grade's processes too.
    #[cfg(unix)]
    {
        let pid_file = dir.join("exercises/03-stuck/pid");
        fs::remove_file(&pid_file).unwrap();
        let mut child = command(dir, &["check", "03"]).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let pid = loop {
            if let Some(pid) = fs::read_to_string(&pid_file)
                .ok()
                .and_then(|text| text.trim().parse::<u32>().ok())
            {
                break pid;
            }
            assert!(Instant::now() < deadline, "the program never started");
            thread::sleep(Duration::from_millis(10));
        };
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let status = child.wait().unwrap();
        assert!(!status.success());
        assert!(!alive(pid), "Ctrl-C left the program's child {pid} running");
    }
}

#[test]
#[cfg_attr(
    wine,
    ignore = "runs cargo; under Wine the only cargo is Linux's, which fails on Windows paths"
)]
fn watch_reads_lines_when_stdin_is_not_a_terminal() {
    let course_dir = fake_course();
    let dir = course_dir.path();
    course(dir, &[], ""); // sees the originals (and keeps copies: no git here)
    copy_solution(dir, "01-one");
    // h hint, x (no such key), s solution (it passes), r reset (y), n next, q quit.
    let output = course(
        &dir.join("exercises/01-one"),
        &["watch"],
        "h\nx\ns\nr\ny\nn\nq\n",
    );
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    let expected = [
        "stdin is not a terminal, so keys are read a line at a time",
        "01-one: done, all 1 tests pass",
        "Watching exercises/01-one/",
        "  keys (then Enter): h hint, c check, n next, r reset, s solution, q quit\n",
        "# Hint for 01-one",
        "\"x\" is not a key of cargo course watch 01",
        "The reference answer: solutions/01-one/src/main.rs",
        "Reset? [y/N] exercises/01-one is reset.",
        "01-one: not started, 0 of 1 tests pass",
        "  keys (then Enter): h hint, c check, n next, r reset, q quit\n",
        "02-two: not started",
        "Watching exercises/02-two/",
    ];
    let mut from = 0;
    for needle in expected {
        let at = shown[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} after byte {from} of:\n{shown}"));
        from += at + needle.len();
    }
    assert_eq!(fs::read_to_string(main_rs(dir, "01-one")).unwrap(), STUB);
}

/// A pseudo-terminal: the tool gets its far end as stdin, the test types on the near one.
#[cfg(unix)]
struct Pty {
    master: fs::File,
    slave: fs::File,
}

#[cfg(unix)]
impl Pty {
    fn open() -> Pty {
        use std::os::fd::FromRawFd;
        // SAFETY: the usual posix_openpt sequence; each fd is checked and owned once.
        unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(master >= 0, "posix_openpt");
            assert_eq!(libc::grantpt(master), 0);
            assert_eq!(libc::unlockpt(master), 0);
            let name = std::ffi::CStr::from_ptr(libc::ptsname(master))
                .to_string_lossy()
                .into_owned();
            let master = fs::File::from_raw_fd(master);
            let slave = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(name)
                .unwrap();
            Pty { master, slave }
        }
    }

    /// Whether the terminal is in line mode with echo, as a shell leaves it.
    fn in_line_mode(&self) -> bool {
        use std::os::fd::AsRawFd;
        // SAFETY: tcgetattr fills the termios we pass.
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(
            unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut settings) },
            0
        );
        let line = libc::ICANON | libc::ECHO | libc::ISIG;
        settings.c_lflag & line == line
    }
}

/// The tool watching 01-one with a terminal as stdin; lines of stdout on a channel.
#[cfg(unix)]
fn watch_on_a_terminal(dir: &Path, pty: &Pty) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut command = command(&dir.join("exercises/01-one"), &["watch"]);
    command.stdin(pty.slave.try_clone().unwrap());
    let mut child = command.spawn().unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, lines)
}

#[cfg(unix)]
fn wait_for(lines: &mpsc::Receiver<String>, needle: &str) -> String {
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(50)) {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(needle) {
                return seen;
            }
        }
    }
    panic!("no {needle:?} in:\n{seen}");
}

#[cfg(unix)]
fn wait_exit(child: &mut std::process::Child, after: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("watch did not end after {after}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn watch_takes_single_keys_and_puts_the_terminal_back_on_every_way_out() {
    let course_dir = fake_course();
    let dir = course_dir.path();

    // q: single keys, no Enter.
    let mut pty = Pty::open();
    assert!(pty.in_line_mode());
    let (mut child, lines) = watch_on_a_terminal(dir, &pty);
    wait_for(&lines, "keys: h hint, c check, n next, r reset, q quit");
    assert!(
        !pty.in_line_mode(),
        "single keys need the terminal out of line mode"
    );
    pty.master.write_all(b"h").unwrap();
    wait_for(&lines, "# Hint for 01-one");
    pty.master.write_all(b"c").unwrap();
    wait_for(&lines, "grading exercises/01-one");
    wait_for(&lines, "keys:");
    pty.master.write_all(b"q").unwrap();
    assert!(wait_exit(&mut child, "q").success());
    assert!(pty.in_line_mode(), "q left the terminal in single-key mode");

    // Ctrl-C (a key here: the terminal's signal keys are off) ends it with 130.
    let (mut child, lines) = watch_on_a_terminal(dir, &pty);
    wait_for(&lines, "keys:");
    pty.master.write_all(b"\x03").unwrap();
    assert_eq!(wait_exit(&mut child, "Ctrl-C").code(), Some(130));
    assert!(
        pty.in_line_mode(),
        "Ctrl-C left the terminal in single-key mode"
    );

    // SIGTERM from outside.
    let (mut child, lines) = watch_on_a_terminal(dir, &pty);
    wait_for(&lines, "keys:");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(!wait_exit(&mut child, "SIGTERM").success());
    assert!(
        pty.in_line_mode(),
        "SIGTERM left the terminal in single-key mode"
    );

    // An error (the record became unreadable) ends it, terminal restored.
    let (mut child, lines) = watch_on_a_terminal(dir, &pty);
    wait_for(&lines, "keys:");
    fs::write(dir.join("crates/course/originals.txt"), "not-a-record\n").unwrap();
    pty.master.write_all(b"c").unwrap();
    let status = wait_exit(&mut child, "an error");
    assert_eq!(status.code(), Some(1));
    assert!(
        pty.in_line_mode(),
        "an error left the terminal in single-key mode"
    );
}
