//! `book-output`: every "what you will see" block of the book is the real output of a
//! command, named in a comment on the line above the block:
//!
//! ```text
//! <!-- output: cargo run -q -p timeouts -->
//! ```
//!
//! This module finds those blocks, runs their commands and compares (or, with
//! `--update`, rewrites) the blocks. `book/runs/README.md` is the guide for authors.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::mask::mask;

/// How long one command may take, building included, before it counts as hung.
const COMMAND_DEADLINE: Duration = Duration::from_secs(120);

/// One marked block in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputBlock {
    /// The command in the marker.
    pub command: String,
    /// `output(numbers)`: every number is masked, for measured figures.
    pub numbers: bool,
    /// The line index (0-based) of the block's first line after the opening fence.
    pub first_line: usize,
    /// The line index of the closing fence.
    pub end_line: usize,
}

/// The marked blocks of a chapter, or a description of a malformed marker.
pub fn blocks(text: &str) -> std::result::Result<Vec<OutputBlock>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some((command, numbers)) = marker(line) else {
            continue;
        };
        let line_number = index + 1;
        let fence = lines.get(index + 1).map(|l| l.trim_start());
        if !fence.is_some_and(|f| f.starts_with("```")) {
            return Err(format!(
                "line {line_number}: an output marker must sit right above a ``` block"
            ));
        }
        let Some(end) = (index + 2..lines.len()).find(|&i| lines[i].trim() == "```") else {
            return Err(format!(
                "line {line_number}: the block under the marker never closes"
            ));
        };
        blocks.push(OutputBlock {
            command,
            numbers,
            first_line: index + 2,
            end_line: end,
        });
    }
    Ok(blocks)
}

/// The line numbers (1-based) of `console` blocks that show output but have neither an
/// output marker nor a `<!-- by hand: WHY -->` note above them.
pub fn unmarked(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].trim_start();
        if !line.starts_with("```") {
            index += 1;
            continue;
        }
        let end = (index + 1..lines.len())
            .find(|&i| lines[i].trim() == "```")
            .unwrap_or(lines.len());
        let shows_output = lines[index + 1..end]
            .iter()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("$ "));
        let above = index.checked_sub(1).map_or("", |i| lines[i].trim());
        let accounted = marker(above).is_some() || above.starts_with("<!-- by hand:");
        if line.starts_with("```console") && shows_output && !accounted {
            found.push(index + 1);
        }
        index = end + 1;
    }
    found
}

/// `<!-- output: CMD -->` or `<!-- output(numbers): CMD -->` → (CMD, numbers).
fn marker(line: &str) -> Option<(String, bool)> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let (numbers, command) = if let Some(c) = inner.strip_prefix("output(numbers):") {
        (true, c)
    } else {
        (false, inner.strip_prefix("output:")?)
    };
    Some((command.trim().to_string(), numbers))
}

/// The lines after those at the top that the reader types: lines that start with `$ `,
/// and the lines that continue a quoted argument over several lines.
fn output_part<'b, 'a>(lines: &'b [&'a str]) -> &'b [&'a str] {
    let mut typed = 0;
    while lines.get(typed).is_some_and(|l| l.starts_with("$ ")) {
        let mut quotes = lines[typed].matches('"').count();
        typed += 1;
        while quotes % 2 == 1 && typed < lines.len() {
            quotes += lines[typed].matches('"').count();
            typed += 1;
        }
    }
    &lines[typed..]
}

/// Masked lines without trailing blank lines, runs of spaces made one (columns padded
/// to fit a port or a time of another width still match): what is compared.
fn comparable(lines: &[&str], numbers: bool) -> Vec<String> {
    let mut masked: Vec<String> = lines
        .iter()
        .map(|line| {
            // A benchmark names the machine it ran on; another machine is not drift.
            if line.trim_start().starts_with("machine:") {
                return "machine: <MACHINE>".to_string();
            }
            let masked = mask(line, numbers);
            let indent = &masked[..masked.len() - masked.trim_start().len()];
            let words: Vec<&str> = masked.split_whitespace().collect();
            format!("{indent}{}", words.join(" "))
        })
        .collect();
    while masked.last().is_some_and(|l| l.is_empty()) {
        masked.pop();
    }
    masked
}

/// Runs a block's command from `root` as the book says: `sh -c`, stdout and stderr
/// in one pipe, no stdin, no backtraces.
pub fn run(root: &Path, command: &str) -> Result<String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1\n{command}"))
        .current_dir(root)
        .env("RUST_BACKTRACE", "0")
        .env_remove("CARGO_TERM_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting `sh -c {command}`"))?;
    let mut stdout = child.stdout.take().context("no stdout pipe")?;
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let result = stdout.read_to_end(&mut bytes).map(|_| bytes);
        let _ = sender.send(result);
    });
    let bytes = match receiver.recv_timeout(COMMAND_DEADLINE) {
        Ok(result) => result.with_context(|| format!("reading the output of `{command}`"))?,
        Err(_) => {
            let _ = child.kill();
            anyhow::bail!("`{command}` did not finish within {COMMAND_DEADLINE:?}");
        }
    };
    // A block may show a failing run on purpose, so the exit status is not checked:
    // the output is what is compared.
    child
        .wait()
        .with_context(|| format!("waiting for `{command}`"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What `check` found for one block.
pub enum Verdict {
    Same,
    /// The first differing line: (line number in the chapter, expected, actual).
    Differs(usize, String, String),
}

/// Compares a block of `lines` (the chapter's lines) with a command's `output`.
pub fn compare(lines: &[&str], block: &OutputBlock, output: &str) -> Verdict {
    let shown_lines = output_part(&lines[block.first_line..block.end_line]);
    let typed = block.end_line - block.first_line - shown_lines.len();
    let shown = comparable(shown_lines, block.numbers);
    let output_lines: Vec<&str> = output.lines().collect();
    let fresh = comparable(output_part(&output_lines), block.numbers);
    let length = shown.len().max(fresh.len());
    for i in 0..length {
        let expected = shown.get(i).map_or("(nothing)", String::as_str);
        let actual = fresh.get(i).map_or("(nothing)", String::as_str);
        if expected != actual {
            let line = block.first_line + typed + i + 1;
            return Verdict::Differs(line, expected.to_string(), actual.to_string());
        }
    }
    Verdict::Same
}

/// The chapter's text with each block replaced by its fresh output. The block's own
/// `$ ` lines are kept, unless the output shows its own (a script's `show`).
pub fn update(text: &str, fresh: &[(OutputBlock, String)]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut next = 0;
    for (block, output) in fresh {
        out.extend(lines[next..block.first_line].iter().map(|l| l.to_string()));
        let block_lines = &lines[block.first_line..block.end_line];
        let mut old = block_lines;
        if !output.starts_with("$ ") {
            old = output_part(block_lines);
            let typed = &block_lines[..block_lines.len() - old.len()];
            out.extend(typed.iter().map(|l| l.to_string()));
        }
        // A line that matches the book's up to masking stays as the book has it, so a
        // default port or a tidy timing in the book is not churned.
        for (i, line) in output.trim_end_matches('\n').lines().enumerate() {
            let line = line.trim_end();
            let kept = old.get(i).copied().filter(|old| {
                comparable(&[old], block.numbers) == comparable(&[line], block.numbers)
            });
            out.push(kept.unwrap_or(line).to_string());
        }
        next = block.end_line;
    }
    out.extend(lines[next..].iter().map(|l| l.to_string()));
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Checks (or with `update`, rewrites) the marked blocks of every chapter whose file
/// name contains one of `filters` (all chapters when there are none). Prints what it
/// does; returns whether every block matched.
pub fn check_chapters(root: &Path, update_blocks: bool, filters: &[String]) -> Result<bool> {
    let src = root.join("book/src");
    let mut chapters: Vec<_> = std::fs::read_dir(&src)
        .with_context(|| format!("reading {}", src.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            filters.is_empty()
                || filters
                    .iter()
                    .any(|f| name.as_deref().unwrap_or("").contains(f.as_str()))
        })
        .collect();
    chapters.sort();
    let mut all_same = true;
    let mut count = 0;
    for path in chapters {
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {name}"))?;
        let found = match blocks(&text) {
            Ok(found) => found,
            Err(problem) => {
                println!("PROBLEM: {name}: {problem}");
                all_same = false;
                continue;
            }
        };
        for line in unmarked(&text) {
            all_same = false;
            println!(
                "UNMARKED {name}:{line}: a console block with output needs `<!-- output: COMMAND -->` above it (or `<!-- by hand: WHY -->`)"
            );
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut fresh = Vec::new();
        for block in found {
            count += 1;
            let started = std::time::Instant::now();
            let output = run(root, &block.command)?;
            let took = started.elapsed().as_secs_f64();
            match compare(&lines, &block, &output) {
                Verdict::Same => println!(
                    "ok    {name}:{} `{}` ({took:.1}s)",
                    block.first_line, block.command
                ),
                Verdict::Differs(line, expected, actual) if !update_blocks => {
                    all_same = false;
                    println!("DRIFT {name}:{line} `{}` ({took:.1}s)", block.command);
                    println!("      the book says: {expected}");
                    println!("      the run says:  {actual}");
                }
                Verdict::Differs(line, _, _) => {
                    println!("fresh {name}:{line} `{}` ({took:.1}s)", block.command);
                }
            }
            fresh.push((block, output));
        }
        if update_blocks && !fresh.is_empty() {
            std::fs::write(&path, update(&text, &fresh))
                .with_context(|| format!("writing {name}"))?;
        }
    }
    if count == 0 {
        println!("no marked output blocks found");
    } else if !all_same {
        println!(
            "the book's output has drifted; `cargo xtask book-output --update` rewrites it (then read the diff)"
        );
    } else {
        println!("{count} output blocks checked");
    }
    Ok(all_same)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "# Title\n\n<!-- output: echo hi -->\n```console\n$ cargo run -p x\nlistening on 127.0.0.1:5000\ndone in 3ms\n```\n\ntext\n";

    #[test]
    fn finds_the_marked_block() {
        let found = blocks(CHAPTER).unwrap();
        assert_eq!(
            found,
            [OutputBlock {
                command: "echo hi".into(),
                numbers: false,
                first_line: 4,
                end_line: 7
            }]
        );
    }

    #[test]
    fn console_output_needs_a_marker_or_a_reason() {
        let text = "```console\n$ cargo run\nhello\n```\n\n```console\n$ cargo test\n```\n\n<!-- by hand: typed -->\n```console\n$ x\ny\n```\n```text\nplain\n```\n";
        assert_eq!(unmarked(text), [1]);
        assert!(unmarked(CHAPTER).is_empty());
    }

    #[test]
    fn a_typed_command_may_continue_inside_quotes() {
        let lines = ["$ python3 -c \"", "print(1)\"", "1"];
        assert_eq!(output_part(&lines), ["1"]);
    }

    #[test]
    fn a_marker_without_a_block_is_an_error() {
        assert!(blocks("<!-- output: true -->\ntext\n").is_err());
        assert!(blocks("<!-- output: true -->\n```\nnever closed\n").is_err());
    }

    #[test]
    fn same_output_with_another_port_and_time_matches() {
        let lines: Vec<&str> = CHAPTER.lines().collect();
        let block = &blocks(CHAPTER).unwrap()[0];
        let output = "listening on 127.0.0.1:41234\ndone in 12.5ms\n";
        assert!(matches!(compare(&lines, block, output), Verdict::Same));
    }

    #[test]
    fn other_text_differs_and_names_the_line() {
        let lines: Vec<&str> = CHAPTER.lines().collect();
        let block = &blocks(CHAPTER).unwrap()[0];
        let Verdict::Differs(line, expected, actual) =
            compare(&lines, block, "listening on 127.0.0.1:1\nfailed\n")
        else {
            panic!("a changed line must differ");
        };
        assert_eq!(
            (line, expected.as_str(), actual.as_str()),
            (7, "done in <T>", "failed")
        );
        let missing = compare(&lines, block, "listening on 127.0.0.1:1\n");
        assert!(matches!(missing, Verdict::Differs(7, _, _)));
    }

    #[test]
    fn update_keeps_the_typed_line_and_the_rest_of_the_chapter() {
        let block = blocks(CHAPTER).unwrap()[0].clone();
        let output = "listening on 127.0.0.1:41234\nnew output\n";
        let updated = update(CHAPTER, &[(block, output.into())]);
        assert_eq!(
            updated,
            "# Title\n\n<!-- output: echo hi -->\n```console\n$ cargo run -p x\nlistening on 127.0.0.1:5000\nnew output\n```\n\ntext\n"
        );
    }
}
