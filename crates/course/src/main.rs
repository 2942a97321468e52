//! `cargo course` (short for `cargo run -q -p course --`): where you are in the
//! course, what the tests say, hints, watch mode and reset. See `usage()`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use course::exercises::{self, Exercise};
use course::language::Language;
use course::originals::{MANIFEST, Manifest};
use course::progress::{self, Untouched};
use course::report::Detail;
use course::style::Style;
use course::{overview, report, reset, solution, term, watch};

mod trace;

fn usage() -> &'static str {
    "The course's companion: where you are, what the tests say, and hints.

  cargo course                    every exercise with its status, and what to do next
  cargo course check [N]          grade exercise N (01, 1 or 01-basic-server) and show
                                  what each failing test said; all when no N
  cargo course hint N [--lang=L]  show exercise N's hint, in English (en), Korean (ko)
                                  or Traditional Chinese (zh-TW); without --lang, the
                                  language LC_ALL, LC_MESSAGES or LANG names
  cargo course watch [N] [--next] re-grade N (or the next one to do) whenever you save;
                                  keys: h hint, c check, n next, r reset, q quit;
                                  --next moves on by itself when it passes
  cargo course reset N [--yes]    put N back as it shipped (asks first; keeps your
                                  files in .course/backups/)
  cargo course backups [N]        list the files reset kept
  cargo course solution N         once N is done: the reference answer and the
                                  common mistakes, with the test that catches each
  cargo course trace N            run N under the packet tracer, draw its packets (Linux)

Inside an exercise's folder, N may be left out: that exercise is meant.
`cargo course` is short for `cargo run -q -p course --`; both work from anywhere in the
repository. For maintainers, after changing a stub or a test:
  cargo course record-originals   rewrite crates/course/originals.txt"
}

fn main() -> ExitCode {
    term::install_handlers();
    match run() {
        Ok(code) => code,
        // `cargo course | head -2`: the reader has all it wants; stop quietly.
        Err(error) if closed_stdout(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn closed_stdout(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
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

    /// Takes `--lang=L` out of the flags: the language it names, or the environment's.
    fn language(&mut self) -> Result<Language> {
        let Some(index) = self
            .flags
            .iter()
            .position(|f| f == "--lang" || f.starts_with("--lang="))
        else {
            return Ok(Language::from_env());
        };
        let flag = self.flags.remove(index);
        let value = flag.strip_prefix("--lang=").unwrap_or("");
        Language::parse(value).with_context(|| {
            format!(
                "`{flag}`: say which language, as --lang=L where L is {}",
                Language::CHOICES
            )
        })
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
    let mut out = std::io::stdout();
    if args.take("--help", "-h") || args.words.first().is_some_and(|w| w == "help") {
        writeln!(out, "{}", usage())?;
        return Ok(ExitCode::SUCCESS);
    }
    let here = std::env::current_dir().context("finding the current folder")?;
    let root = find_root(&here)?;
    let exercises = exercises::list(&root)?;
    // Inside an exercise's folder (or below it), that exercise is meant.
    let here_exercise = exercises.iter().find(|e| here.starts_with(&e.dir)).cloned();
    let chosen = |name: Option<&str>| -> Result<Option<Exercise>> {
        match name {
            Some(name) => Ok(Some(exercises::find(&exercises, name)?.clone())),
            None => Ok(here_exercise.clone()),
        }
    };
    let style = Style::for_stdout();
    let width = term::width();
    let command = args.words.first().cloned().unwrap_or_default();
    match command.as_str() {
        "" => {
            args.name("cargo course")?;
            overview::show(&root, &exercises, &mut out, style, width)?;
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let chosen = match chosen(args.name("check")?)? {
                Some(exercise) => vec![exercise],
                None => exercises.clone(),
            };
            check(&root, &chosen, style, width)
        }
        "trace" => {
            let Some(name) = args.name("trace")? else {
                bail!("which exercise? For example: cargo course trace 14");
            };
            trace::run(&root, exercises::find(&exercises, name)?)
        }
        "hint" => {
            let language = args.language()?;
            let Some(exercise) = chosen(args.name("hint")?)? else {
                bail!("which exercise? For example: cargo course hint 01");
            };
            let path = language.hint_in(&exercise.dir);
            let hint = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            writeln!(
                out,
                "{}\n",
                style.dim(&format!("exercises/{}/{file}", exercise.name))
            )?;
            writeln!(out, "{}", hint.trim_end())?;
            Ok(ExitCode::SUCCESS)
        }
        "watch" => {
            let next = args.take("--next", "-n");
            let start = match chosen(args.name("watch")?)? {
                Some(exercise) => exercises.iter().position(|e| *e == exercise).unwrap_or(0),
                None => match progress::next_to_do(&root, &exercises, None)? {
                    Some(index) => index,
                    None => {
                        writeln!(
                            out,
                            "Every exercise is done. Name one to watch it anyway: cargo course watch 01"
                        )?;
                        return Ok(ExitCode::SUCCESS);
                    }
                },
            };
            watch::watch(&root, &exercises, start, next, style)?;
            Ok(ExitCode::SUCCESS)
        }
        "solution" => {
            let Some(exercise) = chosen(args.name("solution")?)? else {
                bail!("which exercise? For example: cargo course solution 01");
            };
            let manifest = Manifest::load(&root)?;
            let progress = progress::assess(&root, &manifest, &exercise, Untouched::Skip)?;
            if !progress.counts_as_done() {
                writeln!(
                    out,
                    "exercises/{} is not done yet ({}): the reference answer and the common \
                     mistakes are shown once its tests pass. `cargo course check {}` says \
                     what is left.",
                    exercise.name,
                    progress.status().label(),
                    report::number(&exercise.name)
                )?;
                return Ok(ExitCode::FAILURE);
            }
            write!(out, "{}", solution::show(&root, &exercise))?;
            Ok(ExitCode::SUCCESS)
        }
        "backups" => {
            let exercise = chosen(args.name("backups")?)?;
            reset::list_backups(&root, exercise.as_ref(), &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        "reset" => {
            let yes = args.take("--yes", "-y");
            let Some(exercise) = chosen(args.name("reset")?)? else {
                bail!("which exercise? For example: cargo course reset 01");
            };
            let exercise = &exercise;
            let stdin = std::io::stdin();
            reset::reset(&root, exercise, yes, &mut stdin.lock(), &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        "record-originals" => {
            args.name("record-originals")?;
            Manifest::record(&exercises).write(&root)?;
            writeln!(
                out,
                "recorded the files of {} exercises in {MANIFEST}",
                exercises.len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("there is no command {other:?}\n\n{}", usage()),
    }
}

/// The repository's root, found from the current folder up.
fn find_root(here: &Path) -> Result<PathBuf> {
    exercises::find_root(here).map_err(|_| {
        anyhow::anyhow!(
            "{} is not inside the course's repository. Run this from the folder you cloned \
             (the one with Cargo.toml and exercises/) or any folder below it.",
            here.display()
        )
    })
}

/// Grades each exercise, tests and all; fails when one is not done.
fn check(root: &Path, chosen: &[Exercise], style: Style, width: usize) -> Result<ExitCode> {
    let manifest = Manifest::load(root)?;
    let mut out = std::io::stdout();
    let mut done = 0;
    for (i, exercise) in chosen.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let progress = progress::assess(root, &manifest, exercise, Untouched::Run)?;
        // One exercise: what each failing test said. All of them: the first
        // message of each, so the whole course fits on a few screens.
        let detail = if chosen.len() == 1 {
            Detail::Every
        } else {
            Detail::First
        };
        write!(
            out,
            "{}",
            report::render_with(root, &progress, style, width, detail)
        )?;
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
