//! What can go wrong when forming groups, in words a coordinator understands.

use std::fmt;

/// Why groups could not be formed (or an assignment could not be evaluated).
#[derive(Clone, Debug, PartialEq)]
pub enum FormationError {
    /// A criteria key (`keep_apart`, `keep_together`, `locked`, ...) names a person not in the cohort.
    UnknownPerson {
        /// The key that names them.
        key: String,
        /// The id as written.
        id: String,
    },
    /// Two people share an id.
    DuplicatePerson(String),
    /// An attribute rule names an attribute that nobody holds.
    UnknownAttribute(String),
    /// A malformed or impossible input (size range, group count, weights, assignment).
    Input(String),
    /// The hard constraints cannot all be met; says which and why.
    Infeasible {
        /// The constraint, as in the criteria (`keep_together`, `no_isolated`, ...).
        constraint: String,
        /// Why it cannot be met.
        reason: String,
    },
    /// The search ended without meeting these hard constraints (they may be jointly impossible,
    /// or need a longer search).
    Unsatisfied(Vec<String>),
}

impl fmt::Display for FormationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormationError::UnknownPerson { key, id } => {
                write!(f, "{key} names unknown person {id}")
            }
            FormationError::DuplicatePerson(id) => write!(f, "two people have the id {id}"),
            FormationError::UnknownAttribute(a) => {
                write!(f, "attribute {a:?} in the criteria is held by nobody in the cohort (check the spelling)")
            }
            FormationError::Input(s) => write!(f, "{s}"),
            FormationError::Infeasible { constraint, reason } => {
                write!(f, "{constraint} cannot be met: {reason}")
            }
            FormationError::Unsatisfied(v) => {
                write!(f, "no grouping meeting every hard constraint was found: {}", v.join("; "))
            }
        }
    }
}

impl std::error::Error for FormationError {}
