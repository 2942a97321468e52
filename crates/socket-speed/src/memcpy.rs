//! The machine's limit: copying memory, with no socket at all.
//!
//! Every byte a socket carries is copied twice by the kernel: from the sender's
//! buffer into the kernel's socket buffer at send(), and from there into the
//! receiver's buffer at recv(). So a plain memory copy of the same bytes, in chunks
//! of the same size, is the ceiling to compare a socket with: on loopback, with no
//! network card in the way, a socket cannot beat half of it.

use std::hint::black_box;

use anyhow::Result;

use crate::bulk::Transfer;
use crate::measure::Budget;

/// How much one step copies: a batch, so reading the clock costs nothing next to
/// it. About the size of a busy socket's buffers in the kernel.
const BATCH: usize = 1 << 20;

pub fn measure(size: usize, budget: Budget) -> Result<Transfer> {
    budget.best_of(|round| copy(size, round), Transfer::mib_per_second)
}

// ANCHOR: memcpy
/// Copies a 1 MiB buffer into another, in chunks of `size` bytes, for the budget.
fn copy(size: usize, budget: Budget) -> Result<Transfer> {
    let source = vec![0x5a_u8; BATCH.max(size)];
    let mut destination = vec![0_u8; BATCH.max(size)];
    let timed = budget.repeat(|| {
        for (to, from) in destination.chunks_mut(size).zip(source.chunks(size)) {
            // black_box: the copy is never read, so without it the compiler
            // could leave it out, and we would time an empty loop.
            to.copy_from_slice(black_box(from));
        }
        black_box(&mut destination);
        Ok(())
    })?;
    let bytes = timed.count * BATCH.max(size) as u64;
    Ok(Transfer {
        sent: bytes,
        received: bytes,
        recvs: bytes / size as u64,
        elapsed: timed.elapsed,
    })
}
// ANCHOR_END: memcpy

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn copies_at_least_one_batch() {
        let copy = measure(1024, Budget(Duration::from_millis(3))).unwrap();
        assert!(copy.received >= BATCH as u64 && copy.mib_per_second() > 0.0);
        assert_eq!(copy.recvs, copy.received / 1024);
    }
}
