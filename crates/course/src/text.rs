//! Laying text out for a width: lines are broken between words, never inside one
//! (a path or a command stays whole, on a line of its own if it must). Widths are
//! columns as a terminal draws them: a Korean or Chinese character takes two, and
//! Chinese, which is written without spaces, may break between any two characters.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
        if empty && breakable(word) {
            push_breaking(&mut current, word, width, next, out);
            empty = false;
        } else if empty {
            current.push_str(word);
            empty = false;
        } else if fits {
            current.push(' ');
            current.push_str(word);
        } else if breakable(word) {
            current.push(' ');
            push_breaking(&mut current, word, width, next, out);
        } else {
            out.push_str(&current);
            out.push('\n');
            current = format!("{next}{word}");
        }
    }
    out.push_str(current.trim_end());
    out.push('\n');
}

/// Whether a word is Chinese text, which is written without spaces and may break
/// between any two characters. Korean puts spaces between its words and breaks
/// there, like English; any other word stays whole.
fn breakable(word: &str) -> bool {
    word.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// Adds a breakable word to `current`, character by character, starting new lines
/// (after `next`) where the width is reached.
fn push_breaking(current: &mut String, word: &str, width: usize, next: &str, out: &mut String) {
    for c in word.chars() {
        let w = c.width().unwrap_or(0);
        if chars(current) + w > width && !current.trim().is_empty() {
            out.push_str(current.trim_end());
            out.push('\n');
            *current = next.to_string();
        }
        current.push(c);
    }
}

/// Columns, as a terminal draws the text: two for a Korean or Chinese character.
pub fn chars(text: &str) -> usize {
    text.width()
}

/// `text` cut to `max` characters, with `…` in place of the rest.
pub fn cut(text: &str, max: usize) -> String {
    if chars(text) <= max {
        return text.to_string();
    }
    let mut kept = String::new();
    for c in text.chars() {
        if chars(&kept) + c.width().unwrap_or(0) > max.saturating_sub(1) {
            break;
        }
        kept.push(c);
    }
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
    fn korean_counts_two_columns_a_character_and_chinese_breaks_between_characters() {
        let korean = wrap("서버는 클라이언트마다 새 소켓을 받습니다", 20, "", "");
        for line in korean.lines() {
            assert!(chars(line) <= 20, "{line:?} in\n{korean}");
        }
        assert_eq!(korean.split_whitespace().count(), 5, "{korean}");
        let chinese = wrap(
            "伺服器為每個客戶端取得一個新的socket，然後繼續等待下一個。",
            20,
            "",
            "",
        );
        for line in chinese.lines() {
            assert!(chars(line) <= 20, "{line:?} in\n{chinese}");
        }
        assert_eq!(
            chinese.replace('\n', ""),
            "伺服器為每個客戶端取得一個新的socket，然後繼續等待下一個。"
        );
        assert_eq!(cut("한국어입니다", 7), "한국어…");
    }

    #[test]
    fn cut_marks_what_it_left_out() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
