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
