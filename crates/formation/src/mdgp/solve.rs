//! The MDGP solver: iterated tabu search from a random feasible partition, result re-checked.

use super::{Instance, Partition, Violation, check};
use crate::rng::Rng;
use crate::search::{PairSum, Progress, SearchParams, iterated_tabu};

/// A solver result whose score was recomputed from scratch by [`check`].
#[derive(Clone, Debug)]
pub struct Solution {
    /// Element -> group.
    pub assignment: Vec<u32>,
    /// The objective, as recomputed by the checker.
    pub score: f64,
    /// Moves and swaps applied.
    pub iterations: u64,
}

/// Solves `inst` with one thread. Deterministic for a given `params.seed` when the run is ended by
/// `params.max_iterations` (a `stop` callback that reads a clock naturally is not).
///
/// The error case means the engine produced an infeasible assignment, which would be a bug.
pub fn solve(
    inst: &Instance,
    params: &SearchParams,
    stop: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Solution, Violation> {
    let mut rng = Rng::new(params.seed ^ 0x5EED_F00D_CAFE_D00D);
    let mut part = Partition::random(inst, &mut rng);
    let found = iterated_tabu(&mut part, &mut PairSum, params, stop);
    let score = check(inst, &found.assignment)?;
    Ok(Solution { assignment: found.assignment, score, iterations: found.iterations })
}

/// Runs `threads` independent searches (seeds `params.seed`, `params.seed + 1`, ...) on as many
/// threads and returns the best. `stop` is shared, so it must be `Fn + Sync` (a deadline check).
/// Deterministic under an iteration budget (ties go to the lowest seed).
pub fn solve_parallel(
    inst: &Instance,
    params: &SearchParams,
    threads: usize,
    stop: &(dyn Fn(&Progress) -> bool + Sync),
) -> Result<Solution, Violation> {
    let threads = threads.max(1);
    let results: Vec<Result<Solution, Violation>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|k| {
                let p = SearchParams { seed: params.seed.wrapping_add(k), ..params.clone() };
                scope.spawn(move || solve(inst, &p, &mut |pr| stop(pr)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Violation::Length { got: 0, want: inst.n() })))
            .collect()
    });
    let mut best: Option<Solution> = None;
    for r in results {
        let s = r?;
        if best.as_ref().is_none_or(|b| s.score > b.score) {
            best = Some(s);
        }
    }
    best.ok_or(Violation::Length { got: 0, want: inst.n() })
}
