//! Reset: put an exercise's files back as they shipped, after asking. The learner's
//! version of each file is kept first, under `.course/backups/NN-name/WHEN/`: outside
//! the exercise (so cargo does not build it and a renumbering does not trip on it),
//! ignored by git (the folder carries its own `.gitignore`, so `git status` stays
//! quiet), and not under `target/` (so `cargo clean` does not delete it).
//! `cargo course backups` lists what is kept there.

use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use crate::exercises::Exercise;
use crate::files;
use crate::originals::{self, MANIFEST, Manifest};

/// Where backups are kept, from the repository's root.
pub const BACKUPS: &str = ".course/backups";

/// Resets `exercise`; asks on `input` first unless `yes`. Returns whether anything
/// was reset.
pub fn reset(
    root: &Path,
    exercise: &Exercise,
    yes: bool,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<bool> {
    let manifest = Manifest::load(root)?;
    let Some(recorded) = manifest.exercises.get(&exercise.name) else {
        bail!(
            "{MANIFEST} has no record of exercises/{}'s original files, so it cannot be reset",
            exercise.name
        );
    };
    let comparison = manifest.compare(root, exercise);
    let folder = format!("exercises/{}", exercise.name);
    if comparison.changed().is_empty() && comparison.tests_added.is_empty() {
        writeln!(out, "{folder} is as it shipped: there is nothing to reset.")?;
        return Ok(false);
    }

    // Find every original before touching anything.
    let mut plan = Vec::new();
    for file in comparison.changed() {
        let content = originals::original_content(root, &recorded[&file], &file)?;
        plan.push((file, Some(content)));
    }
    for file in &comparison.tests_added {
        plan.push((file.clone(), None));
    }
    let backup = free_backup_folder(&root.join(BACKUPS).join(&exercise.name));
    let shown_backup = files::relative(root, &backup);

    writeln!(out, "Reset {folder} to the files it shipped with?")?;
    for (file, content) in &plan {
        let exists = exercise.dir.join(file).exists();
        let what = match (exists, content) {
            (true, Some(_)) => "back to the original",
            (true, None) => "not shipped with the exercise: moved out",
            (false, _) => "missing: the original comes back",
        };
        writeln!(out, "  {file}: {what}")?;
    }
    if plan
        .iter()
        .any(|(file, _)| exercise.dir.join(file).exists())
    {
        writeln!(out, "Your files are kept in {shown_backup}/")?;
    }
    if !yes {
        write!(out, "Reset? [y/N] ")?;
        out.flush()?;
        let mut answer = String::new();
        input.read_line(&mut answer).context("reading the answer")?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(out, "Nothing was changed.")?;
            return Ok(false);
        }
    }

    let mut kept = Vec::new();
    for (file, content) in &plan {
        let path = exercise.dir.join(file);
        if path.exists() {
            let copy = backup.join(file);
            if let Some(parent) = copy.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            ignore_in_git(root)?;
            fs::copy(&path, &copy)
                .with_context(|| format!("keeping your {file} as {}", copy.display()))?;
            kept.push(files::relative(root, &copy));
        }
        match content {
            Some(content) => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
            }
            None => {
                fs::remove_file(&path).with_context(|| format!("moving {} out", path.display()))?
            }
        }
    }
    writeln!(out, "{folder} is reset.")?;
    for copy in kept {
        writeln!(out, "Your version: {copy}")?;
    }
    Ok(true)
}

/// `.course/.gitignore` with `*` in it: git ignores the whole folder, with no
/// change to the repository's own `.gitignore`.
fn ignore_in_git(root: &Path) -> Result<()> {
    let ignore = root.join(".course/.gitignore");
    if !ignore.exists() {
        fs::create_dir_all(root.join(".course"))?;
        fs::write(
            &ignore,
            "# cargo course keeps your files here when it resets an exercise.\n*\n",
        )
        .with_context(|| format!("writing {}", ignore.display()))?;
    }
    Ok(())
}

/// `…/2026-12-01_19-40-05`, or with `-2`, `-3`… when that is taken.
fn free_backup_folder(base: &Path) -> PathBuf {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = utc_stamp(seconds);
    let mut candidate = base.join(&stamp);
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = base.join(format!("{stamp}-{n}"));
    }
    candidate
}

/// `YYYY-MM-DD_HH-MM-SS` (UTC) for seconds since 1970: a name that sorts by time.
pub fn utc_stamp(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}_{:02}-{:02}-{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Every kept file, for `cargo course backups [N]`: one exercise's, or all.
pub fn list_backups(root: &Path, exercise: Option<&Exercise>, out: &mut impl Write) -> Result<()> {
    let base = root.join(BACKUPS);
    let folders: Vec<PathBuf> = match exercise {
        Some(exercise) => vec![base.join(&exercise.name)],
        None => {
            let mut all: Vec<PathBuf> = fs::read_dir(&base)
                .map(|entries| entries.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            all.sort();
            all
        }
    };
    let mut any = false;
    for folder in folders {
        for file in files::walk(&folder) {
            if !any {
                writeln!(
                    out,
                    "Your files that cargo course reset kept, oldest first:"
                )?;
                any = true;
            }
            writeln!(out, "  {}", files::relative(root, &file))?;
        }
    }
    if !any {
        let whose = exercise.map_or(String::new(), |e| format!(" of exercises/{}", e.name));
        writeln!(
            out,
            "No files{whose} were kept: cargo course reset keeps yours in {BACKUPS}/ before it resets."
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_dates() {
        assert_eq!(utc_stamp(0), "1970-01-01_00-00-00");
        // 2026-12-01 19:40:05 UTC.
        assert_eq!(utc_stamp(1_796_154_005), "2026-12-01_19-40-05");
        assert_eq!(utc_stamp(951_782_400), "2000-02-29_00-00-00");
    }

    #[test]
    fn a_backup_never_overwrites_another() {
        let dir = tempfile::tempdir().unwrap();
        let first = free_backup_folder(dir.path());
        fs::create_dir_all(&first).unwrap();
        let second = free_backup_folder(dir.path());
        assert_ne!(first, second);
    }
}
