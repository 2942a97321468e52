//! One name per chapter. `book/src/SUMMARY.md` is where a chapter's name is decided;
//! everything else that names a chapter must say the same: the chapter's own first
//! heading (which `cargo course` shows), the README's table, and every "the chapter
//! [NAME](file.md)", `chapter "NAME"` or `book: "NAME"` in the book, the hints, the
//! stubs, the grade messages and the crates. `check-book` reports each one that drifts.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// (name, file) for every chapter `SUMMARY.md` links to, as `("Timeouts: settimeout",
/// "timeouts.md")`.
pub fn summary_titles(summary: &str) -> Vec<(String, String)> {
    let mut titles = Vec::new();
    for line in summary.lines() {
        let Some(open) = line.find('[') else { continue };
        let Some(close) = line[open..].find("](").map(|i| open + i) else {
            continue;
        };
        let Some(end) = line[close..].find(')').map(|i| close + i) else {
            continue;
        };
        let file = &line[close + 2..end];
        if !file.is_empty() {
            titles.push((line[open + 1..close].to_string(), file.to_string()));
        }
    }
    titles
}

/// A chapter's first `# ` heading.
pub fn first_heading(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(str::trim)
}

/// Every place that names a chapter differently from `SUMMARY.md`.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let summary_path = root.join("book/src/SUMMARY.md");
    let summary = fs::read_to_string(&summary_path)
        .with_context(|| format!("reading {}", summary_path.display()))?;
    let titles = summary_titles(&summary);
    let mut problems = Vec::new();
    for (title, file) in &titles {
        let path = root.join("book/src").join(file);
        let Ok(text) = fs::read_to_string(&path) else {
            continue; // summary_problems reports a missing file
        };
        match first_heading(&text) {
            Some(heading) if heading == title => {}
            Some(heading) => problems.push(format!(
                "book/src/{file}: its heading is \"{heading}\", but SUMMARY.md calls it \"{title}\""
            )),
            None => problems.push(format!("book/src/{file} has no `# ` heading")),
        }
    }
    for path in files_that_name_chapters(root)? {
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let lists_chapters = shown == "README.md" || shown == "book/src/introduction.md";
        let mut previous = "";
        for (line_number, line) in text.lines().enumerate() {
            // "the book's chapter" at the end of one line, its [NAME](…) on the next.
            let line_with_context = if previous.trim_end().ends_with("chapter") {
                format!("chapter {line}")
            } else {
                line.to_string()
            };
            for problem in line_problems(&line_with_context, lists_chapters, &titles) {
                problems.push(format!("{shown}:{}: {problem}", line_number + 1));
            }
            previous = line;
        }
    }
    Ok(problems)
}

/// What names chapters: the README, the book, and every Markdown and Rust file of the
/// exercises, the solutions and the crates.
fn files_that_name_chapters(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = vec![root.join("README.md")];
    for dir in ["book/src", "exercises", "solutions", "crates"] {
        walk(&root.join(dir), &mut files)?;
    }
    // The checker's own sources and tests quote wrong names on purpose.
    let checker = root.join("crates/xtask");
    files.retain(|p| !p.ends_with("SUMMARY.md") && !p.starts_with(&checker) && p.is_file());
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                walk(&path, files)?;
            }
        } else if name.ends_with(".md") || name.ends_with(".rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// The chapter file a link or path points at (`../../book/src/timeouts.md#x` is
/// `timeouts.md`), if it is one of the book's.
fn chapter_file<'t>(target: &str, titles: &'t [(String, String)]) -> Option<&'t str> {
    let file = target.split('#').next()?.rsplit('/').next()?;
    titles
        .iter()
        .find(|(_, f)| f == file)
        .map(|(title, _)| title.as_str())
}

/// Names of chapters on one line that are not the chapter's name. `lists_chapters`:
/// the file's tables list chapters by name (the README's path, the introduction's
/// exercises); elsewhere a table may link a chapter with a short word ("blocking").
fn line_problems(line: &str, lists_chapters: bool, titles: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    // [NAME](file.md) after the word "chapter", or first in a README table row.
    let mut from = 0;
    while let Some(open) = line[from..].find('[').map(|i| from + i) {
        from = open + 1;
        let Some(close) = line[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = line[close..].find(')').map(|i| close + i) else {
            break;
        };
        let name = &line[open + 1..close];
        let before = line[..open].trim_end().to_lowercase();
        let after = line[end + 1..].trim_start();
        // A table cell that is nothing but links to chapters (the README's path,
        // the introduction's list of exercises) names them.
        let whole_cell = lists_chapters
            && line.trim_start().starts_with('|')
            && (before.ends_with('|') || before.ends_with(','))
            && (after.starts_with('|') || after.starts_with(','));
        let names_a_chapter = before.ends_with("chapter") || whole_cell;
        if !names_a_chapter || name.contains('[') {
            continue;
        }
        if let Some(title) = chapter_file(&line[close + 2..end], titles)
            && name != title
        {
            problems.push(format!(
                "calls a chapter \"{name}\"; its name is \"{title}\""
            ));
        }
    }
    // chapter "NAME", chapter \"NAME\" (inside a Rust string) and book: "NAME".
    for prefix in ["chapter \"", "chapter \\\"", "book: \""] {
        let quote = if prefix.ends_with("\\\"") {
            "\\\""
        } else {
            "\""
        };
        let mut from = 0;
        while let Some(start) = line[from..].find(prefix).map(|i| from + i + prefix.len()) {
            from = start;
            let Some(len) = line[start..].find(quote) else {
                break;
            };
            let name = &line[start..start + len];
            let after = &line[start + len + quote.len()..];
            // A path right after the name says which chapter it means.
            let meant = after
                .find("book/src/")
                .filter(|&i| i < 8)
                .and_then(|i| chapter_file(after[i..].split(')').next()?, titles));
            match meant {
                Some(title) if name != title => problems.push(format!(
                    "calls a chapter \"{name}\"; its name is \"{title}\""
                )),
                Some(_) => {}
                None if !titles.iter().any(|(title, _)| title == name) => problems.push(format!(
                    "names a chapter \"{name}\", but no chapter in SUMMARY.md has that name"
                )),
                None => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::{first_heading, line_problems, summary_titles};

    fn titles() -> Vec<(String, String)> {
        summary_titles(
            "# Summary\n\n- [Timeouts: settimeout](timeouts.md)\n- [UDP: sendto and recvfrom](udp-datagrams.md)\n",
        )
    }

    #[test]
    fn summary_gives_name_and_file() {
        assert_eq!(
            titles()[0],
            ("Timeouts: settimeout".into(), "timeouts.md".into())
        );
        assert_eq!(
            first_heading("\n# Timeouts\n\ntext\n# Other"),
            Some("Timeouts")
        );
    }

    #[test]
    fn the_right_name_passes_everywhere() {
        for line in [
            "Read first: the book's chapter [Timeouts: settimeout](../../book/src/timeouts.md).",
            "| [Timeouts: settimeout](book/src/timeouts.md) | `timeouts` | `09-timeouts` |",
            "const CHAPTER: &str = \"the book's chapter \\\"Timeouts: settimeout\\\" (book/src/timeouts.md)",
            "//! (book: \"UDP: sendto and recvfrom\")",
            "as in [Timeouts](timeouts.md), a link that is not the chapter's name",
        ] {
            assert_eq!(
                line_problems(line, true, &titles()),
                Vec::<String>::new(),
                "{line}"
            );
        }
    }

    #[test]
    fn another_name_is_a_problem() {
        for line in [
            "Read first: the book's chapter [Timeouts](../../book/src/timeouts.md).",
            "| [Timeouts](book/src/timeouts.md) | `timeouts` | `09-timeouts` |",
            "| `exercises/09-timeouts` | a client | [Timeouts](timeouts.md) |",
            "const CHAPTER: &str = \"the book's chapter \\\"Timeouts\\\" (book/src/timeouts.md)",
            "//! (book: \"Timeouts\")",
            "See the chapter \"UDP\".",
        ] {
            let problems = line_problems(line, true, &titles());
            assert_eq!(problems.len(), 1, "{line}: {problems:?}");
        }
    }
}
