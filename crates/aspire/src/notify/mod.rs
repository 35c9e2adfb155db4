//! Outgoing email: every message goes into the outbox table first; a worker delivers it.

pub mod discussion;
pub mod emails;
pub mod ics;
pub mod outbox;
pub mod reminders;
pub mod weekly;

pub use outbox::{deliver_due, enqueue, run_worker};
