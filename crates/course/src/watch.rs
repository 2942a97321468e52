//! Watch mode: re-grade an exercise each time one of its files is saved.
//!
//! It polls: every [`POLL`] it lists the exercise's folder and compares each file's
//! modification time and size with the last look. That needs nothing but std (no
//! watcher crate to build), works the same on every system and file system, and
//! copes with every way an editor saves: in place, by writing a new file and
//! renaming it over the old one, or with swap files beside it (those are ignored:
//! see `files::is_scratch_file`). `c` (or Enter) re-grades by hand, for the rare
//! case where a file system keeps modification times too coarse to see a save.
//!
//! Keys are single keys on a terminal (see `term`: the terminal is put back however
//! watch mode ends), and lines when stdin is a pipe or a file.

use std::collections::BTreeMap;
use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;

use crate::exercises::Exercise;
use crate::files;
use crate::language::Language;
use crate::originals::Manifest;
use crate::progress::{self, Untouched};
use crate::style::Style;
use crate::term::{self, Key, Keys};
use crate::text::wrap;
use crate::{report, reset, solution};

/// How often the folder is looked at.
const POLL: Duration = Duration::from_millis(100);
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
    Key(Key),
}

/// Waits for a save or a key.
fn wait(dir: &Path, seen: &mut Snapshot, keys: &Receiver<Key>, stdin_open: &mut bool) -> Event {
    loop {
        if *stdin_open {
            match keys.recv_timeout(POLL) {
                Ok(key) => return Event::Key(key),
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

/// An answer to reset's question, read as one key: `y`, or anything else.
struct KeyAnswer<'a>(&'a Receiver<Key>);

impl Read for KeyAnswer<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let answer: &[u8] = match self.0.recv() {
            Ok(Key::Char('y')) => b"y\n",
            Ok(Key::Line(line)) if line == "yes" => b"y\n",
            _ => b"n\n",
        };
        let n = answer.len().min(buffer.len());
        buffer[..n].copy_from_slice(&answer[..n]);
        Ok(n)
    }
}

/// What the keys do, for the prompt.
fn keys_help(single: bool, passed: bool) -> String {
    let then = if single { "" } else { " (then Enter)" };
    let solution = if passed { ", s solution" } else { "" };
    format!("keys{then}: h hint, c check, n next, r reset{solution}, q quit")
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
    let width = term::width();
    let keys = Keys::start();
    if !keys.single {
        writeln!(
            out,
            "{}",
            wrap(
                if std::io::stdin().is_terminal() {
                    "(single keys do not work in this terminal, so keys are read a line at a \
                     time: type the key, then Enter.)"
                } else {
                    "(stdin is not a terminal, so keys are read a line at a time: type the key, \
                     then Enter.)"
                },
                width,
                "",
                ""
            )
            .trim_end()
        )?;
    }
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
        let prompt = format!(
            "Watching exercises/{}/ (save a file to re-grade)\n{}",
            exercise.name,
            keys_help(keys.single, passed)
        );
        write!(
            out,
            "\n{}",
            wrap(&prompt, width, "", "  ").replacen("Watching", &style.bold("Watching"), 1)
        )?;
        out.flush()?;
        match wait(&exercise.dir, &mut seen, &keys.receiver, &mut stdin_open) {
            Event::Saved(changed, newest) => {
                let what = format!("{} changed; ", changed.join(", "));
                passed = grade(root, exercise, &what, newest, style, &mut out)?;
            }
            Event::Key(key) => match key {
                Key::Char('q') | Key::Interrupt => return Ok(()),
                Key::Line(line) if line == "quit" => return Ok(()),
                Key::Char('h') => {
                    let path = Language::from_env().hint_in(&exercise.dir);
                    let hint = fs::read_to_string(path).unwrap_or_else(|_| {
                        format!("exercises/{}/hint.md is missing.", exercise.name)
                    });
                    writeln!(out, "\n{}", wrap(hint.trim_end(), width, "", ""))?;
                }
                Key::Char('n') => match progress::next_to_do(root, exercises, Some(current))? {
                    Some(index) => {
                        current = index;
                        seen = snapshot(&exercises[current].dir);
                        passed = grade(root, &exercises[current], "", None, style, &mut out)?;
                    }
                    None => writeln!(out, "\nEvery other exercise is done.")?,
                },
                Key::Char('c') | Key::Enter => {
                    passed = grade(root, exercise, "", None, style, &mut out)?
                }
                Key::Char('r') => {
                    writeln!(out)?;
                    let mut answer = std::io::BufReader::new(KeyAnswer(&keys.receiver));
                    let was_reset = reset::reset(root, exercise, false, &mut answer, &mut out)?;
                    seen = snapshot(&exercise.dir);
                    if was_reset {
                        passed = grade(root, exercise, "", None, style, &mut out)?;
                    }
                }
                Key::Char('s') if passed => {
                    writeln!(out, "\n{}", solution::show(root, exercise).trim_end())?
                }
                other => {
                    let typed = match other {
                        Key::Char(c) if c.is_ascii_graphic() => format!("\"{c}\""),
                        Key::Char(_) => "that key".to_string(),
                        Key::Line(line) => format!("{line:?}"),
                        _ => "that".to_string(),
                    };
                    writeln!(
                        out,
                        "\n{typed} is not a key of cargo course watch {number}: {}",
                        keys_help(keys.single, passed)
                    )?
                }
            },
        }
    }
}

/// Grades and prints the report; returns whether the exercise counts as done.
fn grade(
    root: &Path,
    exercise: &Exercise,
    what: &str,
    saved_at: Option<SystemTime>,
    style: Style,
    out: &mut impl Write,
) -> Result<bool> {
    let width = term::width();
    let line = format!("{what}grading exercises/{}…", exercise.name);
    write!(out, "\n{}", wrap(&line, width, "", "  "))?;
    out.flush()?;
    let started = Instant::now();
    let manifest = Manifest::load(root)?;
    let progress = progress::assess(root, &manifest, exercise, Untouched::Run)?;
    write!(out, "{}", report::render(root, &progress, style, width))?;
    let took = match saved_at.and_then(|t| t.elapsed().ok()) {
        Some(since_save) => format!("{:.2} s after the save", since_save.as_secs_f64()),
        None => format!("in {:.2} s", started.elapsed().as_secs_f64()),
    };
    writeln!(out, "{}", style.dim(&format!("(graded {took})")))?;
    out.flush()?;
    Ok(progress.counts_as_done())
}
