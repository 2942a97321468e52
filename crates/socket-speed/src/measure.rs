//! What every measurement shares: a time budget, and a way to wait for the thread
//! that plays the other end.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

/// How long one measurement runs.
///
/// A time budget rather than a fixed count: a round trip over a new connection is a
/// hundred times slower than a memcpy of a kilobyte, and a laptop is slower than a
/// server, yet each measurement should take about the same time everywhere. So each
/// one repeats its step until the budget is spent, and counts.
#[derive(Clone, Copy, Debug)]
pub struct Budget(pub Duration);

/// How many times a step ran, and how long all of them took.
#[derive(Clone, Copy, Debug)]
pub struct Timed {
    pub count: u64,
    pub elapsed: Duration,
}

impl Timed {
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }

    /// The mean time of one step, in microseconds.
    pub fn micros_each(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e6 / self.count as f64
    }
}

impl Budget {
    /// Runs `step` again and again, at least once, until the budget is spent.
    ///
    /// The clock is read once per step. That costs some 20 ns, nothing next to a
    /// system call (a microsecond or more); a step that is faster than that (a small
    /// memcpy) must do a batch of work each time.
    pub fn repeat(self, mut step: impl FnMut() -> Result<()>) -> Result<Timed> {
        let start = Instant::now();
        let mut count = 0;
        loop {
            step()?;
            count += 1;
            let elapsed = start.elapsed();
            if elapsed >= self.0 {
                return Ok(Timed { count, elapsed });
            }
        }
    }
}

/// How many times each measurement is repeated, keeping the best.
pub const ROUNDS: u32 = 3;

impl Budget {
    /// Runs `measure` [`ROUNDS`] times, with a third of the budget each, and keeps
    /// the round with the highest `score`. Other programs on the machine (another
    /// build, a browser) can only slow a round down, never speed it up, so the
    /// best round is the one closest to what the machine can do. Python's `timeit`
    /// advises the same.
    pub fn best_of<T>(
        self,
        mut measure: impl FnMut(Budget) -> Result<T>,
        score: impl Fn(&T) -> f64,
    ) -> Result<T> {
        let round = Budget(self.0 / ROUNDS);
        let mut best = measure(round)?;
        for _ in 1..ROUNDS {
            let next = measure(round)?;
            if score(&next) > score(&best) {
                best = next;
            }
        }
        Ok(best)
    }
}

/// Waits for the thread that played the other end, and hands back its result.
pub fn join<T>(peer: JoinHandle<Result<T>>, who: &str) -> Result<T> {
    peer.join()
        .map_err(|_| anyhow!("the {who} thread panicked"))?
}

/// A bound on every blocking read of the benchmark: a working peer answers in
/// microseconds, so this only turns a bug into an error instead of a hang.
pub const STALL: Duration = Duration::from_secs(5);
