//! aspire-formation: the group formation engine.
//!
//! Two faces over one search machinery:
//! - [`mdgp`]: the Maximally Diverse Grouping Problem, benchmarked against the literature
//!   (`mdgp-bench`);
//! - the peer-group criteria model, which compiles a cohort and the coordinator's criteria to the
//!   same representation (a pairwise matrix with size bounds, plus group-level terms).

pub mod mdgp;
pub mod peer;
pub mod rng;
pub mod search;

pub use peer::{
    Cohort, Criteria, Formation, FormationError, Person, PersonId, Progress, SolveOptions, evaluate, form,
    parse_availability,
};
