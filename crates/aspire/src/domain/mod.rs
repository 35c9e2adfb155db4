//! Types and rules with no I/O: what a valid profile, roster row or availability is.

pub mod availability;
pub mod cadence;
pub mod code;
pub mod cohort;
pub mod criteria;
pub mod draft;
pub mod goals;
pub mod identity;
pub mod markdown;
pub mod meeting_series;
pub mod opportunities;
pub mod profile;
pub mod record;
pub mod resources;
pub mod roster;
pub mod spreadsheet;
pub mod text;
pub mod visibility;
pub mod wins;

pub use availability::Availability;
pub use profile::{CareerStage, Profile, ProfileError, ProfileProblems, normalize_email};
pub use visibility::{Audience, Visibility};
