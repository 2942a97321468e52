//! After an exercise passes: the reference answer to compare with, and the known
//! mistakes (`solutions/NN-name/wrong/*.rs`), each with the test that catches it.
//! Shown only once the exercise is done, as rustlings shows its solutions.
//!
//! A wrong answer is a whole `main.rs` that starts with this header:
//! ```text
//! //! Wrong: <the mistake, in one line>
//! //! Caught by: <test_name>[, <test_name>...]
//! //!
//! //! <why it is wrong, what the lesson says instead>
//! ```

use std::fs;
use std::path::Path;

use crate::exercises::Exercise;
use crate::files;

/// One known-wrong answer, from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrong {
    /// From the repository's root, such as `solutions/01-x/wrong/no-flush.rs`.
    pub path: String,
    pub mistake: String,
    pub caught_by: Vec<String>,
    pub why: String,
}

/// Reads a wrong answer's header; `None` when it has none.
pub fn parse_header(path: String, source: &str) -> Option<Wrong> {
    let header: Vec<&str> = source
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    let mistake = header.first()?.strip_prefix("Wrong:")?.trim().to_string();
    let caught_by = header
        .get(1)?
        .strip_prefix("Caught by:")?
        .split(',')
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect();
    let why = header
        .get(3..)
        .unwrap_or_default()
        .iter()
        .map(|line| line.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string();
    Some(Wrong {
        path,
        mistake,
        caught_by,
        why,
    })
}

/// The known-wrong answers of an exercise, sorted by file name.
pub fn wrong_answers(root: &Path, exercise: &Exercise) -> Vec<Wrong> {
    files::walk(&exercise.solution_dir.join("wrong"))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .filter_map(|path| {
            let source = fs::read_to_string(&path).ok()?;
            parse_header(files::relative(root, &path), &source)
        })
        .collect()
}

/// The one line `check` and `watch` add after a pass.
pub fn offer(root: &Path, exercise: &Exercise) -> String {
    let number = crate::report::number(&exercise.name);
    let wrong = wrong_answers(root, exercise).len();
    let mistakes = match wrong {
        0 => String::new(),
        1 => " and 1 common mistake".to_string(),
        n => format!(" and {n} common mistakes"),
    };
    format!("Compare with the reference answer{mistakes}:\ncargo course solution {number}")
}

/// What `cargo course solution N` prints for a done exercise.
pub fn show(root: &Path, exercise: &Exercise) -> String {
    let main = exercise.solution_dir.join("src/main.rs");
    let mut out = format!(
        "The reference answer: {}\n  (compare: diff {} {})\n",
        files::relative(root, &main),
        files::relative(root, &exercise.stub_source()),
        files::relative(root, &main),
    );
    let wrong = wrong_answers(root, exercise);
    if wrong.is_empty() {
        return out;
    }
    out.push_str("\nCommon mistakes, each a whole main.rs that the grade rejects:\n");
    for answer in wrong {
        out.push_str(&format!("\n  {}\n", answer.mistake));
        out.push_str(&format!("    {}\n", answer.path));
        out.push_str(&format!("    caught by: {}\n", answer.caught_by.join(", ")));
        for line in answer.why.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_names_the_mistake_and_its_tests() {
        let source = "//! Wrong: prints the reply before flushing\n\
                      //! Caught by: replies_at_once, two_clients\n\
                      //!\n\
                      //! The reply sits in a buffer.\n\
                      //! Flush it.\n\
                      fn main() {}\n";
        let wrong = parse_header("w.rs".into(), source).unwrap();
        assert_eq!(wrong.mistake, "prints the reply before flushing");
        assert_eq!(wrong.caught_by, ["replies_at_once", "two_clients"]);
        assert_eq!(wrong.why, "The reply sits in a buffer.\nFlush it.");
        assert_eq!(parse_header("x.rs".into(), "fn main() {}\n"), None);
    }
}
