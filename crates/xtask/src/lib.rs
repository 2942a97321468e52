//! Maintainer checks for the course. See `main.rs` for the commands.

pub mod book;
pub mod checks;
pub mod mask;
pub mod names;
pub mod output;
pub mod wrong;

/// The list of exercises lives in the `course` crate, which the learner's tool and
/// these checks share.
pub use course::exercises;
