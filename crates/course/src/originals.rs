//! What each exercise looked like when it shipped, to tell "not started" from
//! "failing", to notice edited tests, and to reset an exercise.
//!
//! Why a committed manifest and not git alone: a learner may have no git at all (a
//! downloaded zip), and one who commits their work moves `HEAD`, so "the version in
//! `HEAD`" stops being the original. A file in the repository, `originals.txt` beside
//! this crate, records every shipped file of every exercise by its git blob id (what
//! `git hash-object FILE` prints). Comparing needs nothing but that file, and the id
//! doubles as the address of the original's content: `git cat-file blob ID` finds it
//! in any clone, whatever the learner committed since. Without git, reset falls back
//! to copies this tool keeps under `target/course/originals/` of every file it saw
//! still as shipped.
//!
//! `cargo xtask check-exercises` fails when a maintainer changes a stub, a test or an
//! exercise's Cargo.toml without running `cargo run -p course -- record-originals`,
//! so the record cannot drift from the files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::exercises::Exercise;
use crate::files;

/// Where the record lives, from the repository's root.
pub const MANIFEST: &str = "crates/course/originals.txt";

/// The command that rewrites the record.
pub const RECORD_COMMAND: &str = "cargo run -p course -- record-originals";

/// For each exercise, its shipped files (relative paths) and their blob ids.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub exercises: BTreeMap<String, BTreeMap<String, String>>,
}

/// How an exercise's files compare with their originals.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// False when the manifest has no record of this exercise: then nothing below
    /// can be known.
    pub recorded: bool,
    /// The stub's files (under `src/`) that differ from the original or are gone.
    pub stub_changed: Vec<String>,
    /// The test files (`tests/…`) that differ or are gone.
    pub tests_edited: Vec<String>,
    /// Files in `tests/` that the exercise did not ship with: cargo runs them too.
    pub tests_added: Vec<String>,
    /// The exercise's `Cargo.toml`, if it differs (it decides what is built and run).
    pub manifest_edited: bool,
}

impl Comparison {
    /// Untouched: the learner has not changed the stub (nor anything else).
    pub fn not_started(&self) -> bool {
        self.recorded && self.stub_changed.is_empty() && !self.grading_changed()
    }
    /// Whether anything that decides the grade was changed: a test, an added test
    /// file, `Cargo.toml`. Then a grade does not count.
    pub fn grading_changed(&self) -> bool {
        !self.tests_edited.is_empty() || !self.tests_added.is_empty() || self.manifest_edited
    }
    /// Every shipped file that differs from its original.
    pub fn changed(&self) -> Vec<String> {
        let mut changed = self.stub_changed.clone();
        changed.extend(self.tests_edited.iter().cloned());
        if self.manifest_edited {
            changed.push("Cargo.toml".into());
        }
        changed
    }
    /// What was changed in the grading, in a learner's words: `tests/grade.rs
    /// edited`, `tests/mine.rs added`, `Cargo.toml edited`.
    pub fn grading_changes(&self) -> Vec<String> {
        let mut said = Vec::new();
        if !self.tests_edited.is_empty() {
            said.push(format!("{} edited", self.tests_edited.join(", ")));
        }
        if !self.tests_added.is_empty() {
            said.push(format!("{} added", self.tests_added.join(", ")));
        }
        if self.manifest_edited {
            said.push("Cargo.toml edited".to_string());
        }
        said
    }
}

/// The git blob id of `content` (what `git hash-object` prints): the SHA-1 of
/// `blob <len>\0<content>`, in hex. Only a name for the content, not security.
pub fn git_blob_id(content: &[u8]) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hasher.digest().to_string()
}

/// The files of an exercise that the record covers: `Cargo.toml` and everything
/// under `src/` and `tests/`, as paths relative to the exercise's folder.
pub fn shipped_files(exercise: &Exercise) -> Vec<String> {
    let mut found = vec!["Cargo.toml".to_string()];
    for folder in ["src", "tests"] {
        for path in files::walk(&exercise.dir.join(folder)) {
            found.push(files::relative(&exercise.dir, &path));
        }
    }
    found
}

/// The blob id of a file as git would store it (line endings as LF), or `None` when
/// it cannot be read.
pub fn file_id(path: &Path) -> Option<String> {
    fs::read(path)
        .ok()
        .map(|content| git_blob_id(&normalize(&content)))
}

/// Windows checkouts may turn LF into CRLF; the record is of the LF text.
fn normalize(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len());
    for (i, &byte) in content.iter().enumerate() {
        if !(byte == b'\r' && content.get(i + 1) == Some(&b'\n')) {
            out.push(byte);
        }
    }
    out
}

impl Manifest {
    /// Reads the record; a repository without one has an empty record.
    pub fn load(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let mut manifest = Manifest::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [exercise, file, id] = parts[..] else {
                bail!(
                    "{}:{}: expected `EXERCISE FILE BLOB-ID`, found {line:?}",
                    path.display(),
                    number + 1
                );
            };
            manifest
                .exercises
                .entry(exercise.to_string())
                .or_default()
                .insert(file.to_string(), id.to_string());
        }
        Ok(manifest)
    }

    /// A record of the exercises as they are now on disk.
    pub fn record(exercises: &[Exercise]) -> Manifest {
        let mut manifest = Manifest::default();
        for exercise in exercises {
            let files = shipped_files(exercise)
                .into_iter()
                .filter_map(|file| Some((file.clone(), file_id(&exercise.dir.join(&file))?)))
                .collect();
            manifest.exercises.insert(exercise.name.clone(), files);
        }
        manifest
    }

    pub fn render(&self) -> String {
        let mut text = format!(
            "# The files each exercise ships with, by git blob id (`git hash-object FILE`).\n\
             # The `course` tool compares a learner's files with these (not started? tests\n\
             # edited?) and `course reset` brings them back. Rewrite with:\n\
             #   {RECORD_COMMAND}\n\
             # `cargo xtask check-exercises` fails when this is out of date.\n"
        );
        for (exercise, files) in &self.exercises {
            for (file, id) in files {
                text.push_str(&format!("{exercise} {file} {id}\n"));
            }
        }
        text
    }

    pub fn write(&self, root: &Path) -> Result<()> {
        let path = root.join(MANIFEST);
        fs::write(&path, self.render()).with_context(|| format!("writing {}", path.display()))
    }

    /// Compares an exercise's files with their record, and keeps a copy of every file
    /// still as shipped (see [`remember`]).
    pub fn compare(&self, root: &Path, exercise: &Exercise) -> Comparison {
        let Some(files) = self.exercises.get(&exercise.name) else {
            return Comparison::default();
        };
        let mut comparison = Comparison {
            recorded: true,
            ..Comparison::default()
        };
        for (file, id) in files {
            let path = exercise.dir.join(file);
            if file_id(&path).as_ref() == Some(id) {
                remember(root, id, &path);
            } else if file.starts_with("src/") {
                comparison.stub_changed.push(file.clone());
            } else if file == "Cargo.toml" {
                comparison.manifest_edited = true;
            } else {
                comparison.tests_edited.push(file.clone());
            }
        }
        for path in files::walk(&exercise.dir.join("tests")) {
            let file = files::relative(&exercise.dir, &path);
            if !files.contains_key(&file) {
                comparison.tests_added.push(file);
            }
        }
        comparison
    }

    /// What a maintainer must fix: files that differ from the record, or are missing
    /// from it. Empty when the record matches the exercise.
    pub fn problems(&self, exercise: &Exercise) -> Vec<String> {
        let folder = format!("exercises/{}", exercise.name);
        let fix = format!("if the change is meant, run `{RECORD_COMMAND}` and commit {MANIFEST}");
        let Some(recorded) = self.exercises.get(&exercise.name) else {
            return vec![format!("{folder} is not recorded in {MANIFEST}: {fix}")];
        };
        let now = &Manifest::record(std::slice::from_ref(exercise)).exercises[&exercise.name];
        let mut problems = Vec::new();
        for (file, id) in now {
            match recorded.get(file) {
                None => problems.push(format!(
                    "{folder}/{file} is not recorded in {MANIFEST}: {fix}"
                )),
                Some(old) if old != id => problems.push(format!(
                    "{folder}/{file} differs from its record in {MANIFEST}: {fix}"
                )),
                Some(_) => {}
            }
        }
        for file in recorded.keys().filter(|file| !now.contains_key(*file)) {
            problems.push(format!(
                "{folder}/{file} is recorded in {MANIFEST} but missing: {fix}"
            ));
        }
        problems
    }
}

/// Where this tool keeps copies of originals, for learners without git.
fn saved_copy(root: &Path, id: &str) -> PathBuf {
    root.join("target/course/originals").join(id)
}

/// Keeps a copy of a file that is still as shipped, once. Best effort: a failure here
/// only means reset will need git.
fn remember(root: &Path, id: &str, path: &Path) {
    let copy = saved_copy(root, id);
    if copy.exists() {
        return;
    }
    if let Ok(content) = fs::read(path) {
        let _ = fs::create_dir_all(copy.parent().unwrap_or(root));
        let _ = fs::write(&copy, normalize(&content));
    }
}

/// The original content of the file recorded as `id`: from this tool's saved copy, or
/// from git. The content is checked against the id either way.
pub fn original_content(root: &Path, id: &str, file: &str) -> Result<Vec<u8>> {
    if let Ok(content) = fs::read(saved_copy(root, id)) {
        if git_blob_id(&content) == id {
            return Ok(content);
        }
    }
    let from_git = Command::new("git")
        .current_dir(root)
        .args(["cat-file", "blob", id])
        .output();
    match from_git {
        Ok(output) if output.status.success() && git_blob_id(&output.stdout) == id => {
            Ok(output.stdout)
        }
        Ok(_) => bail!(
            "the original of {file} (blob {id}) is not in this repository's git history, \
             and no copy of it was saved: take the file from the course's repository"
        ),
        Err(_) => bail!(
            "the original of {file} cannot be found: git is not installed and no copy of it \
             was saved; take the file from the course's repository"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and the empty blob.
        assert_eq!(
            git_blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(git_blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn crlf_counts_as_lf() {
        assert_eq!(normalize(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }

    #[test]
    fn the_manifest_reads_back_what_it_wrote() {
        let mut manifest = Manifest::default();
        manifest.exercises.entry("01-a".into()).or_default().insert(
            "src/main.rs".into(),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391".into(),
        );
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("crates/course")).unwrap();
        manifest.write(dir.path()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), manifest);
    }
}
