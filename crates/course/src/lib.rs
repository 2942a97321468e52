//! The learner's companion for the course: `cargo run -p course` (or `cargo course`).
//!
//! * `exercises`: the list of exercises, shared with `cargo xtask`;
//! * `originals`: what each exercise shipped with (not started? tests edited?);
//! * `grade`: running an exercise's tests and reading libtest's output; `run`: the
//!   limits a run is held to (deadlines, its process group stopped, output capped);
//! * `progress`: one exercise's status; `report` and `overview` print them, laid
//!   out by `text` for the width `term` finds;
//! * `language`: which `hint*.md` a learner reads (`LANG`, `--lang=`);
//! * `watch`, `reset`: the two interactive commands (`term`: single keys, and the
//!   terminal put back on every way out); `solution`: what a pass unlocks.

pub mod exercises;
pub mod files;
pub mod grade;
pub mod language;
pub mod originals;
pub mod overview;
pub mod progress;
pub mod report;
pub mod reset;
pub mod run;
pub mod solution;
pub mod style;
pub mod term;
pub mod text;
pub mod watch;
