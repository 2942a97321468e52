//! Maintainer checks for the course, run by CI:
//!
//!   cargo xtask check-exercises [--wrong-only] [EXERCISE...]
//!                                 every exercise has its stub (with todo!() and
//!                                 `// TODO` marks), tests, hint and solution; the
//!                                 untouched stub fails every test, the solution
//!                                 passes every test of the same file, and every
//!                                 known-wrong answer (solutions/NN/wrong/*.rs)
//!                                 fails the tests it names (see wrong.rs).
//!                                 EXERCISE picks exercises by part of their name;
//!                                 --wrong-only skips the stub and solution runs
//!   cargo xtask check-book        every lesson crate is included in a chapter,
//!                                 every {{#include}} resolves, and every chapter is
//!                                 called by its SUMMARY.md name everywhere
//!   cargo xtask book-output [--update] [CHAPTER...]
//!                                 every "what you will see" block marked with
//!                                 `<!-- output: COMMAND -->` is what COMMAND prints
//!                                 (see book/runs/README.md); --update rewrites them

use std::process::ExitCode;

use anyhow::Result;
use xtask::{book, checks, exercises, names, output, wrong};

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "check-exercises" => check_exercises(),
        "check-book" => check_book(),
        "book-output" => book_output(),
        _ => {
            eprintln!(
                "usage: cargo xtask check-exercises | check-book | book-output [--update] [CHAPTER...]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn check_exercises() -> Result<bool> {
    let root = exercises::find_root(&std::env::current_dir()?)?;
    for stub in wrong::restore_leftovers(&root)? {
        println!(
            "restored {} (a killed run had left a wrong answer in its place)",
            stub.display()
        );
    }
    let mut wrong_only = false;
    let mut filters = Vec::new();
    for argument in std::env::args().skip(2) {
        match argument.as_str() {
            "--wrong-only" => wrong_only = true,
            _ => filters.push(argument),
        }
    }
    let mut sound = true;
    let (mut wrong_total, mut wrong_time) = (0, std::time::Duration::ZERO);
    for exercise in exercises::list(&root)? {
        if !filters.is_empty() && !filters.iter().any(|f| exercise.name.contains(f.as_str())) {
            continue;
        }
        println!("{}", exercise.name);
        let mut problems = if wrong_only {
            Vec::new()
        } else {
            checks::check_exercise(&root, &exercise)?
        };
        let start = std::time::Instant::now();
        let answers = wrong::list(&exercise)?;
        for answer in &answers {
            problems.extend(wrong::check(&root, &exercise, answer)?);
        }
        if !answers.is_empty() {
            let elapsed = start.elapsed();
            println!(
                "  wrong answers: {} built in the exercise's place, each checked against the tests it names ({:.1} s)",
                answers.len(),
                elapsed.as_secs_f64()
            );
            wrong_total += answers.len();
            wrong_time += elapsed;
        }
        for problem in &problems {
            println!("  PROBLEM: {problem}");
        }
        sound &= problems.is_empty();
    }
    println!(
        "wrong answers: {wrong_total} checked in {:.1} s",
        wrong_time.as_secs_f64()
    );
    println!(
        "{}",
        if sound {
            "all exercises are sound"
        } else {
            "some exercises have problems"
        }
    );
    Ok(sound)
}

fn check_book() -> Result<bool> {
    let root = exercises::find_root(&std::env::current_dir()?)?;
    let mut problems = book::problems(&root)?;
    problems.extend(names::problems(&root)?);
    for problem in &problems {
        println!("PROBLEM: {problem}");
    }
    if problems.is_empty() {
        println!(
            "every lesson crate is in the book, every include resolves, and every chapter \
             has one name (SUMMARY.md's)"
        );
    }
    Ok(problems.is_empty())
}

fn book_output() -> Result<bool> {
    let root = exercises::find_root(&std::env::current_dir()?)?;
    let mut update = false;
    let mut filters = Vec::new();
    for argument in std::env::args().skip(2) {
        match argument.as_str() {
            "--update" => update = true,
            _ => filters.push(argument),
        }
    }
    output::check_chapters(&root, update, &filters)
}
