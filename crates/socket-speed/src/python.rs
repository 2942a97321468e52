//! The same measurements in Python, written as the articles write their code
//! (`python/speed.py`), run with the same time budget so the figures sit side by
//! side. Python makes the same system calls; what it adds is the interpreter's
//! work around each one: a bytes object per recv, a method call per send.

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::bulk::Transfer;
use crate::measure::{Budget, Timed};

/// Where the script lives: the repository's `python/` folder.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../python/speed.py");

pub struct PythonFigures {
    /// What `python3 --version` says, e.g. "Python 3.11.7".
    pub version: String,
    pub one_connection: Timed,
    pub new_connection: Timed,
    pub tcp_1024: Transfer,
}

/// Runs `python3 python/speed.py SECONDS`; `Ok(None)` when there is no python3.
pub fn measure(budget: Budget) -> Result<Option<PythonFigures>> {
    let Some(version) = python_version() else {
        return Ok(None);
    };
    let seconds = format!("{:.3}", budget.0.as_secs_f64());
    let mut child = Command::new("python3")
        .args([SCRIPT, &seconds])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start python3 {SCRIPT}"))?;

    // Three measurements and two interpreters' start-up; anything much longer is
    // a script that hangs, and a benchmark must not hang with it.
    let deadline = Instant::now() + 3 * budget.0 + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for python3 failed")? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("python3 {SCRIPT} did not finish in time and was stopped");
        }
        thread::sleep(Duration::from_millis(10));
    };
    let output = child
        .wait_with_output()
        .context("reading python3's output failed")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !status.success() {
        bail!(
            "python3 {SCRIPT} failed ({status}):\n{}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(version, &stdout)
        .with_context(|| format!("python3 {SCRIPT} printed:\n{stdout}"))
        .map(Some)
}

/// "Python 3.11.7", or None when python3 cannot be run.
fn python_version() -> Option<String> {
    let out = Command::new("python3").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// Reads the script's three lines (see the top of `python/speed.py`).
fn parse(version: String, stdout: &str) -> Result<PythonFigures> {
    let numbers = |name: &str| -> Result<Vec<f64>> {
        let line = stdout
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .ok_or_else(|| anyhow!("no line `{name} …`"))?;
        line.split_whitespace()
            .map(|n| {
                n.parse()
                    .with_context(|| format!("`{n}` in `{name}` is not a number"))
            })
            .collect()
    };
    let timed = |name: &str| -> Result<Timed> {
        match numbers(name)?[..] {
            [count, seconds] if count >= 1.0 && seconds > 0.0 => Ok(Timed {
                count: count as u64,
                elapsed: Duration::from_secs_f64(seconds),
            }),
            _ => bail!("`{name}` needs a count and a number of seconds"),
        }
    };
    let tcp_1024 = match numbers("tcp_1024")?[..] {
        [sent, received, recvs, seconds] if seconds > 0.0 => Transfer {
            sent: sent as u64,
            received: received as u64,
            recvs: recvs as u64,
            elapsed: Duration::from_secs_f64(seconds),
        },
        _ => bail!("`tcp_1024` needs bytes sent, bytes received, recv calls and seconds"),
    };
    if tcp_1024.sent != tcp_1024.received {
        bail!(
            "Python sent {} bytes but {} arrived",
            tcp_1024.sent,
            tcp_1024.received
        );
    }
    Ok(PythonFigures {
        version,
        one_connection: timed("round_trips_one_connection")?,
        new_connection: timed("round_trips_new_connection")?,
        tcp_1024,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "round_trips_one_connection 9198 0.500004\n\
                        round_trips_new_connection 5190 0.500096\n\
                        tcp_1024 357369856 357369856 349000 0.500124\n";

    #[test]
    fn reads_the_scripts_three_lines() {
        let figures = parse("Python 3.11.7".into(), GOOD).unwrap();
        assert_eq!(figures.one_connection.count, 9198);
        assert_eq!(figures.new_connection.count, 5190);
        assert_eq!(figures.tcp_1024.received, 357369856);
        assert_eq!(figures.tcp_1024.recvs, 349000);
    }

    #[test]
    fn python_losing_bytes_is_an_error() {
        let lossy = GOOD.replace("357369856 357369856", "357369856 1024");
        assert!(parse(String::new(), &lossy).is_err());
    }

    #[test]
    fn a_missing_line_is_an_error() {
        let short: String = GOOD.lines().take(2).collect::<Vec<_>>().join("\n");
        let error = parse(String::new(), &short).err().unwrap();
        assert!(error.to_string().contains("tcp_1024"), "{error}");
    }
}
