//! [`form_parallel`]: independent searches on several threads, the best kept. Each thread runs
//! [`form`] with its own seed derived from the caller's; with a fixed budget and a `stop` that
//! only returns false, the result is the same for the same seed and number of threads.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::cohort::Cohort;
use super::criteria::{Criteria, Goal};
use super::error::FormationError;
use super::formation::{Formation, SolveOptions, form};
use crate::search::Progress;

/// The seed of the search on thread `k` (thread 0 keeps the caller's seed, so one thread is
/// exactly [`form`]).
fn seed_of(seed: u64, k: usize) -> u64 {
    seed.wrapping_add((k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The best objective seen by any thread, as f64 bits (monotone under `fetch_max` only for
/// non-negative values, so it is kept with a compare-and-swap loop).
struct SharedBest(AtomicU64);

impl SharedBest {
    fn new() -> SharedBest {
        SharedBest(AtomicU64::new(f64::NEG_INFINITY.to_bits()))
    }

    fn offer(&self, value: f64) {
        let mut current = self.0.load(Ordering::Relaxed);
        while value > f64::from_bits(current) {
            match self.0.compare_exchange_weak(current, value.to_bits(), Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
    }

    fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// Which of two formations a coordinator would rather have under `criteria`'s objective.
fn better(criteria: &Criteria, a: &Formation, b: &Formation) -> bool {
    match criteria.objective {
        Goal::Total => a.total_score > b.total_score + 1e-9,
        Goal::Maxmin => {
            a.worst_group_score > b.worst_group_score + 1e-9
                || ((a.worst_group_score - b.worst_group_score).abs() <= 1e-9 && a.total_score > b.total_score + 1e-9)
        }
    }
}

/// Forms groups with `threads` independent searches at once (at least one) and keeps the best.
/// `stop` runs on the calling thread, sees the best value found by any thread, and ends every
/// search when it returns true; the moves it sees are those of the calling thread's search.
/// Errors only when every search failed (then with the calling thread's error).
pub fn form_parallel(
    cohort: &Cohort,
    criteria: &Criteria,
    options: &SolveOptions,
    threads: usize,
    stop: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Formation, FormationError> {
    let threads = threads.max(1);
    if threads == 1 {
        return form(cohort, criteria, options, stop);
    }
    let halt = AtomicBool::new(false);
    let best = SharedBest::new();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|k| {
                let options = SolveOptions { seed: seed_of(options.seed, k), ..options.clone() };
                let (halt, best) = (&halt, &best);
                scope.spawn(move || {
                    form(cohort, criteria, &options, &mut |p: &Progress| {
                        best.offer(p.best);
                        halt.load(Ordering::Relaxed)
                    })
                })
            })
            .collect();
        let own = form(cohort, criteria, options, &mut |p: &Progress| {
            best.offer(p.best);
            let shown = Progress { iterations: p.iterations, best: best.get() };
            let done = stop(&shown);
            if done {
                halt.store(true, Ordering::Relaxed);
            }
            done
        });
        let mut chosen = own;
        for helper in helpers {
            // A helper that panicked is a bug; its search is lost, the others' are not.
            let Ok(result) = helper.join() else { continue };
            chosen = match (chosen, result) {
                (Ok(a), Ok(b)) => Ok(if better(criteria, &b, &a) { b } else { a }),
                (Err(_), Ok(b)) => Ok(b),
                (a, Err(_)) => a,
            };
        }
        chosen
    })
}
