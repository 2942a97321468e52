//! The arguments of a server and of `load`: flags, their values, their ranges.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Result;

use crate::server::Config;
use crate::{DEFAULT_ADDR, DEFAULT_IDLE_MS, DEFAULT_MAX_LINE, Mode, load};

/// `[ADDR] [--mode M] [--idle-timeout MS] [--max-line BYTES] [--quiet]`
pub fn server_arguments(args: &[String]) -> Result<(SocketAddr, Mode, Config)> {
    let mut addr = DEFAULT_ADDR.parse()?;
    let mut mode = Mode::Threads;
    let mut config = Config {
        idle_timeout: Duration::from_millis(DEFAULT_IDLE_MS),
        max_line: DEFAULT_MAX_LINE,
        quiet: false,
    };
    let mut args = args.iter();
    let mut first = true;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => mode = parse_mode(value(&mut args, arg)?)?,
            "--idle-timeout" => {
                let millis = number(value(&mut args, arg)?, arg, 1..=MAX_IDLE_MS)?;
                config.idle_timeout = Duration::from_millis(millis);
            }
            "--max-line" => config.max_line = number(value(&mut args, arg)?, arg, 1..=MAX_LINE)?,
            "--quiet" => config.quiet = true,
            text if first && !text.starts_with('-') => {
                addr = program_support::parse_addr(text, DEFAULT_ADDR);
            }
            other => program_support::usage_error(format_args!("unknown argument {other:?}")),
        }
        first = false;
    }
    Ok((addr, mode, config))
}

/// `[--mode M] [--clients N] [--rounds R] [--wait SECS]`
pub fn load_arguments(args: &[String]) -> Result<load::Settings> {
    let mut settings = load::Settings {
        mode: Mode::Threads,
        clients: 1000,
        rounds: 100,
        wait: Duration::from_secs(5),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => settings.mode = parse_mode(value(&mut args, arg)?)?,
            "--clients" => settings.clients = number(value(&mut args, arg)?, arg, 1..=MAX_CLIENTS)?,
            "--rounds" => settings.rounds = number(value(&mut args, arg)?, arg, 1..=MAX_ROUNDS)?,
            "--wait" => {
                settings.wait =
                    Duration::from_secs(number(value(&mut args, arg)?, arg, 1..=MAX_WAIT_SECS)?)
            }
            other => program_support::usage_error(format_args!("unknown argument {other:?}")),
        }
    }
    Ok(settings)
}

pub fn value<'a>(args: &mut std::slice::Iter<'a, String>, flag: &str) -> Result<&'a str> {
    Ok(args
        .next()
        .map(String::as_str)
        .unwrap_or_else(|| program_support::usage_error(format_args!("{flag} needs a value"))))
}

/// A flag's number, range-checked (a usage error outside `range`), so that no
/// argument can overflow a deadline or ask for absurd amounts of memory.
pub fn number<T>(text: &str, flag: &str, range: std::ops::RangeInclusive<T>) -> Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    Ok(program_support::parse_number(flag, text, range))
}

/// The ranges of the numeric flags.
pub const MAX_IDLE_MS: u64 = 3_600_000;
pub const MAX_LINE: usize = 1 << 20;
pub const MAX_CLIENTS: usize = 100_000;
pub const MAX_ROUNDS: usize = 1_000_000;
pub const MAX_WAIT_SECS: u64 = 3600;

/// `--mode one|threads|poll|tokio`
fn parse_mode(text: &str) -> Result<Mode> {
    Mode::ALL
        .into_iter()
        .find(|mode| mode.name() == text)
        .ok_or_else(|| {
            program_support::usage_error(format_args!(
                "--mode {text:?}: pick one, threads, poll or tokio"
            ))
        })
}
