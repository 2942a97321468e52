//! Maintainer checks for the course. See `main.rs` for the commands.

pub mod book;
pub mod checks;
pub mod exercises;
pub mod mask;
pub mod output;
