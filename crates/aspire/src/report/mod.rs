//! Program outcomes: aggregates computed without exposing item text.

pub mod chart;
pub mod engagement;
pub mod export;
pub mod outcomes;
