//! Command-line arguments, the same way in every program.

use std::collections::VecDeque;
use std::fmt::Display;
use std::io::Write;
use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::process;
use std::str::FromStr;
use std::sync::OnceLock;

/// The usage of this program, once [`Args::new`] has been called.
static USAGE: OnceLock<&'static str> = OnceLock::new();

/// All the program's arguments at once (after `--help` is handled), for a program
/// that matches on them as a slice; report a bad one with [`usage_error`].
pub fn arguments(usage: &'static str) -> Vec<String> {
    Args::new(usage).rest.into()
}

/// Prints `problem` and the program's usage on stderr, and exits with status 2.
pub fn usage_error(problem: impl Display) -> ! {
    Args::fail_with(USAGE.get().copied().unwrap_or("usage: see --help"), problem)
}

/// `text` as a socket address, or a usage error; `example` shows one.
pub fn parse_addr(text: &str, example: &str) -> SocketAddr {
    text.parse().unwrap_or_else(|_| {
        usage_error(format_args!(
            "{text:?} is not an address like {example} (IPv6: [::1]:9999)"
        ))
    })
}

/// `text` as a whole number in `range`, or a usage error; `what` names it.
pub fn parse_number<T>(what: &str, text: &str, range: RangeInclusive<T>) -> T
where
    T: FromStr + PartialOrd + Display + Copy,
{
    let (low, high) = (*range.start(), *range.end());
    match text.parse::<T>() {
        Ok(n) if range.contains(&n) => n,
        _ => usage_error(format_args!(
            "{what} {text:?} is not a whole number from {low} to {high}"
        )),
    }
}

/// A program's arguments, read one at a time. Whatever goes wrong ends the program
/// with its usage on stderr and status 2, so a caller never handles a parse error.
#[derive(Debug)]
pub struct Args {
    usage: &'static str,
    rest: VecDeque<String>,
}

impl Args {
    /// The program's arguments. Starts the program's shared behaviour (see
    /// [`crate::start`]); `--help` or `-h` anywhere prints `usage` and exits 0.
    /// `usage` is the whole text, starting `usage: NAME ...`.
    pub fn new(usage: &'static str) -> Args {
        crate::start();
        let mut rest = VecDeque::new();
        for arg in std::env::args_os().skip(1) {
            match arg.into_string() {
                Ok(text) => rest.push_back(text),
                Err(raw) => Args::fail_with(usage, format!("{raw:?} is not valid UTF-8")),
            }
        }
        Args::from_list(usage, rest)
    }

    /// Arguments from a list instead of the command line (tests, sub-commands).
    pub fn from_list(usage: &'static str, list: impl IntoIterator<Item = String>) -> Args {
        let _ = USAGE.set(usage);
        let rest: VecDeque<String> = list.into_iter().collect();
        if rest.iter().any(|arg| arg == "--help" || arg == "-h") {
            println!("{usage}");
            process::exit(0);
        }
        Args { usage, rest }
    }

    /// The next argument, if there is one.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<String> {
        self.rest.pop_front()
    }

    /// The next argument, without taking it.
    pub fn peek(&self) -> Option<&str> {
        self.rest.front().map(String::as_str)
    }

    /// Takes the next argument if it is `word` (a sub-command or a flag).
    pub fn take_if(&mut self, word: &str) -> bool {
        if self.peek() == Some(word) {
            self.rest.pop_front();
            return true;
        }
        false
    }

    /// The next argument, which must be there; `what` names it in the error.
    pub fn required(&mut self, what: &str) -> String {
        match self.next() {
            Some(text) if !text.is_empty() => text,
            Some(_) => self.fail(format_args!("{what} is empty")),
            None => self.fail(format_args!("{what} is missing")),
        }
    }

    /// The optional next argument as a socket address, or `default`.
    pub fn addr_or(&mut self, default: &str) -> SocketAddr {
        let text = self.next().unwrap_or_else(|| default.to_string());
        self.parse_addr(&text, default)
    }

    /// `text` as a socket address; `example` shows what one looks like.
    pub fn parse_addr(&self, text: &str, example: &str) -> SocketAddr {
        parse_addr(text, example)
    }

    /// The optional next argument as a number in `range`, or `default`.
    pub fn number_or<T>(&mut self, what: &str, range: RangeInclusive<T>, default: T) -> T
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        match self.next() {
            Some(text) => self.parse_number(what, &text, range),
            None => default,
        }
    }

    /// `text` as a whole number in `range`; `what` names it in the error.
    pub fn parse_number<T>(&self, what: &str, text: &str, range: RangeInclusive<T>) -> T
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        parse_number(what, text, range)
    }

    /// The value after a flag such as `--mode`, which must be there.
    pub fn value_of(&mut self, flag: &str) -> String {
        match self.next() {
            Some(value) => value,
            None => self.fail(format_args!("{flag} needs a value")),
        }
    }

    /// Ends the parse: one argument more than the program takes is an error.
    pub fn finish(mut self) {
        if let Some(extra) = self.next() {
            self.fail(format_args!("unexpected argument {extra:?}"));
        }
    }

    /// Prints `problem` and the usage on stderr and exits with status 2, the
    /// status of a usage error.
    pub fn fail(&self, problem: impl Display) -> ! {
        Args::fail_with(self.usage, problem)
    }

    fn fail_with(usage: &str, problem: impl Display) -> ! {
        // Not eprintln!: a closed stderr (`2>&1 | head -1`) must not turn a usage
        // error into a panic.
        let _ = writeln!(std::io::stderr(), "error: {problem}\n{usage}");
        process::exit(2);
    }
}
