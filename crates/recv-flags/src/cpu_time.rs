//! How much CPU time the calling thread has used: `clock_gettime` with
//! `CLOCK_THREAD_CPUTIME_ID` (POSIX; Linux and macOS have it). Python's twin is
//! `time.thread_time()`.

use std::time::Duration;

/// The CPU time this thread has used so far, or zero if the system cannot say.
pub fn this_thread() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for clock_gettime to fill in.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}
