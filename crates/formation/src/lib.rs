//! aspire-formation: the group formation engine.
//!
//! Two faces over one search machinery ([`search::iterated_tabu`]):
//! - [`mdgp`]: the Maximally Diverse Grouping Problem, benchmarked against the literature by the
//!   `mdgp-bench` binary (behind the `bench` feature; see `BENCH.md`);
//! - [`peer`]: the peer-group criteria model. A [`Cohort`] and the coordinator's [`Criteria`]
//!   compile to the MDGP core's representation (a pairwise compatibility matrix with group size
//!   bounds) plus group-level terms (common slots, isolation, hard-constraint penalties) that are
//!   scored per move.
//!
//! For the app:
//! - [`form`]`(cohort, criteria, options, stop) -> Result<Formation, FormationError>` forms groups
//!   (hard constraints never broken; locked groups kept; `stop` sees the best score so far);
//! - [`form_parallel`]`(cohort, criteria, options, threads, stop)` runs independent searches on
//!   `threads` threads and keeps the best (one thread is exactly `form`);
//! - [`evaluate`]`(cohort, criteria, groups) -> Result<Formation, FormationError>` scores a
//!   hand-edited grouping, with warnings instead of errors;
//! - [`place_newcomers`]`(cohort, criteria, groups, newcomers, max_size) -> Result<Placement,
//!   FormationError>` adds people who are in no group yet to existing groups, each where they add
//!   the most to the group's score, without moving anyone or exceeding `max_size` (the rest are
//!   reported unplaced);
//! - [`Formation::report_markdown`] renders a readable report;
//! - [`parse_availability`] reads `Mon 09-11; Wed 14-16` into hour slots.
//!
//! No I/O, no clock, no global randomness in the library: runs are seeded, and time limits come
//! in through the caller's `stop` callback.

pub mod mdgp;
pub mod peer;
pub mod rng;
pub mod search;

pub use peer::{
    Cohort, Criteria, Formation, FormationError, Person, PersonId, Placement, Progress, SolveOptions, evaluate, form,
    form_parallel, parse_availability, place_newcomers,
};
