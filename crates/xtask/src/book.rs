//! `check-book`: every lesson crate's source appears in the book, and every
//! `{{#include}}` in the book points at a file that exists.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Crates that support the course rather than teach a lesson.
const SUPPORT_CRATES: &[&str] = &["course", "program-support", "test-support", "xtask"];

/// Problems with the book's listings; none when every lesson crate is included.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let summary_path = root.join("book/src/SUMMARY.md");
    let summary = fs::read_to_string(&summary_path)
        .with_context(|| format!("reading {}", summary_path.display()))?;
    let mut problems = summary_problems(root, &summary);
    // Only chapters a reader can reach count as including a lesson.
    let linked = summary_links(&summary);
    let chapters: Vec<_> = chapters(root)?
        .into_iter()
        .filter(|(path, _)| {
            linked
                .iter()
                .any(|link| path.ends_with(&format!("/{link}")))
        })
        .collect();
    for (chapter, text) in &chapters {
        for (path, anchor) in include_specs(text) {
            let target = root.join("book/src").join(&path);
            let Ok(source) = fs::read_to_string(&target) else {
                problems.push(format!("{chapter} includes {path}, which does not exist"));
                continue;
            };
            // mdBook includes nothing, silently, for an anchor that is not there.
            if let Some(anchor) = anchor {
                let is_anchor = anchor
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                    && !anchor.chars().all(|c| c.is_ascii_digit());
                if is_anchor && !source.contains(&format!("ANCHOR: {anchor}")) {
                    problems.push(format!(
                        "{chapter} includes {path}:{anchor}, but it has no `ANCHOR: {anchor}`"
                    ));
                }
            }
        }
    }
    let crates = root.join("crates");
    for entry in fs::read_dir(&crates).with_context(|| format!("reading {}", crates.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if SUPPORT_CRATES.contains(&name.as_str()) {
            continue;
        }
        let needle = format!("../../crates/{name}/");
        if !chapters
            .iter()
            .any(|(_, text)| include_paths(text).any(|p| p.starts_with(&needle)))
        {
            problems.push(format!(
                "crates/{name} is not included in any chapter of the book"
            ));
        }
    }
    Ok(problems)
}

/// The chapter files `SUMMARY.md` links to, as written there (`timeouts.md`).
fn summary_links(summary: &str) -> Vec<String> {
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|link| !link.is_empty())
        .map(str::to_string)
        .collect()
}

/// Draft entries (`- [Title]()`), links to missing files, and chapter files that
/// `SUMMARY.md` does not link to (a reader could never reach them).
fn summary_problems(root: &Path, summary: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for line in summary.lines().filter(|l| l.contains("]()")) {
        problems.push(format!(
            "SUMMARY.md has a draft chapter, `{}`: write it, or leave it out until its lesson exists",
            line.trim()
        ));
    }
    let links = summary_links(summary);
    for link in &links {
        if !root.join("book/src").join(link).is_file() {
            problems.push(format!("SUMMARY.md links to {link}, which does not exist"));
        }
    }
    let src = root.join("book/src");
    let mut files: Vec<String> = fs::read_dir(&src)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && name != "SUMMARY.md")
        .collect();
    files.sort();
    for file in files {
        if !links.contains(&file) {
            problems.push(format!(
                "book/src/{file} is not linked from SUMMARY.md, so no reader reaches it"
            ));
        }
    }
    problems
}

/// Every chapter file of the book with its text.
fn chapters(root: &Path) -> Result<Vec<(String, String)>> {
    let src = root.join("book/src");
    let mut chapters = Vec::new();
    for entry in fs::read_dir(&src).with_context(|| format!("reading {}", src.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            chapters.push((path.display().to_string(), text));
        }
    }
    Ok(chapters)
}

/// The file part of each `{{#include FILE[:ANCHOR]}}` in a chapter.
pub fn include_paths(text: &str) -> impl Iterator<Item = String> + '_ {
    include_specs(text).map(|(path, _)| path)
}

/// Each `{{#include FILE[:ANCHOR-OR-LINES]}}` in a chapter, as (file, what follows `:`).
pub fn include_specs(text: &str) -> impl Iterator<Item = (String, Option<String>)> + '_ {
    text.split("{{#include ").skip(1).filter_map(|rest| {
        let spec = rest[..rest.find("}}")?].trim();
        let mut parts = spec.splitn(2, ':');
        let path = parts.next()?.to_string();
        Some((path, parts.next().map(str::to_string)))
    })
}

#[cfg(test)]
mod tests {
    use super::{include_paths, include_specs, summary_links, summary_problems};

    #[test]
    fn summary_drafts_missing_and_unlinked_chapters_are_problems() {
        let root = tempfile::tempdir().unwrap();
        let src = root.path().join("book/src");
        std::fs::create_dir_all(&src).unwrap();
        for file in ["SUMMARY.md", "a.md", "orphan.md"] {
            std::fs::write(src.join(file), "# x\n").unwrap();
        }
        let summary = "[Intro](a.md)\n- [Gone](gone.md)\n- [Later]()\n";
        assert_eq!(summary_links(summary), ["a.md", "gone.md"]);
        let problems = summary_problems(root.path(), summary);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("draft chapter, `- [Later]()`"));
        assert!(problems[1].contains("gone.md, which does not exist"));
        assert!(problems[2].contains("orphan.md is not linked"));
    }

    #[test]
    fn include_paths_drop_the_anchor() {
        let text = "a {{#include ../../crates/x/src/main.rs:listen}} b {{#include ../y.rs}}";
        assert_eq!(
            include_paths(text).collect::<Vec<_>>(),
            ["../../crates/x/src/main.rs", "../y.rs"]
        );
    }

    #[test]
    fn include_specs_keep_the_anchor() {
        let specs: Vec<_> = include_specs("{{#include a.rs:listen}} {{#include b.rs}}").collect();
        assert_eq!(
            specs,
            [
                ("a.rs".to_string(), Some("listen".to_string())),
                ("b.rs".to_string(), None)
            ]
        );
    }
}
