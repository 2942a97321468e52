//! Reset: put an exercise's files back as they shipped, after asking, keeping the
//! learner's version of each file beside it as `FILE.bak` (never overwriting one).

use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::exercises::Exercise;
use crate::files;
use crate::originals::{self, MANIFEST, Manifest};

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
    let changed: Vec<&String> = comparison.changed().collect();
    let folder = format!("exercises/{}", exercise.name);
    if changed.is_empty() {
        writeln!(out, "{folder} is as it shipped: there is nothing to reset.")?;
        return Ok(false);
    }

    // Find every original before touching anything.
    let mut plan = Vec::new();
    for file in changed {
        let content = originals::original_content(root, &recorded[file], file)?;
        let path = exercise.dir.join(file);
        let backup = path.exists().then(|| free_backup_name(&path));
        plan.push((file, path, backup, content));
    }

    writeln!(out, "Reset {folder} to the files it shipped with?")?;
    for (file, _, backup, _) in &plan {
        match backup {
            Some(backup) => writeln!(
                out,
                "  {file}: back to the original; yours is kept as {}",
                files::relative(&exercise.dir, backup)
            )?,
            None => writeln!(out, "  {file}: missing; the original comes back")?,
        }
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

    for (file, path, backup, content) in &plan {
        if let Some(backup) = backup {
            fs::rename(path, backup)
                .with_context(|| format!("keeping your {file} as {}", backup.display()))?;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    writeln!(out, "{folder} is reset.")?;
    for (_, _, backup, _) in &plan {
        if let Some(backup) = backup {
            writeln!(
                out,
                "Your version is in {}/{}",
                folder,
                files::relative(&exercise.dir, backup)
            )?;
        }
    }
    Ok(true)
}

/// `FILE.bak`, or `FILE.bak.1`, `FILE.bak.2`… when that is taken.
fn free_backup_name(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut candidate = path.with_file_name(format!("{name}.bak"));
    let mut n = 0;
    while candidate.exists() {
        n += 1;
        candidate = path.with_file_name(format!("{name}.bak.{n}"));
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_never_overwrites_another() {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main.rs");
        assert_eq!(free_backup_name(&main), dir.path().join("main.rs.bak"));
        fs::write(dir.path().join("main.rs.bak"), "").unwrap();
        assert_eq!(free_backup_name(&main), dir.path().join("main.rs.bak.1"));
    }
}
