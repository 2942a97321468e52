//! Maintainer checks for the course, run by CI:
//!
//!   cargo xtask check-exercises   every exercise has its stub (with todo!() and
//!                                 `// TODO` marks), tests, hint and solution; the
//!                                 untouched stub fails every test and the solution
//!                                 passes every test of the same file
//!   cargo xtask check-book        every lesson crate is included in a chapter,
//!                                 every {{#include}} resolves, and every chapter is
//!                                 called by its SUMMARY.md name everywhere
//!   cargo xtask book-output [--update] [CHAPTER...]
//!                                 every "what you will see" block marked with
//!                                 `<!-- output: COMMAND -->` is what COMMAND prints
//!                                 (see book/runs/README.md); --update rewrites them

use std::process::ExitCode;

use anyhow::Result;
use xtask::{book, checks, exercises, names, output};

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
    let mut sound = true;
    for exercise in exercises::list(&root)? {
        println!("{}", exercise.name);
        let problems = checks::check_exercise(&root, &exercise)?;
        for problem in &problems {
            println!("  PROBLEM: {problem}");
        }
        sound &= problems.is_empty();
    }
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
