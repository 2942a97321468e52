//! Helpers that every test of the course shares.
//!
//! A test here talks to a real program over real sockets, the way its users would:
//! it starts the binary, waits for the line `listening on ADDR`, connects, and checks
//! what crosses the wire and what the program prints. Three rules keep that honest:
//!
//! * every blocking step has a deadline ([`DEADLINE`]), so an unfinished program
//!   fails its test instead of hanging it;
//! * a started program is killed when the test ends, however it ends ([`Running`]
//!   kills its child in `Drop`);
//! * a failure says what went wrong in words a learner can act on, and which chapter
//!   of the book explains it ([`explain`]), after what crossed the wire
//!   ([`wire::Transcript`]) and a command to reproduce it by hand.
//!
//! [`peers`] holds the hostile peers a grade can play: a client that resets, a
//! writer that splits or merges messages, a reader that is slow or never reads, a
//! silent client, a peer on `[::1]`, an address whose SYN gets no answer, a low
//! open-file limit, and paths that are symlinks or stale or live sockets.

pub mod abortive_close;
pub mod full_accept_queue;
pub mod peers;
pub mod wire;

pub use wire::{Transcript, Wire};

/// The signals a test may send with [`Running::signal`].
#[cfg(unix)]
pub use libc::{SIGHUP, SIGINT, SIGTERM};

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long any single step of a test may take before the test gives up. A working
/// program answers in milliseconds on loopback; this only bounds a broken one.
pub const DEADLINE: Duration = Duration::from_secs(3);

/// The program the current test package builds: the binary named like the package.
///
/// Cargo tells an integration test where each binary of its package is through
/// `CARGO_BIN_EXE_<name>`. Every program of the course is named after its package,
/// so one test file can grade both `exercise-…` and `solution-…`.
#[macro_export]
macro_rules! program_under_test {
    ($chapter:expr) => {
        $crate::Program::new(
            env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))),
            $chapter,
        )
        .with_package(env!("CARGO_PKG_NAME"))
    };
}

/// A binary to test, and the chapter of the book that explains it.
#[derive(Clone, Debug)]
pub struct Program {
    path: &'static str,
    chapter: &'static str,
    package: Option<&'static str>,
}

impl Program {
    pub fn new(path: &'static str, chapter: &'static str) -> Self {
        Program {
            path,
            chapter,
            package: None,
        }
    }

    /// Names the Cargo package that builds this program, for the command a failure
    /// message gives to reproduce it by hand ([`Program::cargo_run`]).
    pub fn with_package(mut self, package: &'static str) -> Self {
        self.package = Some(package);
        self
    }

    /// `cargo run -q -p PACKAGE -- ARGS`: how a learner starts this program by hand.
    pub fn cargo_run(&self, args: &str) -> String {
        let package = self.package.unwrap_or(self.path);
        let args = if args.is_empty() {
            String::new()
        } else {
            format!(" -- {args}")
        };
        format!("cargo run -q -p {package}{args}")
    }

    /// Whether this is the course's reference answer (a `solution-…` package), not
    /// the learner's exercise.
    pub fn is_reference_answer(&self) -> bool {
        self.package.is_some_and(|p| p.starts_with("solution-"))
    }

    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Starts the program with `args` and pipes for stdin, stdout and stderr.
    pub fn spawn(&self, args: &[&str]) -> Running {
        let mut command = Command::new(self.path);
        own_process_group(&mut command);
        let mut child = command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Only matters for the articles' Python programs: print UTF-8 whatever
            // the machine's locale, as our Rust programs do.
            .env("PYTHONIOENCODING", "utf-8")
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", self.path));
        let stdout = child.stdout.take().expect("stdout was piped");
        let stderr = child.stderr.take().expect("stderr was piped");
        let stdin = child.stdin.take();

        // Two reader threads, so neither pipe can fill up and block the program.
        let (line_tx, lines) = mpsc::channel();
        let unfinished = Arc::new(Unfinished::default());
        let unfinished_line = Arc::clone(&unfinished);
        thread::spawn(move || {
            let mut stdout = stdout;
            let mut line = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut ended = Vec::new();
                for &byte in &buf[..n] {
                    if byte == b'\n' {
                        ended.push(
                            String::from_utf8_lossy(&line)
                                .trim_end_matches('\r')
                                .to_string(),
                        );
                        line.clear();
                    } else {
                        line.push(byte);
                    }
                }
                // What is printed of a line not ended yet, such as a prompt `>> `:
                // updated before the ended lines are handed on, so a test that has
                // just read a line never sees an older unfinished one.
                unfinished_line.set(&line);
                for text in ended {
                    if line_tx.send(text).is_err() {
                        return;
                    }
                }
            }
            if !line.is_empty() {
                let _ = line_tx.send(String::from_utf8_lossy(&line).into_owned());
            }
        });
        let stderr_text = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr_text);
        let stderr_done = thread::spawn(move || {
            let mut stderr = stderr;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Running {
            program: self.clone(),
            child,
            stdin,
            lines,
            stdout_seen: Vec::new(),
            unfinished,
            stderr: stderr_text,
            stderr_done: Some(stderr_done),
        }
    }

    /// Starts a server and waits for its first line, which must be exactly
    /// `listening on ADDR`. Returns the running server and the address it printed.
    #[track_caller]
    pub fn start_server(&self, args: &[&str]) -> (Running, SocketAddr) {
        let mut server = self.spawn(args);
        let first = server.next_line("its first line, `listening on ADDR`");
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|rest| rest.parse::<SocketAddr>().ok())
            .unwrap_or_else(|| {
                server.fail(&format!(
                    "A server's first line must be exactly `listening on ADDR`, with ADDR the \
                     address it is bound to (for example `listening on 127.0.0.1:40123`).\n\
                     Its first line was: {first:?}"
                ))
            });
        if addr.port() == 0 {
            server.fail(
                "The server printed port 0. Print the address the kernel actually bound \
                 (`local_addr()`, Python's `getsockname()`), not the one you asked for.",
            );
        }
        (server, addr)
    }

    /// Runs the program to completion with `stdin` as its input, with a deadline,
    /// and returns what it did. The program's whole process group is killed at the
    /// end, so a child it left behind cannot outlive the test or hold its pipes.
    #[track_caller]
    pub fn run(&self, args: &[&str], stdin: &str) -> Finished {
        self.run_in(Path::new("."), args, stdin)
    }

    /// [`Program::run`], in the working directory `dir`.
    #[track_caller]
    pub fn run_in(&self, dir: &Path, args: &[&str], stdin: &str) -> Finished {
        self.run_with(dir, args, stdin, &[], false)
    }

    /// [`Program::run`] with extra environment variables (`RUST_BACKTRACE=1`).
    #[track_caller]
    pub fn run_with_env(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Finished {
        self.run_with(Path::new("."), args, stdin, env, false)
    }

    /// The manners every course program shares (program-support): `--help` prints
    /// the usage on stdout and exits 0; `bad_args`, a bad or an extra argument, print
    /// it on stderr and exit 2.
    #[track_caller]
    pub fn assert_help_and_usage_errors(&self, bad_args: &[&str]) {
        let help = self.run(&["--help"], "");
        help.assert_success().assert_stdout(
            predicates::str::starts_with("usage:"),
            "--help prints the usage on stdout and exits 0",
        );
        let bad = self.run(bad_args, "");
        if bad.status.code() != Some(2) || !bad.stderr.contains("usage:") {
            bad.fail("A bad or extra argument must print the usage on stderr and exit with 2.");
        }
    }

    /// `program | head -1`: with `args`, and stdout closed at once, the program
    /// stops quietly, with status 0 and no panic.
    #[track_caller]
    pub fn assert_quiet_when_stdout_closes(&self, args: &[&str]) {
        let run = self.run_with_closed_stdout(args);
        if !run.status.success() || run.stderr.contains("panicked") {
            run.fail("With stdout closed (`| head`), the program must stop quietly with status 0.");
        }
    }

    /// [`Program::run`] with stdout a pipe nobody reads: closed at once, as by
    /// `program | head -0`. The program should stop quietly, with status 0.
    #[track_caller]
    pub fn run_with_closed_stdout(&self, args: &[&str]) -> Finished {
        self.run_with(Path::new("."), args, "", &[], true)
    }

    #[track_caller]
    fn run_with(
        &self,
        dir: &Path,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
        close_stdout: bool,
    ) -> Finished {
        let mut command = Command::new(self.path);
        command.current_dir(dir);
        command.envs(env.iter().copied());
        own_process_group(&mut command);
        let mut child = command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("PYTHONIOENCODING", "utf-8")
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", self.path));
        let input = stdin.as_bytes().to_vec();
        if let Some(mut pipe) = child.stdin.take() {
            thread::spawn(move || {
                let _ = std::io::Write::write_all(&mut pipe, &input);
            });
        }
        if close_stdout {
            drop(child.stdout.take());
        }
        let stdout = read_all_in_background(child.stdout.take());
        let stderr = read_all_in_background(child.stderr.take());
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if start.elapsed() < DEADLINE => {
                    // A short poll of a process that is running to completion.
                    thread::sleep(Duration::from_millis(5));
                }
                _ => break None,
            }
        };
        kill_process_group(&child);
        let _ = child.kill();
        let status = match status {
            Some(status) => status,
            None => child.wait().expect("wait for the killed program"),
        };
        // The pipes close when the last process holding them ends; the group is
        // gone, so that is now, but never wait for it for long.
        let take = |rx: Receiver<Vec<u8>>| {
            String::from_utf8_lossy(&rx.recv_timeout(DEADLINE).unwrap_or_default()).into_owned()
        };
        let stdout = take(stdout);
        let stderr = take(stderr);
        // Stopped by the deadline (killed, so no exit code) rather than by a panic.
        // This is not a failure yet: the test's own checks run first, so that the
        // message a learner reads is about the lesson; every failure message and
        // assert_success/assert_clean_error mention the deadline too.
        let timed_out = status.code().is_none() && !stderr.contains("panicked");
        Finished {
            program: self.clone(),
            status,
            stdout,
            stderr,
            timed_out,
        }
    }
}

/// Reads a pipe to its end in a thread; the bytes arrive on the channel.
fn read_all_in_background(pipe: Option<impl Read + Send + 'static>) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut data = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut data);
        }
        let _ = tx.send(data);
    });
    rx
}

/// A started program. Killed when dropped, so no test leaves a process behind.
pub struct Running {
    program: Program,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stdout_seen: Vec<String>,
    unfinished: Arc<Unfinished>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_done: Option<thread::JoinHandle<()>>,
}

impl Running {
    /// The program's stdin, to type into it.
    pub fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin.as_mut().expect("stdin is still open")
    }

    /// Closes the program's stdin: what pressing Ctrl-D does at a terminal.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next line the program prints on stdout; `what` says what the test expects,
    /// for the message when none comes.
    #[track_caller]
    pub fn next_line(&mut self, what: &str) -> String {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(line) => {
                self.stdout_seen.push(line.clone());
                line
            }
            Err(RecvTimeoutError::Timeout) => self.fail(&format!(
                "Waited {DEADLINE:?} for {what}, and the program printed nothing more. \
                 (Does it flush stdout after printing?)"
            )),
            Err(RecvTimeoutError::Disconnected) => {
                // Stdout closed: the program has exited (or is exiting). Let it finish
                // so the message can include its exit status and stderr.
                let _ = self.wait_for_exit();
                self.fail(&format!("The program stopped before printing {what}."))
            }
        }
    }

    /// Waits until the line the program is printing, not yet ended by a newline,
    /// ends with `text`: a prompt such as `>> `, which must be visible (flushed)
    /// before the user types anything. `what` says what the test expects.
    #[track_caller]
    pub fn wait_for_unfinished_line(&mut self, text: &str, what: &str) -> String {
        let start = Instant::now();
        let mut shown = self.unfinished.text.lock().unwrap();
        loop {
            let line = String::from_utf8_lossy(&shown).into_owned();
            if line.ends_with(text) {
                return line;
            }
            let left = DEADLINE.saturating_sub(start.elapsed());
            if left.is_zero() {
                drop(shown);
                self.fail(&format!(
                    "Waited {DEADLINE:?} for {what}, printed without a newline after it; the \
                     line being printed was {line:?}. Text without a newline stays in \
                     stdout's buffer until you flush it: io::stdout().flush()."
                ));
            }
            shown = self.unfinished.changed.wait_timeout(shown, left).unwrap().0;
        }
    }

    /// Waits up to [`DEADLINE`] for the program to exit; its status, or `None` if it
    /// is still running. For a test that already knows something is wrong (its
    /// connection was refused, say) and wants to say why.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.wait_for_exit()
    }

    /// What the program has written to stderr so far.
    pub fn stderr_so_far(&self) -> String {
        self.stderr_text()
    }

    /// The next line the program prints on stdout, or `None` if it exits first or
    /// prints nothing more within [`DEADLINE`]: for a test that has something more
    /// precise to say than [`Running::next_line`] would.
    pub fn try_next_line(&mut self) -> Option<String> {
        let line = self.lines.recv_timeout(DEADLINE).ok()?;
        self.stdout_seen.push(line.clone());
        Some(line)
    }

    /// Reads lines until one contains `text`; `what` says what the test expects, for
    /// the message when no such line comes.
    #[track_caller]
    pub fn wait_for_line_containing(&mut self, text: &str, what: &str) -> String {
        loop {
            let line = self.next_line(what);
            if line.contains(text) {
                return line;
            }
        }
    }

    /// Waits for the program to exit on its own, and returns everything it did.
    #[track_caller]
    pub fn finish(mut self) -> Finished {
        let Some(status) = self.wait_for_exit() else {
            self.fail(&format!(
                "The program should have exited by now, but it was still running after \
                 {DEADLINE:?}."
            ))
        };
        Finished {
            program: self.program.clone(),
            status,
            stdout: self.all_stdout(),
            stderr: self.stderr_text(),
            timed_out: false,
        }
    }

    /// The program's process id, to watch it through `/proc/PID` on Linux.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends the program a signal (`libc::SIGTERM`, `libc::SIGINT`, ...), as a
    /// terminal or a service manager would.
    #[cfg(unix)]
    pub fn signal(&self, signal: i32) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) on our own child.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }

    /// Waits for the program to exit (after a signal, say); `None` if it is still
    /// running after the deadline.
    pub fn wait_exit(&mut self) -> Option<ExitStatus> {
        self.wait_for_exit()
    }

    /// Whether the program is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Fails the test with `problem`, the program's output so far, and the chapter.
    #[track_caller]
    pub fn fail(&mut self, problem: &str) -> ! {
        self.fail_exchange(problem, &Transcript::default(), "")
    }

    /// Fails the test with `problem`, then what crossed the wire in order, what the
    /// program printed, and `reproduce`: commands to replay the exchange by hand.
    #[track_caller]
    pub fn fail_exchange(&mut self, problem: &str, wire: &Transcript, reproduce: &str) -> ! {
        let stdout = self.all_stdout();
        let stderr = self.stderr_text();
        panic!(
            "{}",
            explain_exchange(
                &format!("{problem}{}", whose(&self.program)),
                &wire.to_string(),
                &stdout,
                &stderr,
                reproduce,
                self.program.chapter
            )
        )
    }

    /// The program, to build a reproduce command with [`Program::cargo_run`].
    pub fn program(&self) -> &Program {
        &self.program
    }

    fn wait_for_exit(&mut self) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(status)) = self.child.try_wait() {
                if let Some(reader) = self.stderr_done.take() {
                    let _ = reader.join();
                }
                return Some(status);
            }
            // A short poll of a process we already expect to exit; nothing here
            // waits for readiness by sleeping.
            thread::sleep(Duration::from_millis(5));
        }
        None
    }

    fn all_stdout(&mut self) -> String {
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(50)) {
            self.stdout_seen.push(line);
        }
        self.stdout_seen.join("\n")
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // The whole process group: a program may have started children of its own
        // that outlive it, and they must not outlive the test either.
        kill_process_group(&self.child);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The line a program is printing, before its newline (a prompt), and a signal
/// for each change to it.
#[derive(Default)]
struct Unfinished {
    text: Mutex<Vec<u8>>,
    changed: std::sync::Condvar,
}

impl Unfinished {
    fn set(&self, line: &[u8]) {
        let mut text = self.text.lock().unwrap();
        text.clear();
        text.extend_from_slice(line);
        self.changed.notify_all();
    }
}

/// Starts the program as the leader of a process group of its own, so that the
/// guard can end it together with every process it starts. On Linux the program
/// also gets SIGKILL if the test process dies first (Ctrl-C on `cargo test`), as it
/// would have in the terminal's process group.
#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe, as code between fork and exec must be.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    // SAFETY: signal() is async-signal-safe. A test run in the background (`&`,
    // nohup) would hand its programs SIGINT and SIGHUP ignored; a terminal does not.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGHUP, libc::SIG_DFL);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

#[cfg(unix)]
fn kill_process_group(child: &Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on the group the child leads (negative pid).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_process_group(_child: &Child) {}

/// What a program did, once it has exited.
#[derive(Debug)]
pub struct Finished {
    program: Program,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The program did not finish within [`DEADLINE`] and was stopped.
    pub timed_out: bool,
}

impl Finished {
    /// Fails the test unless the program exited with status 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        if self.timed_out {
            self.fail("The program should have finished and succeeded.");
        }
        if !self.status.success() {
            self.fail(&format!(
                "The program should have succeeded, but it exited with {}.",
                self.status
            ));
        }
        self
    }

    /// Fails the test unless the program reported an error and exited non-zero,
    /// without panicking: bad input deserves a message, never a panic.
    #[track_caller]
    pub fn assert_clean_error(&self) -> &Self {
        if self.timed_out {
            self.fail("The program should have reported an error and exited.");
        }
        if self.stderr.contains("panicked") {
            self.fail("The program panicked. Bad input or a failed call deserves a clear error message and a non-zero exit status (return an `Err` from `main`), never a panic.");
        }
        if self.status.success() {
            self.fail("The program should have reported an error and exited with a non-zero status, but it exited with 0.");
        }
        self
    }

    /// Fails the test with `problem` unless `check` holds for stdout.
    #[track_caller]
    pub fn assert_stdout(&self, check: impl predicates::Predicate<str>, problem: &str) -> &Self {
        if !check.eval(&self.stdout) {
            self.fail(problem);
        }
        self
    }

    /// Fails the test with `problem` unless `check` holds for stderr.
    #[track_caller]
    pub fn assert_stderr(&self, check: impl predicates::Predicate<str>, problem: &str) -> &Self {
        if !check.eval(&self.stderr) {
            self.fail(problem);
        }
        self
    }

    #[track_caller]
    pub fn fail(&self, problem: &str) -> ! {
        self.fail_exchange(problem, &Transcript::default(), "")
    }

    /// Like [`Running::fail_exchange`]: the problem, what crossed the wire, what the
    /// program printed, and how to reproduce it by hand.
    #[track_caller]
    pub fn fail_exchange(&self, problem: &str, wire: &Transcript, reproduce: &str) -> ! {
        let mut problem = problem.to_string();
        if self.timed_out {
            problem.push_str(&format!(
                "\n(The program also did not finish within {DEADLINE:?} and was stopped: is it \
                 waiting for something that never comes, a reply or the end of input?)"
            ));
        }
        panic!(
            "{}",
            explain_exchange(
                &format!("{problem}{}", whose(&self.program)),
                &wire.to_string(),
                &self.stdout,
                &self.stderr,
                reproduce,
                self.program.chapter
            )
        )
    }

    /// The program, to build a reproduce command with [`Program::cargo_run`].
    pub fn program(&self) -> &Program {
        &self.program
    }
}

/// Builds the message a failed test shows: the problem, then what the program said,
/// with a stub's `todo!()` called out for what it is, then where to read more.
pub fn explain(problem: &str, stdout: &str, stderr: &str, chapter: &str) -> String {
    explain_exchange(problem, "", stdout, stderr, "", chapter)
}

/// [`explain`] with what crossed the wire (`wire`, a rendered [`Transcript`]) after
/// the problem, and `reproduce` (commands to paste) before the chapter. Empty parts
/// are left out. The problem always comes first: it is the lesson.
pub fn explain_exchange(
    problem: &str,
    wire: &str,
    stdout: &str,
    stderr: &str,
    reproduce: &str,
    chapter: &str,
) -> String {
    let mut message = format!("\n\n{problem}\n");
    if !wire.trim().is_empty() {
        message.push_str(&format!(
            "\nWhat crossed the wire, in order (-> the test sent, <- the program sent):\n{}\n",
            indent(wire)
        ));
    }
    if let Some(todo) = todo_message(stderr) {
        message.push_str(&format!(
            "\nThe program reached a `todo!()` that is still waiting for you:\n    {todo}\n"
        ));
    } else if !stderr.trim().is_empty() {
        message.push_str(&format!("\nIt wrote to stderr:\n{}\n", indent(stderr)));
    }
    if !stdout.trim().is_empty() {
        message.push_str(&format!("\nIt wrote to stdout:\n{}\n", indent(stdout)));
    }
    if !reproduce.trim().is_empty() {
        message.push_str(&format!(
            "\nTo see it for yourself, run from the repository's root:\n{}\n",
            indent(reproduce)
        ));
    }
    message.push_str(&format!("\nRead: {chapter}\n"));
    message
}

/// A note for a failure of the course's own reference answer, which `cargo test` at
/// the root runs with the exercise's test file: the learner's code is not at fault.
fn whose(program: &Program) -> String {
    match program.package {
        Some(package) if program.is_reference_answer() => format!(
            "\n(This is the grade of the course's reference answer, package {package}, \
             not of your exercise: the course itself has a bug here.)"
        ),
        _ => String::new(),
    }
}

/// The message of a `todo!()` panic in `stderr`, if the program hit one.
fn todo_message(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .find(|line| line.starts_with("not yet implemented"))
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Connects to `addr` with read and write deadlines set, so no read can hang a test.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, DEADLINE)
        .unwrap_or_else(|e| panic!("could not connect to the program at {addr}: {e}"));
    with_deadlines(stream)
}

/// Sets read and write deadlines on `stream`, so no read or write can hang a test.
fn with_deadlines(stream: TcpStream) -> TcpStream {
    stream
        .set_read_timeout(Some(DEADLINE))
        .expect("set_read_timeout");
    stream
        .set_write_timeout(Some(DEADLINE))
        .expect("set_write_timeout");
    stream
}

/// Reads until the peer closes the connection (EOF). `None` if it did not close it
/// within the deadline; the bytes read so far are then lost, which is fine for a test
/// that is about to fail.
pub fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    match stream.read_to_end(&mut data) {
        Ok(_) => Some(data),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(data),
        Err(_) => None,
    }
}

/// A loopback listener on a port the kernel picks, for tests that play the server.
pub fn loopback_listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local_addr");
    (listener, addr)
}

/// Accepts one connection within the deadline, with read and write deadlines set on
/// it. `None` if nobody connected in time.
pub fn accept_within(listener: &TcpListener) -> Option<(TcpStream, SocketAddr)> {
    let listener = listener.try_clone().expect("clone the listener");
    let (tx, rx) = mpsc::channel();
    // accept() has no timeout of its own; a helper thread and a channel give it one.
    thread::spawn(move || {
        let _ = tx.send(listener.accept());
    });
    let (stream, peer) = rx.recv_timeout(DEADLINE).ok()?.ok()?;
    Some((with_deadlines(stream), peer))
}

/// A loopback port where nothing listens, reserved for as long as this value lives.
///
/// Releasing a port is not enough to keep it closed: the tests run in parallel, and
/// the kernel may hand the same port to another test's server a moment later. So the
/// port stays bound to a TCP socket that never calls `listen()`: nobody else can take
/// it, and the kernel refuses every connection to it (ECONNREFUSED).
pub struct ClosedPort {
    pub addr: SocketAddr,
    _held: socket2::Socket,
}

/// Reserves a loopback port where connections are refused; see [`ClosedPort`].
pub fn closed_port() -> ClosedPort {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket()");
    let any_port: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    socket.bind(&any_port.into()).expect("bind 127.0.0.1:0");
    let addr = socket
        .local_addr()
        .expect("getsockname()")
        .as_socket()
        .expect("an IP address");
    ClosedPort {
        addr,
        _held: socket,
    }
}

/// `python3`, as a [`Program`], to check a program against the articles' own Python
/// code (kept in the repository's `python/` folder, see [`python_script`]).
///
/// On a learner's machine without Python the check is skipped with a note; in CI
/// (where `CI` is set) a missing Python is a failure, so CI always runs the check.
pub fn python3(chapter: &'static str) -> Option<Program> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false);
    if found {
        return Some(Program::new("python3", chapter));
    }
    if std::env::var_os("CI").is_some() {
        panic!("python3 is needed for the interoperability checks and CI must have it");
    }
    eprintln!("note: python3 not found; skipping the check against the articles' Python programs");
    None
}

/// The path of a file in the repository's `python/` folder.
pub fn python_script(name: &str) -> String {
    format!("{}/../../python/{name}", env!("CARGO_MANIFEST_DIR"))
}
