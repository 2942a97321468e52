//! socket-speed, run as a learner runs it but with `--quick`: every row is there,
//! in a fixed order, every figure is positive, the counts add up, and the table in
//! the book has the shape of a fresh run.
//!
//! The measurements themselves (bytes sent == bytes received, and so on) are tested
//! next to their code, in `src/`.

use std::process::Command;
use std::sync::OnceLock;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use test_support::{Program, program_under_test};

const CHAPTER: &str = "book/src/socket-speed.md";
/// The command the book's measured block is marked with.
const BOOK_MARK: &str = "<!-- output(numbers): cargo run --release -q -p socket-speed -->";

/// The rows of the bulk table on Linux: the sizes, and one loopback segment (TCP's
/// MSS), 65483 bytes there; other systems have other loopback segments.
#[cfg(target_os = "linux")]
const BULK_ROWS: [&str; 6] = ["1 KiB", "4 KiB", "16 KiB", "65483 B", "64 KiB", "256 KiB"];

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// What one `--quick` run printed; the tests share a single run.
struct QuickRun {
    stdout: String,
    stderr: String,
}

/// Runs `socket-speed --quick` once for all the tests. It takes about a second; the
/// deadline is generous because the machine may be busy, and a slow run is not a
/// wrong one.
fn quick_run() -> &'static QuickRun {
    static RUN: OnceLock<QuickRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = program().path();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(Command::new(path).arg("--quick").output());
        });
        let output = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("socket-speed --quick did not finish within 30 s")
            .expect("could not run socket-speed");
        let run = QuickRun {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            output.status.success(),
            "socket-speed --quick failed ({}):\n{}\n{}",
            output.status,
            run.stdout,
            run.stderr
        );
        run
    })
}

/// The row that starts with `label` (after the indent), and the numbers after it.
fn figures(label: &str) -> Vec<f64> {
    let stdout = &quick_run().stdout;
    let row = stdout
        .lines()
        .find_map(|line| line.strip_prefix("  ")?.strip_prefix(label))
        .unwrap_or_else(|| panic!("no row `{label}` in:\n{stdout}"));
    row.split_whitespace()
        .filter_map(|word| word.trim_end_matches('x').parse().ok())
        .collect()
}

/// The lines of the section whose heading starts with `heading`, up to a blank line.
fn section(heading: &str) -> Vec<&'static str> {
    let stdout = &quick_run().stdout;
    stdout
        .lines()
        .skip_while(|line| !line.starts_with(heading))
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect()
}

/// Whether the benchmark found python3 for its Python rows. CI must have it, except
/// in the Windows build it runs under Wine, where python3 is a Linux program that a
/// Windows process cannot start.
fn python3_found() -> bool {
    let found = !quick_run().stdout.contains("no python3");
    if !found && !cfg!(wine) && std::env::var_os("CI").is_some() {
        panic!("python3 is needed for the benchmark's Python rows and CI must have it");
    }
    found
}

#[test]
fn every_row_is_there_in_a_fixed_order() {
    let trips = section("Round trips:");
    let labels = [
        "one connection, one send() per message",
        "one connection, two send()s per message",
        "the same with TCP_NODELAY",
        "a new connection per round trip",
    ];
    assert_eq!(trips.len(), labels.len(), "{trips:#?}");
    for (line, label) in trips.iter().zip(labels) {
        assert!(line.starts_with(&format!("  {label}")), "{line:?}: {label}");
    }

    let bulk = section("Bulk transfer:");
    assert!(bulk[0].contains("memcpy") && bulk[0].contains("TCP"));
    #[cfg(target_os = "linux")]
    {
        assert_eq!(bulk.len(), 1 + BULK_ROWS.len(), "{bulk:#?}");
        for (line, size) in bulk[1..].iter().zip(BULK_ROWS) {
            assert!(line.starts_with(&format!("  {size} ")), "{line:?}: {size}");
        }
    }

    let udp = section("UDP:");
    let sizes = ["1 KiB", "4 KiB", "16 KiB", "63 KiB"];
    assert_eq!(udp.len(), 1 + sizes.len(), "{udp:#?}");
    for (line, size) in udp[1..].iter().zip(sizes) {
        assert!(line.starts_with(&format!("  {size} ")), "{line:?}: {size}");
    }

    assert_eq!(
        section("Python").len(),
        3,
        "three rows, measured or skipped"
    );
    assert_eq!(section("In short").len(), 6);
}

#[test]
fn every_figure_is_positive() {
    for label in [
        "one connection, one send() per message",
        "one connection, two send()s per message",
        "the same with TCP_NODELAY",
        "a new connection per round trip",
    ] {
        let numbers = figures(label);
        assert_eq!(numbers.len(), 2, "{label}: per second, µs each");
        assert!(numbers.iter().all(|&n| n > 0.0), "{label}: {numbers:?}");
    }
    for line in &section("Bulk transfer:")[1..] {
        let numbers: Vec<f64> = line
            .split_whitespace()
            .skip(2) // the size: "1 KiB", "65483 B"
            .filter_map(|word| word.trim_end_matches('x').parse().ok())
            .collect();
        #[cfg(unix)]
        assert_eq!(
            numbers.len(),
            7,
            "{line:?}: memcpy, TCP, ratio, per recv, Unix …"
        );
        assert!(numbers.iter().all(|&n| n > 0.0), "{line:?}");
    }
    if python3_found() {
        for label in [
            "round trips, one connection",
            "round trips, a new connection each",
        ] {
            let numbers = figures(label);
            assert_eq!(numbers.len(), 2, "{label}: per second, ratio to Rust");
            assert!(numbers.iter().all(|&n| n > 0.0), "{label}: {numbers:?}");
        }
    }
}

#[test]
fn udp_counts_add_up() {
    for line in &section("UDP:")[1..] {
        let numbers: Vec<f64> = line
            .split_whitespace()
            .skip(2) // "1 KiB"
            .map(|word| word.parse().expect("a number"))
            .collect();
        let [sent, received, lost, mib_per_second] = numbers[..] else {
            panic!("{line:?}: sent, received, lost, MiB/s");
        };
        assert!(sent > 0.0 && received > 0.0, "{line:?}");
        assert_eq!(sent, received + lost, "{line:?}: sent = received + lost");
        assert!(mib_per_second > 0.0, "{line:?}");
    }
}

#[test]
fn a_debug_build_says_its_figures_are_not_representative() {
    // Tests run a debug build.
    assert!(
        quick_run().stderr.contains("not representative"),
        "stderr: {}",
        quick_run().stderr
    );
}

#[test]
fn an_unknown_argument_is_a_clean_error() {
    program()
        .run(&["--fast"], "")
        .assert_clean_error()
        .assert_stderr(
            predicates::str::contains("usage: socket-speed [--quick]"),
            "shows the usage",
        );
}

/// The shape of the output, as the book's check compares a block marked
/// `output(numbers)`: every number becomes N, every run of spaces one space (the
/// columns are padded to the width of their numbers), and the machine line, which
/// names a different machine in CI, only says that it is there.
fn shape(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            if line.starts_with("machine: ") {
                return "machine: …".to_string();
            }
            let mut masked = String::new();
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                if c.is_ascii_digit() {
                    // digits, then any number of `.digits`: 3, 0.42, 3.11.7
                    while chars
                        .peek()
                        .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                    {
                        chars.next();
                    }
                    masked.push('N');
                } else {
                    masked.push(c);
                }
            }
            masked.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[test]
fn the_books_table_has_the_shape_of_a_fresh_run() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../book/src/socket-speed.md"
    );
    let chapter = std::fs::read_to_string(path).expect("the chapter exists");
    let block: Vec<&str> = chapter
        .lines()
        .skip_while(|line| line.trim() != BOOK_MARK)
        .skip(2) // the mark and the opening fence
        .take_while(|line| !line.starts_with("```"))
        .filter(|line| !line.starts_with("$ "))
        .collect();
    assert!(
        !block.is_empty(),
        "{CHAPTER} has no block marked {BOOK_MARK}"
    );
    if !python3_found() {
        eprintln!("note: no python3, so the Python rows differ from the book's; not compared");
        return;
    }
    assert_eq!(
        shape(&block.join("\n")),
        shape(&quick_run().stdout),
        "the table in {CHAPTER} no longer has the shape of the program's output: \
         run `cargo run --release -q -p socket-speed` and paste it there"
    );
}

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    program().assert_help_and_usage_errors(&["--slow"]);
}
