//! Colour, only for a terminal, and never when `NO_COLOR` is set (no-color.org).

use std::io::IsTerminal;

use crate::progress::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    colour: bool,
    terminal: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let terminal = std::io::stdout().is_terminal();
        Style {
            colour: terminal && !no_color,
            terminal,
        }
    }

    pub fn plain() -> Style {
        Style {
            colour: false,
            terminal: false,
        }
    }

    /// Whether a line may be overwritten in place (a terminal, not a file or pipe).
    pub fn terminal(self) -> bool {
        self.terminal
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn red(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// A status label, padded to `width` before it is coloured so columns line up.
    pub fn status(self, status: Status, width: usize) -> String {
        let text = format!("{:width$}", status.label());
        match status {
            Status::Done => self.paint("32", &text),
            Status::Failing => self.red(&text),
            Status::NotStarted => self.dim(&text),
            Status::Edited => self.yellow(&text),
        }
    }
}
