//! `cargo course` (short for `cargo run -q -p course --`): where you are in the
//! course, what the tests say, hints, watch mode and reset. See `usage()`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use course::exercises::{self, Exercise};
use course::originals::{MANIFEST, Manifest};
use course::progress::{self, Untouched};
use course::style::Style;
use course::{overview, report, reset, watch};

mod trace;

fn usage() -> &'static str {
    "The course's companion: where you are, what the tests say, and hints.

  cargo course                    every exercise with its status, and what to do next
  cargo course check [N]          grade exercise N (01, 1 or 01-basic-server); all when no N
  cargo course hint N             show exercise N's hint
  cargo course watch [N] [--next] re-grade N (or the next one to do) whenever you save;
                                  --next moves on by itself when it passes
  cargo course reset N [--yes]    put N back as it shipped (asks first; keeps yours as .bak)
  cargo course trace N            run N under the packet tracer, draw its packets (Linux)

`cargo course` is short for `cargo run -q -p course --`; both work from anywhere in the
repository. For maintainers, after changing a stub or a test:
  cargo course record-originals   rewrite crates/course/originals.txt"
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The command line, split into words and `--flags`.
struct Args {
    words: Vec<String>,
    flags: Vec<String>,
}

impl Args {
    /// Takes `flag` (or its short form) out of the flags; whether it was given.
    fn take(&mut self, flag: &str, short: &str) -> bool {
        let before = self.flags.len();
        self.flags.retain(|f| f != flag && f != short);
        self.flags.len() != before
    }

    /// The optional exercise name, after the command; more words, or flags not
    /// taken, are an error.
    fn name(&self, command: &str) -> Result<Option<&str>> {
        if let Some(flag) = self.flags.first() {
            bail!("`{command}` does not take {flag} (`cargo course help` lists the commands)");
        }
        if self.words.len() > 2 {
            bail!(
                "`{command}` takes one exercise, not {}",
                self.words[1..].join(" ")
            );
        }
        Ok(self.words.get(1).map(String::as_str))
    }
}

fn run() -> Result<ExitCode> {
    let (flags, words) = std::env::args()
        .skip(1)
        .partition(|arg| arg.starts_with('-') && arg.len() > 1);
    let mut args = Args { words, flags };
    if args.take("--help", "-h") || args.words.first().is_some_and(|w| w == "help") {
        println!("{}", usage());
        return Ok(ExitCode::SUCCESS);
    }
    let root = find_root()?;
    let exercises = exercises::list(&root)?;
    let style = Style::for_stdout();
    let command = args.words.first().cloned().unwrap_or_default();
    match command.as_str() {
        "" => {
            args.name("cargo course")?;
            overview::show(&root, &exercises, &mut std::io::stdout(), style)?;
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let chosen = match args.name("check")? {
                Some(name) => vec![exercises::find(&exercises, name)?.clone()],
                None => exercises.clone(),
            };
            check(&root, &chosen, style)
        }
        "trace" => {
            let Some(name) = args.name("trace")? else {
                bail!("which exercise? For example: cargo course trace 14");
            };
            trace::run(&root, exercises::find(&exercises, name)?)
        }
        "hint" => {
            let Some(name) = args.name("hint")? else {
                bail!("which exercise? For example: cargo course hint 01");
            };
            let exercise = exercises::find(&exercises, name)?;
            let hint = std::fs::read_to_string(exercise.hint())
                .with_context(|| format!("reading {}", exercise.hint().display()))?;
            println!(
                "{}\n",
                style.dim(&format!("exercises/{}/hint.md", exercise.name))
            );
            println!("{}", hint.trim_end());
            Ok(ExitCode::SUCCESS)
        }
        "watch" => {
            let next = args.take("--next", "-n");
            let start = match args.name("watch")? {
                Some(name) => {
                    let exercise = exercises::find(&exercises, name)?;
                    exercises.iter().position(|e| e == exercise).unwrap_or(0)
                }
                None => match progress::next_to_do(&root, &exercises, None)? {
                    Some(index) => index,
                    None => {
                        println!(
                            "Every exercise is done. Name one to watch it anyway: cargo course watch 01"
                        );
                        return Ok(ExitCode::SUCCESS);
                    }
                },
            };
            watch::watch(&root, &exercises, start, next, style)?;
            Ok(ExitCode::SUCCESS)
        }
        "reset" => {
            let yes = args.take("--yes", "-y");
            let Some(name) = args.name("reset")? else {
                bail!("which exercise? For example: cargo course reset 01");
            };
            let exercise = exercises::find(&exercises, name)?;
            let stdin = std::io::stdin();
            reset::reset(
                &root,
                exercise,
                yes,
                &mut stdin.lock(),
                &mut std::io::stdout(),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        "record-originals" => {
            args.name("record-originals")?;
            Manifest::record(&exercises).write(&root)?;
            println!(
                "recorded the files of {} exercises in {MANIFEST}",
                exercises.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("there is no command {other:?}\n\n{}", usage()),
    }
}

/// The repository's root, found from the current folder up.
fn find_root() -> Result<PathBuf> {
    let here = std::env::current_dir().context("finding the current folder")?;
    exercises::find_root(&here).map_err(|_| {
        anyhow::anyhow!(
            "{} is not inside the course's repository. Run this from the folder you cloned \
             (the one with Cargo.toml and exercises/) or any folder below it.",
            here.display()
        )
    })
}

/// Grades each exercise, tests and all; fails when one is not done.
fn check(root: &std::path::Path, chosen: &[Exercise], style: Style) -> Result<ExitCode> {
    let manifest = Manifest::load(root)?;
    let mut out = std::io::stdout();
    let mut done = 0;
    for (i, exercise) in chosen.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let progress = progress::assess(root, &manifest, exercise, Untouched::Run)?;
        write!(out, "{}", report::render(&progress, style))?;
        out.flush()?;
        done += usize::from(progress.counts_as_done());
    }
    if chosen.len() > 1 {
        writeln!(out, "\n{done} of {} done", chosen.len())?;
    }
    Ok(if done == chosen.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
