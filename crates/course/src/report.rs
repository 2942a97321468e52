//! One exercise's grade, told briefly and laid out for the terminal's width: the
//! status, then what each failing test said (identical messages once, in the order
//! the tests are written), or the first compile error; after a pass, where to
//! compare with the reference answer.

use std::path::Path;

use crate::exercises::Exercise;
use crate::grade::{Failure, Outcome};
use crate::progress::{Progress, Status};
use crate::style::Style;
use crate::text::{cut, wrap};

/// At most this many lines of one message, each cut at this many characters.
const MESSAGE_LINES: usize = 14;
const LINE_CHARS: usize = 400;

/// The full report for `check` and `watch`, at most `width` columns wide (a word
/// or path longer than that stays whole).
pub fn render(root: &Path, progress: &Progress, style: Style, width: usize) -> String {
    render_with(root, progress, style, width, Detail::Every)
}

/// How much of the failures to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// What each failing test said: `check NN`, `watch`.
    Every,
    /// The first message only, and how to see the rest: `check` over every exercise.
    First,
}

pub fn render_with(
    root: &Path,
    progress: &Progress,
    style: Style,
    width: usize,
    detail: Detail,
) -> String {
    let exercise = &progress.exercise;
    let status = progress.status();
    let number = number(&exercise.name);
    let headline = match &progress.outcome {
        None => " (its files are as shipped; the tests were not run)".to_string(),
        Some(Outcome::Passed { tests }) if status == Status::Edited => {
            format!(", all {tests} tests pass, but not the course's tests")
        }
        Some(Outcome::Passed { tests }) => format!(", all {tests} tests pass"),
        Some(Outcome::NoTests) => String::new(),
        Some(Outcome::Failed { passed, failed, .. }) => {
            format!(", {passed} of {} tests pass", passed + failed)
        }
        Some(Outcome::BuildFailed { errors, .. }) => format!(
            ": it does not compile ({errors} error{})",
            if *errors == 1 { "" } else { "s" }
        ),
        Some(Outcome::MissingMain) => ": src/main.rs is missing".to_string(),
        Some(Outcome::TimedOut { stage, after, .. }) => format!(
            ", stopped: the {} did not finish within {} s",
            if *stage == "build" { "build" } else { "tests" },
            // 60, or 0.5
            format!("{:.1}", after.as_secs_f64()).trim_end_matches(".0")
        ),
    };
    // Wrapped as plain text, then painted: colour codes take no columns.
    let plain = format!("{}: {}{headline}", exercise.name, status.label());
    let mut out = wrap(&plain, width, "", "  ");
    out = out.replacen(&exercise.name, &style.bold(&exercise.name), 1);
    out = out.replacen(status.label(), &style.status(status, 0), 1);
    for note in progress.notes() {
        out.push_str(&style.yellow(wrap(&note, width, "  ", "    ").trim_end()));
        out.push('\n');
    }
    match &progress.outcome {
        Some(Outcome::Failed { failures, .. }) => {
            out.push_str(&failures_text(failures, exercise, style, width, detail))
        }
        Some(Outcome::BuildFailed { first_error, .. }) => {
            out.push_str("  The first error:\n");
            // rustc's own layout (the `-->` and `|` columns) is kept as it is.
            out.push_str(&indent(first_error, MESSAGE_LINES, "    ", usize::MAX));
        }
        Some(Outcome::TimedOut { stage, passed, .. }) => {
            let why = if *stage == "build" {
                "Building took too long; if it is the first build, run \
                 `cargo build -p EXERCISE` once and grade again."
                    .replace("EXERCISE", &exercise.package())
            } else {
                format!(
                    "{passed} test(s) had passed. Every process the tests started was stopped. \
                     A program that never exits, or a child of it that keeps its output open, \
                     does this; `cargo test -p {}` runs the tests by hand.",
                    exercise.package()
                )
            };
            out.push_str(&wrap(&why, width, "  ", "  "));
        }
        _ => {}
    }
    // The course's tests name the chapter in their messages; say it only if they did not.
    if !matches!(status, Status::Done | Status::Edited) {
        if let Some(chapter) = progress.chapter.as_ref().filter(|c| !out.contains(&c.path)) {
            out.push_str(&wrap(
                &format!(
                    "Read: \"{}\" ({}); stuck? cargo course hint {number}",
                    chapter.title, chapter.path
                ),
                width,
                "  ",
                "    ",
            ));
        }
    }
    if status == Status::Done {
        out.push_str(&wrap(
            &crate::solution::offer(root, exercise),
            width,
            "  ",
            "    ",
        ));
    }
    out
}

/// The exercise's number, as a learner would type it (`01`).
pub fn number(name: &str) -> &str {
    name.split('-').next().unwrap_or(name)
}

/// Every failing test, grouped by message, in the order of the failures (the
/// order the tests are written in).
fn failures_text(
    failures: &[Failure],
    exercise: &Exercise,
    style: Style,
    width: usize,
    detail: Detail,
) -> String {
    let mut groups: Vec<(&Failure, Vec<&str>)> = Vec::new();
    for failure in failures {
        match groups
            .iter_mut()
            .find(|(first, _)| first.message == failure.message)
        {
            Some((_, names)) => names.push(&failure.test),
            None => groups.push((failure, vec![&failure.test])),
        }
    }
    let mut out = String::new();
    let shown = match detail {
        Detail::Every => groups.len(),
        Detail::First => 1,
    };
    for (first, names) in groups.iter().take(shown) {
        let place = first.location.as_deref().map(|at| {
            let prefix = format!("exercises/{}/", exercise.name);
            format!(" ({})", at.strip_prefix(&prefix).unwrap_or(at))
        });
        let title = format!("FAILED {}{}", names.join(", "), place.unwrap_or_default());
        out.push('\n');
        out.push_str(&wrap(&title, width, "  ", "    ").replacen(
            "FAILED",
            &style.red("FAILED"),
            1,
        ));
        out.push_str(&indent(&first.message, MESSAGE_LINES, "    ", width));
    }
    let more: usize = groups[shown..].iter().map(|(_, names)| names.len()).sum();
    if more > 0 {
        out.push('\n');
        out.push_str(&wrap(
            &format!(
                "and {more} more failing test(s): cargo course check {} shows what each said",
                number(&exercise.name)
            ),
            width,
            "  ",
            "    ",
        ));
    }
    out.push('\n');
    out
}

/// `text` indented and wrapped to `width`, cut after `max` of its lines.
fn indent(text: &str, max: usize, prefix: &str, width: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in lines.iter().take(max) {
        if line.trim().is_empty() {
            out.push('\n');
        } else if width == usize::MAX {
            out.push_str(&format!("{prefix}{line}\n"));
        } else {
            out.push_str(&wrap(&cut(line, LINE_CHARS), width, prefix, prefix));
        }
    }
    if lines.len() > max {
        out.push_str(&format!("{prefix}… ({} more lines)\n", lines.len() - max));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::Exercise;
    use crate::originals::Comparison;

    fn failing(failures: Vec<Failure>) -> Progress {
        Progress {
            exercise: Exercise {
                name: "01-x".into(),
                dir: "exercises/01-x".into(),
                solution_dir: "solutions/01-x".into(),
            },
            chapter: None,
            comparison: Comparison {
                recorded: true,
                stub_changed: vec!["src/main.rs".into()],
                ..Comparison::default()
            },
            outcome: Some(Outcome::Failed {
                passed: 1,
                failed: failures.len(),
                failures,
            }),
        }
    }

    fn failure(test: &str, message: &str) -> Failure {
        Failure {
            test: test.into(),
            location: Some("exercises/01-x/tests/grade.rs:17:13".into()),
            message: message.into(),
        }
    }

    #[test]
    fn identical_messages_are_shown_once() {
        let progress = failing(vec![
            failure("a", "no listening line"),
            failure("b", "wrong reply"),
            failure("c", "no listening line"),
        ]);
        let text = render(Path::new("."), &progress, Style::plain(), 80);
        assert!(
            text.starts_with("01-x: failing, 1 of 4 tests pass\n"),
            "{text}"
        );
        assert!(
            text.contains("  FAILED a, c (tests/grade.rs:17:13)\n    no listening line\n"),
            "{text}"
        );
        assert!(
            text.contains("  FAILED b (tests/grade.rs:17:13)\n    wrong reply\n"),
            "{text}"
        );
        assert_eq!(text.matches("no listening line").count(), 1);
    }

    #[test]
    fn long_messages_are_cut() {
        let long: Vec<String> = (0..40).map(|i| format!("line {i}")).collect();
        let text = render(
            Path::new("."),
            &failing(vec![failure("a", &long.join("\n"))]),
            Style::plain(),
            80,
        );
        assert!(
            text.contains("    line 13\n    … (26 more lines)\n"),
            "{text}"
        );
        assert!(!text.contains("line 14"));
    }
}
