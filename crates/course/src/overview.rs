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
use crate::text::wrap;

const BAR_WIDTH: usize = 30;

/// Assesses every exercise and prints the overview, each row as soon as it is known
/// (grading a changed exercise runs its tests, which takes a moment).
pub fn show(
    root: &Path,
    exercises: &[Exercise],
    out: &mut impl Write,
    style: Style,
    columns: usize,
) -> Result<()> {
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
        write!(out, "{}", row(&progress, width, style, columns))?;
        out.flush()?;
        all.push(progress);
    }
    write!(out, "\n{}", summary(&all, style, columns))?;
    Ok(())
}

/// `  01-basic-server  done         The first server and client`, and its notes,
/// in `columns` columns: a chapter title too long for its column goes on under
/// itself, between words, so the list never wraps in the terminal.
pub fn row(progress: &Progress, width: usize, style: Style, columns: usize) -> String {
    let chapter = progress
        .chapter
        .as_ref()
        .map_or("(its hint.md links no chapter)", |c| c.title.as_str());
    let status_width = "not started".len();
    let lead = format!(
        "  {:width$}  {}  ",
        progress.exercise.name,
        style.status(progress.status(), status_width)
    );
    let column = 2 + width + 2 + status_width + 2;
    let title = if columns.saturating_sub(column) >= 16 {
        let rest = " ".repeat(column);
        let lines: Vec<String> = wrap(chapter, columns - column, "", "")
            .lines()
            .map(|line| style.dim(line))
            .collect();
        format!("{lead}{}", lines.join(&format!("\n{rest}")))
    } else {
        // Too narrow for a column: the title on a line of its own.
        format!(
            "{}\n{}",
            lead.trim_end(),
            wrap(chapter, columns, "    ", "    ").trim_end()
        )
    };
    let mut out = format!("{title}\n");
    for note in progress.notes() {
        let indent = " ".repeat(if column < columns / 2 {
            2 + width + 2
        } else {
            4
        });
        out.push_str(&style.yellow(wrap(&note, columns, &indent, &indent).trim_end()));
        out.push('\n');
    }
    out
}

/// The bar, the count, and what to do next.
pub fn summary(all: &[Progress], style: Style, columns: usize) -> String {
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
    let next_line = match &next.chapter {
        Some(chapter) => format!(
            "Next: {name}, from \"{}\" ({})",
            chapter.title, chapter.path
        ),
        None => format!("Next: {name}"),
    };
    out.push_str(&wrap(&next_line, columns, "", "  ").replacen(name, &style.bold(name), 1));
    out.push_str(&format!(
        "  edit   exercises/{name}/src/main.rs\n\
         \x20 grade  cargo course check {n}    (what each failing test says)\n\
         \x20 watch  cargo course watch {n}    (re-grades each time you save)\n\
         \x20 stuck? cargo course hint {n}\n"
    ));
    out
}
