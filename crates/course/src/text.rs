//! Laying text out for a width: lines are broken between words, never inside one
//! (a path or a command stays whole, on a line of its own if it must).

/// `text` broken into lines of at most `width` characters where words allow: the
/// first line starts with `first`, the others with `rest`. A word longer than a line
/// is kept whole. Blank lines and line breaks in `text` are kept; each line of
/// `text` continues under its own leading spaces.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let prefix = if i == 0 { first } else { rest };
        if line.trim().is_empty() {
            out.push('\n');
            continue;
        }
        let own = &line[..line.len() - line.trim_start().len()];
        let lead = format!("{prefix}{own}");
        let next = format!("{rest}{own}");
        wrap_line(line.trim(), width, &lead, &next, &mut out);
    }
    if text.is_empty() {
        out.push('\n');
    }
    out
}

fn wrap_line(line: &str, width: usize, lead: &str, next: &str, out: &mut String) {
    let mut current = lead.to_string();
    let mut empty = true;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let fits = chars(&current) + 1 + chars(word) <= width;
        if empty {
            current.push_str(word);
            empty = false;
        } else if fits {
            current.push(' ');
            current.push_str(word);
        } else {
            out.push_str(&current);
            out.push('\n');
            current = format!("{next}{word}");
        }
    }
    out.push_str(current.trim_end());
    out.push('\n');
}

/// Characters, as the terminal counts them (close enough: the course's text is
/// English, paths and a few symbols).
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to `max` characters, with `…` in place of the rest.
pub fn cut(text: &str, max: usize) -> String {
    if chars(text) <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_never_broken_and_lines_fit() {
        let text = "The program stopped before printing its first line, `listening on ADDR`, see exercises/01-basic-server/src/main.rs now";
        let wrapped = wrap(text, 30, "  ", "    ");
        for line in wrapped.lines() {
            assert!(
                chars(line) <= 30 || !line.trim().contains(' '),
                "{line:?} in\n{wrapped}"
            );
        }
        let words: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words, text.split_whitespace().collect::<Vec<_>>());
        assert!(wrapped.contains("\n    exercises/01-basic-server/src/main.rs"));
    }

    #[test]
    fn a_line_keeps_its_own_indent_when_it_continues() {
        let wrapped = wrap("first\n  second line that is long", 16, "> ", "> ");
        assert_eq!(wrapped, "> first\n>   second line\n>   that is long\n");
    }

    #[test]
    fn cut_marks_what_it_left_out() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
