// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used)]

//! aspire's one integration test binary. Each test gets its own server and database; tests
//! made with `on_both_backends!` run once on SQLite and once on PostgreSQL.

mod harness;
mod oidc;
mod postgres;
mod smtp;

mod access;
mod api;
mod browser;
mod calendar;
mod community;
mod form;
mod goals;
mod home;
mod identity;
mod import;
mod invitations;
mod meetings;
mod notifications;
mod ops;
mod outbox;
mod outcomes;
mod profile;
mod public_data;
mod reminders;
mod restore;
mod rounds;
mod scale;
mod seed;
mod sessions;
mod sharing;
mod sso;
