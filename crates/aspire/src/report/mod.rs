//! Program outcomes: aggregates computed without exposing item text.

pub mod engagement;
