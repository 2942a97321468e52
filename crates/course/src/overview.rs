//! The overview: every exercise in order with its status and chapter, a progress
//! bar, and the next exercise to do.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::exercises::Exercise;
use crate::originals::Manifest;
use crate::progress::{self, Progress, Untouched};
use crate::report::number;
use crate::style::Style;

const BAR_WIDTH: usize = 30;

/// Assesses every exercise and prints the overview, each row as soon as it is known
/// (grading a changed exercise runs its tests, which takes a moment).
pub fn show(root: &Path, exercises: &[Exercise], out: &mut impl Write, style: Style) -> Result<()> {
    let manifest = Manifest::load(root)?;
    let width = exercises.iter().map(|e| e.name.len()).max().unwrap_or(0);
    writeln!(out, "{}\n", style.bold("Your exercises"))?;
    let mut all = Vec::new();
    for exercise in exercises {
        if style.terminal() {
            // Grading a changed exercise takes a moment (longer on its first build).
            write!(out, "  {:width$}  {}\r", exercise.name, style.dim("…"))?;
            out.flush()?;
        }
        let progress = progress::assess(root, &manifest, exercise, Untouched::Skip)?;
        write!(out, "{}", row(&progress, width, style))?;
        out.flush()?;
        all.push(progress);
    }
    write!(out, "\n{}", summary(&all, style))?;
    Ok(())
}

/// `  01-basic-server  done         The first server and client`, and its notes.
pub fn row(progress: &Progress, width: usize, style: Style) -> String {
    let chapter = progress
        .chapter
        .as_ref()
        .map_or("(its hint.md links no chapter)", |c| c.title.as_str());
    let mut out = format!(
        "  {:width$}  {}  {}\n",
        progress.exercise.name,
        style.status(progress.status(), "not started".len()),
        style.dim(chapter)
    );
    for note in progress.notes() {
        out.push_str(&format!("  {:width$}  {}\n", "", style.yellow(&note)));
    }
    out
}

/// The bar, the count, and what to do next.
pub fn summary(all: &[Progress], style: Style) -> String {
    let done = all.iter().filter(|p| p.counts_as_done()).count();
    let total = all.len();
    let filled = (done * BAR_WIDTH).checked_div(total).unwrap_or(0);
    let mut out = format!(
        "  [{}{}]  {done} of {total} done\n\n",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled)
    );
    let Some(next) = all.iter().find(|p| !p.counts_as_done()) else {
        out.push_str("Every exercise is done. Well played!\n");
        return out;
    };
    let name = &next.exercise.name;
    let n = number(name);
    out.push_str(&format!("Next: {}", style.bold(name)));
    match &next.chapter {
        Some(chapter) => out.push_str(&format!(
            ", from \"{}\" ({})\n",
            chapter.title, chapter.path
        )),
        None => out.push('\n'),
    }
    out.push_str(&format!(
        "  edit   exercises/{name}/src/main.rs\n\
         \x20 grade  cargo course check {n}    (the tests' messages, briefly)\n\
         \x20 watch  cargo course watch {n}    (re-grades each time you save)\n\
         \x20 stuck? cargo course hint {n}\n"
    ));
    out
}
