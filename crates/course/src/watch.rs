//! Watch mode: re-grade an exercise each time one of its files is saved.
//!
//! It polls: every [`POLL`] it lists the exercise's folder and compares each file's
//! modification time and size with the last look. That needs nothing but std (no
//! watcher crate to build), works the same on every system and file system, and
//! copes with every way an editor saves: in place, by writing a new file and
//! renaming it over the old one, or with swap files beside it (those are ignored:
//! see `files::is_scratch_file`). Enter re-grades by hand, for the rare case where
//! a file system keeps modification times too coarse to see a save.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;

use crate::exercises::Exercise;
use crate::files;
use crate::originals::Manifest;
use crate::progress::{self, Untouched};
use crate::report;
use crate::style::Style;

/// How often the folder is looked at.
const POLL: Duration = Duration::from_millis(250);
/// After a change, how long the folder must stay still before grading (an editor
/// that saves by rename touches it more than once).
const SETTLE: Duration = Duration::from_millis(60);

/// Each source file's modification time and size.
type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

fn snapshot(dir: &Path) -> Snapshot {
    files::walk(dir)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "rs") || path.ends_with("Cargo.toml"))
        .filter_map(|path| {
            let meta = fs::metadata(&path).ok()?;
            Some((path, (meta.modified().ok(), meta.len())))
        })
        .collect()
}

/// The files that differ between two snapshots, and the newest time among them.
fn changes(dir: &Path, before: &Snapshot, after: &Snapshot) -> (Vec<String>, Option<SystemTime>) {
    let mut changed = Vec::new();
    let mut newest = None;
    for (path, stamp) in after {
        if before.get(path) != Some(stamp) {
            changed.push(files::relative(dir, path));
            newest = newest.max(stamp.0);
        }
    }
    for path in before.keys().filter(|path| !after.contains_key(*path)) {
        changed.push(format!("{} (deleted)", files::relative(dir, path)));
    }
    (changed, newest)
}

enum Event {
    Saved(Vec<String>, Option<SystemTime>),
    Key(String),
}

/// The lines typed on stdin; the channel closes when stdin does.
fn keys() -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line.trim().to_string()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a save or a key.
fn wait(dir: &Path, seen: &mut Snapshot, keys: &Receiver<String>, stdin_open: &mut bool) -> Event {
    loop {
        if *stdin_open {
            match keys.recv_timeout(POLL) {
                Ok(line) => return Event::Key(line),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => *stdin_open = false,
            }
        } else {
            thread::sleep(POLL);
        }
        let now = snapshot(dir);
        if now != *seen {
            let mut settled = now;
            loop {
                thread::sleep(SETTLE);
                let again = snapshot(dir);
                if again == settled {
                    break;
                }
                settled = again;
            }
            let (changed, newest) = changes(dir, seen, &settled);
            *seen = settled;
            return Event::Saved(changed, newest);
        }
    }
}

/// Watches `exercises[start]`; with `next`, moves on by itself when it passes.
pub fn watch(
    root: &Path,
    exercises: &[Exercise],
    start: usize,
    next: bool,
    style: Style,
) -> Result<()> {
    let mut out = std::io::stdout();
    let keys = keys();
    let mut stdin_open = true;
    let mut current = start;
    let mut seen = snapshot(&exercises[current].dir);
    let mut passed = grade(root, &exercises[current], "", None, style, &mut out)?;
    loop {
        if passed && next {
            match progress::next_to_do(root, exercises, Some(current))? {
                Some(index) => {
                    current = index;
                    seen = snapshot(&exercises[current].dir);
                    writeln!(out, "\nOn to the next exercise.")?;
                    passed = grade(root, &exercises[current], "", None, style, &mut out)?;
                    continue;
                }
                None => {
                    writeln!(out, "\nEvery exercise is done. Well played!")?;
                    return Ok(());
                }
            }
        }
        let exercise = &exercises[current];
        let number = report::number(&exercise.name);
        writeln!(
            out,
            "\n{} exercises/{}/ (save a file to re-grade). Enter: grade again, {}: next exercise, h: hint, q: quit",
            style.bold("Watching"),
            exercise.name,
            if passed { style.bold("n") } else { "n".into() },
        )?;
        out.flush()?;
        match wait(&exercise.dir, &mut seen, &keys, &mut stdin_open) {
            Event::Saved(changed, newest) => {
                let what = format!("{} changed; ", changed.join(", "));
                passed = grade(root, exercise, &what, newest, style, &mut out)?;
            }
            Event::Key(key) => match key.as_str() {
                "q" | "quit" => return Ok(()),
                "h" | "hint" => {
                    let hint = fs::read_to_string(exercise.hint()).unwrap_or_else(|_| {
                        format!("exercises/{}/hint.md is missing.", exercise.name)
                    });
                    writeln!(out, "\n{hint}")?;
                }
                "n" | "next" => match progress::next_to_do(root, exercises, Some(current))? {
                    Some(index) => {
                        current = index;
                        seen = snapshot(&exercises[current].dir);
                        passed = grade(root, &exercises[current], "", None, style, &mut out)?;
                    }
                    None => writeln!(out, "Every other exercise is done.")?,
                },
                "" => passed = grade(root, exercise, "", None, style, &mut out)?,
                other => writeln!(
                    out,
                    "{other:?} is not a key here; cargo course watch {number} takes Enter, n, h or q."
                )?,
            },
        }
    }
}

/// Grades and prints the report; returns whether every test passed.
fn grade(
    root: &Path,
    exercise: &Exercise,
    what: &str,
    saved_at: Option<SystemTime>,
    style: Style,
    out: &mut impl Write,
) -> Result<bool> {
    writeln!(out, "\n{}grading exercises/{}…", what, exercise.name)?;
    out.flush()?;
    let started = Instant::now();
    let manifest = Manifest::load(root)?;
    let progress = progress::assess(root, &manifest, exercise, Untouched::Run)?;
    write!(out, "{}", report::render(&progress, style))?;
    let took = match saved_at.and_then(|t| t.elapsed().ok()) {
        Some(since_save) => format!("{:.1} s after the save", since_save.as_secs_f64()),
        None => format!("in {:.1} s", started.elapsed().as_secs_f64()),
    };
    writeln!(out, "{}", style.dim(&format!("(graded {took})")))?;
    Ok(progress.counts_as_done())
}
