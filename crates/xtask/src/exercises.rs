//! The list of exercises: every folder under `exercises/`, in name order. Adding an
//! exercise is adding a folder (and its twin under `solutions/`); nothing else lists them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// One exercise, as laid out in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// The folder name, such as `01-basic-server`.
    pub name: String,
    /// `exercises/<name>`: the learner's stub, its tests and its hint.
    pub dir: PathBuf,
    /// `solutions/<name>`: the reference answer.
    pub solution_dir: PathBuf,
}

impl Exercise {
    pub fn package(&self) -> String {
        format!("exercise-{}", self.name)
    }
    pub fn solution_package(&self) -> String {
        format!("solution-{}", self.name)
    }
    pub fn stub_source(&self) -> PathBuf {
        self.dir.join("src/main.rs")
    }
    pub fn test_file(&self) -> PathBuf {
        self.dir.join("tests/grade.rs")
    }
    pub fn hint(&self) -> PathBuf {
        self.dir.join("hint.md")
    }
}

/// Every exercise under `root/exercises`, sorted by folder name.
pub fn list(root: &Path) -> Result<Vec<Exercise>> {
    let folder = root.join("exercises");
    let entries = fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))?;
    let mut exercises = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", folder.display()))?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        exercises.push(Exercise {
            dir: entry.path(),
            solution_dir: root.join("solutions").join(&name),
            name,
        });
    }
    exercises.sort_by(|a, b| a.name.cmp(&b.name));
    if exercises.is_empty() {
        bail!("no exercises found in {}", folder.display());
    }
    Ok(exercises)
}

/// The repository's root: the nearest folder, from `start` up, that has both
/// `Cargo.toml` and `exercises/`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("exercises").is_dir())
        .map(Path::to_path_buf)
        .with_context(|| format!("{} is not inside the course's repository", start.display()))
}
