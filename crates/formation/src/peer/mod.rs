//! The peer-group criteria model: people with attributes, the coordinator's criteria, and the
//! [`form`] / [`evaluate`] / [`place_newcomers`] entry points. The criteria compile to the MDGP
//! core's representation (a pairwise compatibility matrix with size bounds) plus group-level terms
//! scored per move, and are searched by the same iterated tabu search.

mod cohort;
mod criteria;
mod error;
mod formation;
mod model;
mod objective;
mod parallel;
mod placement;
mod slots;

pub use crate::search::Progress;
pub use cohort::{Cohort, Person, PersonId, Value, split_tags};
pub use criteria::{AttributeRule, Availability, Criteria, Goal, History, Mode, NoIsolated, Repeat, SizeRange};
pub use error::FormationError;
pub use formation::{Formation, GivesUp, Group, Shared, SolveOptions, Span, Why, evaluate, form};
pub use parallel::form_parallel;
pub use placement::{Placement, place_newcomers};
pub use slots::{SLOTS, SlotError, SlotSet, parse_availability, slot_name};
