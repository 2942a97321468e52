//! One exercise's grade, told briefly: the status, then what the failing tests said
//! (identical messages once), or the first compile error.

use crate::exercises::Exercise;
use crate::grade::{Failure, Outcome};
use crate::progress::{Progress, Status};
use crate::style::Style;

/// At most this many lines of one message, and this many different messages.
const MESSAGE_LINES: usize = 14;
const MESSAGES: usize = 3;

/// The full report for `check` and `watch`.
pub fn render(progress: &Progress, style: Style) -> String {
    let exercise = &progress.exercise;
    let status = progress.status();
    let mut out = format!(
        "{}: {}",
        style.bold(&exercise.name),
        style.status(status, 0)
    );
    match &progress.outcome {
        None => out.push_str(" (its files are as shipped; the tests were not run)\n"),
        Some(Outcome::Passed { tests }) => out.push_str(&format!(", all {tests} tests pass\n")),
        Some(Outcome::NoTests) => out.push('\n'),
        Some(Outcome::Failed { passed, failed, .. }) => {
            out.push_str(&format!(", {passed} of {} tests pass\n", passed + failed))
        }
        Some(Outcome::BuildFailed { errors, .. }) => out.push_str(&format!(
            ": it does not compile ({errors} error{})\n",
            if *errors == 1 { "" } else { "s" }
        )),
    }
    for note in progress.notes() {
        out.push_str(&format!("  {}\n", style.yellow(&note)));
    }
    match &progress.outcome {
        Some(Outcome::Failed { failures, .. }) => {
            out.push_str(&failures_text(failures, exercise, style))
        }
        Some(Outcome::BuildFailed { first_error, .. }) => {
            out.push_str("  The first error:\n");
            out.push_str(&indent(first_error, MESSAGE_LINES, "    "));
        }
        _ => {}
    }
    // The course's tests name the chapter in their messages; say it only if they did not.
    if status != Status::Done {
        if let Some(chapter) = progress.chapter.as_ref().filter(|c| !out.contains(&c.path)) {
            out.push_str(&format!(
                "  Read: \"{}\" ({}); stuck? cargo course hint {}\n",
                chapter.title,
                chapter.path,
                number(&exercise.name)
            ));
        }
    }
    out
}

/// The exercise's number, as a learner would type it (`01`).
pub fn number(name: &str) -> &str {
    name.split('-').next().unwrap_or(name)
}

/// Failing tests grouped by message, in the order libtest reported them.
fn failures_text(failures: &[Failure], exercise: &Exercise, style: Style) -> String {
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
    for (first, names) in groups.iter().take(MESSAGES) {
        let mut who = names.iter().take(3).copied().collect::<Vec<_>>().join(", ");
        if names.len() > 3 {
            who.push_str(&format!(" and {} more", names.len() - 3));
        }
        let place = first.location.as_deref().map(|at| {
            let prefix = format!("exercises/{}/", exercise.name);
            format!(" ({})", at.strip_prefix(&prefix).unwrap_or(at))
        });
        out.push_str(&format!(
            "\n  {} {who}{}\n",
            style.red("FAILED"),
            place.unwrap_or_default()
        ));
        out.push_str(&indent(&first.message, MESSAGE_LINES, "    "));
    }
    if groups.len() > MESSAGES {
        let more: usize = groups[MESSAGES..]
            .iter()
            .map(|(_, names)| names.len())
            .sum();
        out.push_str(&format!(
            "\n  and {more} more failing test(s): `cargo test -p {}` shows them all\n",
            exercise.package()
        ));
    }
    out.push('\n');
    out
}

/// `text` indented, cut after `max` lines.
fn indent(text: &str, max: usize, prefix: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in lines.iter().take(max) {
        if !line.is_empty() {
            out.push_str(prefix);
            out.push_str(line);
        }
        out.push('\n');
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
                tests_edited: vec![],
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
        let text = render(&progress, Style::plain());
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
            &failing(vec![failure("a", &long.join("\n"))]),
            Style::plain(),
        );
        assert!(
            text.contains("    line 13\n    … (26 more lines)\n"),
            "{text}"
        );
        assert!(!text.contains("line 14"));
    }
}
