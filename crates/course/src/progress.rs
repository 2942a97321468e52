//! Where a learner stands on one exercise: its files compared with the originals,
//! and, when they have been changed, what its tests say.

use std::path::Path;

use anyhow::Result;

use crate::exercises::{Chapter, Exercise};
use crate::grade::{self, Outcome};
use crate::originals::{Comparison, Manifest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every file is as shipped.
    NotStarted,
    /// Changed, and some test fails (or it does not compile).
    Failing,
    /// Every test passes, and the tests are the course's own.
    Done,
    /// Every test passes, but the tests or `Cargo.toml` were changed: not counted.
    Edited,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Failing => "failing",
            Status::Done => "done",
            Status::Edited => "not counted",
        }
    }
}

/// Whether to run the tests of an exercise whose files are all as shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Untouched {
    /// Skip them: an untouched stub fails every test, as `cargo xtask
    /// check-exercises` proves in CI, so running them would only take time.
    Skip,
    /// Run them anyway, to show the learner what the tests ask for.
    Run,
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub exercise: Exercise,
    pub chapter: Option<Chapter>,
    pub comparison: Comparison,
    /// `None` when the tests were not run (an untouched stub, with [`Untouched::Skip`]).
    pub outcome: Option<Outcome>,
}

impl Progress {
    pub fn status(&self) -> Status {
        match &self.outcome {
            Some(outcome) if outcome.passed() && self.comparison.grading_changed() => {
                Status::Edited
            }
            Some(outcome) if outcome.passed() => Status::Done,
            _ if self.comparison.not_started() => Status::NotStarted,
            _ => Status::Failing,
        }
    }

    /// Done, with the course's own tests: the only grade that counts.
    pub fn counts_as_done(&self) -> bool {
        self.status() == Status::Done
    }

    /// What to say next to the status, if anything.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let changes = self.comparison.grading_changes();
        if !changes.is_empty() {
            notes.push(format!(
                "{}: a grade from changed tests does not count (cargo course reset {} puts them back)",
                changes.join("; "),
                crate::report::number(&self.exercise.name)
            ));
        }
        if !self.comparison.recorded {
            notes.push(
                "no record of its original files, so `not started` and edited tests cannot be told"
                    .into(),
            );
        }
        if self.outcome == Some(Outcome::MissingMain) {
            notes.push(format!(
                "src/main.rs is missing: cargo course reset {} brings the stub back \
                 (or git checkout exercises/{}/src/main.rs)",
                crate::report::number(&self.exercise.name),
                self.exercise.name
            ));
        }
        if self.outcome == Some(Outcome::NoTests) {
            notes.push(if cfg!(target_os = "linux") {
                "no test ran: nothing was graded".into()
            } else {
                // The grades of the AF_UNIX, /proc and MSG_* exercises are Linux-only
                // (cfg'd out elsewhere), so here they build and run nothing.
                "no test of this exercise runs on this system: it needs Linux (on \
                 Windows, WSL; the README says which exercises)"
                    .into()
            });
        }
        notes
    }
}

/// Compares an exercise with its originals and, unless it is untouched and
/// `untouched` says to skip, runs its tests.
pub fn assess(
    root: &Path,
    manifest: &Manifest,
    exercise: &Exercise,
    untouched: Untouched,
) -> Result<Progress> {
    let comparison = manifest.compare(root, exercise);
    let outcome = if comparison.not_started() && untouched == Untouched::Skip {
        None
    } else {
        Some(grade::run(root, exercise)?)
    };
    Ok(Progress {
        exercise: exercise.clone(),
        chapter: exercise.chapter(root),
        comparison,
        outcome,
    })
}

/// The first exercise that does not count as done: from the start, or after `after`
/// (wrapping round, leaving `after` itself out). Untouched stubs are not graded, so
/// this is quick.
pub fn next_to_do(
    root: &Path,
    exercises: &[Exercise],
    after: Option<usize>,
) -> Result<Option<usize>> {
    let manifest = Manifest::load(root)?;
    let (first, count) = match after {
        Some(current) => (current + 1, exercises.len().saturating_sub(1)),
        None => (0, exercises.len()),
    };
    for step in 0..count {
        let index = (first + step) % exercises.len();
        if !assess(root, &manifest, &exercises[index], Untouched::Skip)?.counts_as_done() {
            return Ok(Some(index));
        }
    }
    Ok(None)
}
