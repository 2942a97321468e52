//! The list of exercises: every folder under `exercises/`, in name order. Adding an
//! exercise is adding a folder (and its twin under `solutions/`); nothing else lists them.
//!
//! `cargo xtask check-exercises` reads this same list (xtask depends on this crate), so
//! the maintainers' checks and the learner's `course` tool can never disagree on it.

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

/// The chapter of the book an exercise belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// From the repository's root, such as `book/src/timeouts.md`.
    pub path: String,
    /// The chapter's first `# ` line, such as `Timeouts: settimeout`.
    pub title: String,
}

impl Exercise {
    /// The concept part of the name, such as `basic-server`: package names carry it
    /// without the number, so renumbering the path does not rename the packages.
    pub fn concept(&self) -> &str {
        self.name
            .split_once('-')
            .map_or(&self.name, |(_, concept)| concept)
    }
    pub fn package(&self) -> String {
        format!("exercise-{}", self.concept())
    }
    pub fn solution_package(&self) -> String {
        format!("solution-{}", self.concept())
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

    /// The chapter that `hint.md` links to, with its title; `None` when the hint is
    /// missing or links no chapter.
    pub fn chapter(&self, root: &Path) -> Option<Chapter> {
        let hint = fs::read_to_string(self.hint()).ok()?;
        let path = chapter_of(&hint)?;
        let text = fs::read_to_string(root.join(&path)).unwrap_or_default();
        let title = text
            .lines()
            .find_map(|line| line.strip_prefix("# "))
            .map_or_else(|| path.clone(), |title| title.trim().to_string());
        Some(Chapter { path, title })
    }
}

/// The first `book/src/….md` a hint links to, as a path from the repository's root.
pub fn chapter_of(hint: &str) -> Option<String> {
    let start = hint.find("book/src/")?;
    let rest = &hint[start..];
    let end = rest.find(".md")? + ".md".len();
    Some(rest[..end].to_string())
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

/// The exercise a learner means by `query`: its folder name (`01-basic-server`), its
/// number (`01` or `1`), its concept (`basic-server`) or its package
/// (`exercise-basic-server`). An unknown name is an error that lists the valid ones.
pub fn find<'a>(exercises: &'a [Exercise], query: &str) -> Result<&'a Exercise> {
    let query = query.trim().trim_end_matches('/');
    let query = query.strip_prefix("exercises/").unwrap_or(query);
    let query = query.strip_prefix("exercise-").unwrap_or(query);
    let number: Option<u32> = query.parse().ok();
    let found = exercises.iter().find(|e| {
        let (prefix, concept) = e.name.split_once('-').unwrap_or((&e.name, ""));
        e.name == query || concept == query || (number.is_some() && prefix.parse().ok() == number)
    });
    match found {
        Some(exercise) => Ok(exercise),
        None => {
            let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
            bail!(
                "there is no exercise {query:?}. The exercises are:\n  {}\nName one by its number (01) or its folder's name.",
                names.join("\n  ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two() -> Vec<Exercise> {
        ["01-basic-server", "02-basic-client"]
            .map(|name| Exercise {
                name: name.into(),
                dir: PathBuf::from("exercises").join(name),
                solution_dir: PathBuf::from("solutions").join(name),
            })
            .to_vec()
    }

    #[test]
    fn an_exercise_is_found_by_number_folder_concept_or_package() {
        let exercises = two();
        for query in [
            "2",
            "02",
            "02-basic-client",
            "basic-client",
            "exercise-basic-client",
            "exercises/02-basic-client/",
        ] {
            assert_eq!(find(&exercises, query).unwrap().name, "02-basic-client");
        }
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let error = find(&two(), "07").unwrap_err().to_string();
        assert!(error.contains("no exercise \"07\""), "{error}");
        assert!(
            error.contains("  01-basic-server\n  02-basic-client"),
            "{error}"
        );
    }

    #[test]
    fn a_hint_names_its_chapter() {
        let hint = "Read [the chapter](../../book/src/first-server-and-client.md) first.";
        assert_eq!(
            chapter_of(hint).as_deref(),
            Some("book/src/first-server-and-client.md")
        );
        assert_eq!(chapter_of("no link here"), None);
    }
}
