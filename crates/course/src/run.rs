//! Running `cargo test` on a learner's code without trusting that code: the run has
//! deadlines, every process it starts is stopped when it ends (its whole process
//! group, so a child the learner's program left behind goes too), and what it prints
//! is capped (a program that prints one 100 MB line must not make this tool hold it).

use std::collections::VecDeque;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a run may take, and how much of its output is kept.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From the start until the first test binary runs: building, which may be slow
    /// the first time (dependencies compile).
    pub build: Duration,
    /// From the first test binary's start (cargo's `Running` line) to the end.
    pub tests: Duration,
    /// Bytes kept of one line; the rest of the line is counted, not kept.
    pub line: usize,
    /// Bytes kept from the start of a stream, and lines kept from its end (where
    /// libtest's summary is).
    pub head: usize,
    pub tail_lines: usize,
}

impl Limits {
    /// The course's limits. `COURSE_TEST_DEADLINE` (seconds) overrides the tests'
    /// deadline, for this crate's own tests.
    pub fn standard() -> Limits {
        let tests = std::env::var("COURSE_TEST_DEADLINE")
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s.parse().ok()?).ok())
            .unwrap_or(Duration::from_secs(60));
        Limits {
            build: Duration::from_secs(20 * 60),
            tests,
            line: 2000,
            head: 256 * 1024,
            tail_lines: 300,
        }
    }
}

/// How the run ended.
#[derive(Debug)]
pub struct Finished {
    /// `None` when it was stopped at a deadline.
    pub status: Option<ExitStatus>,
    /// Which deadline stopped it: `"build"` or `"tests"`.
    pub stopped: Option<&'static str>,
    pub stdout: String,
    pub stderr: String,
}

/// Output kept within limits: the head of the stream, each line cut at `line`
/// bytes, and once the head is full, the last `tail_lines` lines.
struct Capped {
    limits: Limits,
    head: Vec<u8>,
    head_full: bool,
    tail: VecDeque<Vec<u8>>,
    line: Vec<u8>,
    line_cut: usize,
    lines_dropped: usize,
}

impl Capped {
    fn new(limits: Limits) -> Capped {
        Capped {
            limits,
            head: Vec::new(),
            head_full: false,
            tail: VecDeque::new(),
            line: Vec::new(),
            line_cut: 0,
            lines_dropped: 0,
        }
    }

    fn push(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            let end = chunk.iter().position(|&b| b == b'\n');
            let (part, rest) = match end {
                Some(i) => (&chunk[..i], Some(&chunk[i + 1..])),
                None => (chunk, None),
            };
            let room = self.limits.line.saturating_sub(self.line.len());
            let keep = part.len().min(room);
            self.line.extend_from_slice(&part[..keep]);
            self.line_cut += part.len() - keep;
            match rest {
                Some(rest) => {
                    self.end_line();
                    chunk = rest;
                }
                None => break,
            }
        }
    }

    fn end_line(&mut self) {
        let mut line = std::mem::take(&mut self.line);
        if self.line_cut > 0 {
            line.extend_from_slice(format!(" … ({} more bytes)", self.line_cut).as_bytes());
            self.line_cut = 0;
        }
        line.push(b'\n');
        if !self.head_full && self.head.len() + line.len() <= self.limits.head {
            self.head.extend_from_slice(&line);
            return;
        }
        self.head_full = true;
        self.tail.push_back(line);
        if self.tail.len() > self.limits.tail_lines {
            self.tail.pop_front();
            self.lines_dropped += 1;
        }
    }

    fn finish(mut self) -> String {
        if !self.line.is_empty() || self.line_cut > 0 {
            self.end_line();
        }
        let mut bytes = self.head;
        if self.lines_dropped > 0 {
            bytes.extend_from_slice(
                format!("… ({} lines left out)\n", self.lines_dropped).as_bytes(),
            );
        }
        for line in self.tail {
            bytes.extend_from_slice(&line);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

enum Event {
    Running,
    Exited(std::io::Result<ExitStatus>),
}

/// Reads `stream` to its end within limits; sends `Running` when cargo's stderr says
/// a test binary started.
fn reader(
    mut stream: impl Read + Send + 'static,
    limits: Limits,
    events: Option<mpsc::Sender<Event>>,
) -> mpsc::Receiver<String> {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let mut capped = Capped::new(limits);
        let mut buffer = vec![0; 64 * 1024];
        let mut seen_running = false;
        let mut recent: Vec<u8> = Vec::new();
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let (Some(events), false) = (&events, seen_running) {
                        recent.extend_from_slice(&buffer[..n]);
                        if String::from_utf8_lossy(&recent).contains("     Running ") {
                            seen_running = true;
                            let _ = events.send(Event::Running);
                        }
                        let keep = recent.len().saturating_sub(64);
                        recent.drain(..keep);
                    }
                    capped.push(&buffer[..n]);
                }
            }
        }
        let _ = done.send(capped.finish());
    });
    result
}

/// Runs `command` (its stdin empty) in a process group of its own, to its end or to
/// a deadline, then stops whatever it left running.
pub fn run(mut command: Command, limits: Limits) -> std::io::Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    let group = child.id();
    crate::term::grading_started(group);
    let (events_tx, events) = mpsc::channel();
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        return Err(std::io::Error::other("cargo's output could not be read"));
    };
    let stdout = reader(stdout, limits, None);
    let stderr = reader(stderr, limits, Some(events_tx.clone()));
    let waiter = Waiter::start(child, events_tx);

    let started = Instant::now();
    let mut deadline = started + limits.build;
    let mut stage = "build";
    let (status, stopped) = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::Running) if stage == "build" => {
                stage = "tests";
                deadline = Instant::now() + limits.tests;
            }
            Ok(Event::Running) => {}
            Ok(Event::Exited(status)) => break (Some(status?), None),
            Err(_) => {
                waiter.kill();
                break (None, Some(stage));
            }
        }
    };
    // Whatever the tests started and left behind goes with the group.
    stop_group(group);
    crate::term::grading_ended();
    // A process that escaped the group may still hold the pipes: wait a moment only.
    let take = |rx: mpsc::Receiver<String>| {
        rx.recv_timeout(Duration::from_secs(2))
            .unwrap_or_else(|_| "(its output was still open after it ended)\n".into())
    };
    Ok(Finished {
        status,
        stopped,
        stdout: take(stdout),
        stderr: take(stderr),
    })
}

/// Kills every process in the group `group` (Unix); elsewhere only the direct child
/// is stopped, by [`Waiter::kill`].
pub fn stop_group(group: u32) {
    #[cfg(unix)]
    if let Ok(group) = i32::try_from(group) {
        // SAFETY: kill(2) with a negative pid signals that process group; it has no
        // memory effects.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = group;
}

/// Waits for the child on a thread of its own and reports its exit as an event.
struct Waiter {
    kill: mpsc::Sender<()>,
}

impl Waiter {
    fn start(mut child: Child, events: mpsc::Sender<Event>) -> Waiter {
        let (kill, killed) = mpsc::channel::<()>();
        thread::spawn(move || {
            loop {
                match child.try_wait() {
                    Ok(Some(status)) => {
                        let _ = events.send(Event::Exited(Ok(status)));
                        return;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = events.send(Event::Exited(Err(e)));
                        return;
                    }
                }
                if killed.recv_timeout(Duration::from_millis(5)).is_ok() {
                    stop_group(child.id());
                    let _ = child.kill();
                    let _ = child.wait();
                    return;
                }
            }
        });
        Waiter { kill }
    }

    fn kill(&self) {
        let _ = self.kill.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            build: Duration::from_secs(5),
            tests: Duration::from_secs(5),
            line: 10,
            head: 40,
            tail_lines: 2,
        }
    }

    #[test]
    fn a_long_line_is_cut_and_counted() {
        let mut capped = Capped::new(small());
        capped.push(b"0123456789abcdef\nok\n");
        assert_eq!(capped.finish(), "0123456789 … (6 more bytes)\nok\n");
    }

    #[test]
    fn past_the_head_only_the_last_lines_are_kept() {
        let mut capped = Capped::new(small());
        for i in 0..20 {
            capped.push(format!("line {i}\n").as_bytes());
        }
        capped.push(b"result");
        let text = capped.finish();
        assert!(text.starts_with("line 0\nline 1\n"), "{text}");
        assert!(
            text.ends_with("lines left out)\nline 19\nresult\n"),
            "{text}"
        );
        assert!(text.len() < 120, "{text}");
    }

    #[test]
    fn a_line_split_across_reads_is_one_line() {
        let mut capped = Capped::new(small());
        capped.push(b"01234");
        capped.push(b"56789xyz\n");
        assert_eq!(capped.finish(), "0123456789 … (3 more bytes)\n");
    }
}
