//! The terminal: its width, single-key input for watch mode, and putting things back
//! on every way out (a key, Ctrl-C, a signal, a panic, an error).
//!
//! Single keys need the terminal out of line mode ("canonical" mode: the kernel
//! keeps a line until Enter). [`Keys::raw`] turns off line mode, echo and the
//! terminal's signal keys (so Ctrl-C arrives as a key, byte 3, and ends watch mode
//! the same way `q` does), and a guard puts the saved settings back when it is
//! dropped. A panic hook and the handlers of SIGINT, SIGTERM and SIGHUP put them back
//! too, and stop the grade that is running (its process group), so nothing is left
//! behind whichever way the tool ends.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::thread;

/// Columns to lay text out in: the terminal's width, else `COLUMNS`, else 80; never
/// fewer than 40 (narrower than that, nothing reads well) nor more than 100 (longer
/// lines are hard to read).
pub fn width() -> usize {
    let columns = terminal_columns()
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .unwrap_or(80);
    columns.clamp(40, 100)
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ fills the winsize we pass; a zeroed winsize is valid.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

/// One key from the learner: a character, or Ctrl-C, or the end of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Char(char),
    /// Enter alone (in line mode, an empty line).
    Enter,
    Interrupt,
    /// A whole line typed in line mode that is not one key.
    Line(String),
}

/// Where keys come from: single keys on a terminal, lines otherwise.
pub struct Keys {
    pub receiver: Receiver<Key>,
    /// Whether single keys work (a terminal); otherwise a key is a line.
    pub single: bool,
    _raw: Option<RawMode>,
}

impl Keys {
    /// Single keys if stdin is a terminal we can switch, lines otherwise.
    pub fn start() -> Keys {
        let raw = if std::io::stdin().is_terminal() {
            RawMode::enable()
        } else {
            None
        };
        let (tx, receiver) = mpsc::channel();
        let single = raw.is_some();
        thread::spawn(move || {
            if single {
                let mut stdin = std::io::stdin().lock();
                let mut byte = [0u8; 1];
                while let Ok(1) = stdin.read(&mut byte) {
                    let key = match byte[0] {
                        3 => {
                            // Ctrl-C: stop at once, even in the middle of a grade.
                            interrupt();
                        }
                        b'\r' | b'\n' => Key::Enter,
                        b => Key::Char(char::from(b).to_ascii_lowercase()),
                    };
                    if tx.send(key).is_err() {
                        break;
                    }
                }
            } else {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    let line = line.trim().to_ascii_lowercase();
                    let key = match line.as_str() {
                        "" => Key::Enter,
                        one if one.chars().count() == 1 => {
                            Key::Char(one.chars().next().unwrap_or(' '))
                        }
                        _ => Key::Line(line),
                    };
                    if tx.send(key).is_err() {
                        break;
                    }
                }
            }
        });
        Keys {
            receiver,
            single,
            _raw: raw,
        }
    }
}

/// Ctrl-C in watch mode: stop the grade, put the terminal back, end with the code
/// a shell expects after Ctrl-C.
fn interrupt() -> ! {
    imp::stop_grading_group();
    imp::restore_terminal();
    let _ = writeln!(std::io::stdout());
    std::process::exit(130);
}

/// The terminal in single-key mode while this lives.
struct RawMode;

impl RawMode {
    fn enable() -> Option<RawMode> {
        imp::enable_raw().then_some(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        imp::restore_terminal();
    }
}

/// Installs the signal handlers and the panic hook; once, at the start.
pub fn install_handlers() {
    imp::install_signal_handlers();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        imp::restore_terminal();
        imp::stop_grading_group();
        previous(info);
    }));
}

/// A grade started in process group `group`: a signal now stops it too.
pub fn grading_started(group: u32) {
    imp::set_grading_group(group);
}

pub fn grading_ended() {
    imp::set_grading_group(0);
}

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    use std::sync::{Mutex, OnceLock};

    static GROUP: AtomicI32 = AtomicI32::new(0);
    /// The terminal switched to single keys: stdin, or a test's pseudo-terminal.
    static FD: AtomicI32 = AtomicI32::new(libc::STDIN_FILENO);
    static RAW: AtomicBool = AtomicBool::new(false);
    /// The settings before raw mode; written once before `RAW` is set, read by the
    /// signal handler only after `RAW` says they are there.
    static SAVED: OnceLock<libc::termios> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());

    pub fn set_grading_group(group: u32) {
        GROUP.store(i32::try_from(group).unwrap_or(0), Ordering::SeqCst);
    }

    pub fn stop_grading_group() {
        let group = GROUP.swap(0, Ordering::SeqCst);
        if group > 0 {
            // SAFETY: signalling a process group has no memory effects.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
    }

    #[cfg(test)]
    pub fn use_fd(fd: i32) {
        FD.store(fd, Ordering::SeqCst);
    }

    pub fn enable_raw() -> bool {
        let fd = FD.load(Ordering::SeqCst);
        let _guard = LOCK.lock();
        // SAFETY: tcgetattr fills the termios we pass; zeroed is a valid start.
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut settings) } != 0 {
            return false;
        }
        let saved = *SAVED.get_or_init(|| settings);
        let mut raw = saved;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: tcsetattr reads the termios we pass.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &raw) } != 0 {
            return false;
        }
        RAW.store(true, Ordering::SeqCst);
        true
    }

    /// Async-signal-safe: only atomics and tcsetattr.
    pub fn restore_terminal() {
        if RAW.swap(false, Ordering::SeqCst) {
            if let Some(saved) = SAVED.get() {
                // SAFETY: tcsetattr reads the termios we pass.
                unsafe {
                    libc::tcsetattr(FD.load(Ordering::SeqCst), libc::TCSANOW, saved);
                }
            }
        }
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        stop_grading_group();
        restore_terminal();
        // SAFETY: signal and raise are async-signal-safe; the default action ends us
        // with the signal, as the shell expects.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }

    pub fn install_signal_handlers() {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: the handler only calls async-signal-safe functions.
            unsafe {
                libc::signal(signal, on_signal as extern "C" fn(libc::c_int) as usize);
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn set_grading_group(_: u32) {}
    pub fn stop_grading_group() {}
    pub fn enable_raw() -> bool {
        false
    }
    pub fn restore_terminal() {}
    pub fn install_signal_handlers() {}
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A panic (here caught, as a panic on another thread would be) puts the
    /// terminal back through the panic hook, before anything else is printed.
    #[test]
    fn a_panic_puts_the_terminal_back() {
        // SAFETY: the usual posix_openpt sequence on fds this test owns.
        let slave = unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(master >= 0);
            assert_eq!(libc::grantpt(master), 0);
            assert_eq!(libc::unlockpt(master), 0);
            libc::open(libc::ptsname(master), libc::O_RDWR | libc::O_NOCTTY)
        };
        assert!(slave >= 0);
        let line_mode = || {
            // SAFETY: tcgetattr fills the termios we pass.
            let mut settings: libc::termios = unsafe { std::mem::zeroed() };
            assert_eq!(unsafe { libc::tcgetattr(slave, &mut settings) }, 0);
            settings.c_lflag & libc::ICANON != 0
        };
        imp::use_fd(slave);
        install_handlers();
        let raw = RawMode::enable().expect("a pseudo-terminal can be switched");
        assert!(!line_mode());
        let result = std::panic::catch_unwind(|| panic!("a bug in the tool"));
        assert!(result.is_err());
        assert!(line_mode(), "the panic hook did not put the terminal back");
        drop(raw);
        assert!(line_mode());
    }
}
