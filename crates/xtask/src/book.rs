//! `check-book`: every lesson crate's source appears in the book, and every
//! `{{#include}}` in the book points at a file that exists.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Crates that support the course rather than teach a lesson.
const SUPPORT_CRATES: &[&str] = &["course", "test-support", "xtask"];

/// Problems with the book's listings; none when every lesson crate is included.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let chapters = chapters(root)?;
    let mut problems = Vec::new();
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
    use super::{include_paths, include_specs};

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
