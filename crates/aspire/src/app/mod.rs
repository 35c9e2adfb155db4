//! The application layer: one function per thing a person does (declare a goal, publish a
//! draft, invite someone), shared by the pages (`web`), the JSON API (`api`), the CLI and the
//! background jobs. Each takes the actor and typed input and returns a typed result or an
//! `AppError`; the access checks (asked of `auth::access`), the transactions (in `store`) and the
//! emails a change causes (built by `notify::emails`) are decided here, never in a handler.

pub mod account;
pub mod admin;
pub mod api_tokens;
pub mod calendar;
pub mod discussion;
pub mod enrolment;
pub mod goals;
pub mod groups;
pub mod home;
pub mod identity;
pub mod invitations;
pub mod meetings;
pub mod opportunities;
pub mod outcomes;
pub mod paging;
pub mod password_reset;
pub mod profile;
pub mod programs;
pub mod record;
pub mod resources;
pub mod review;
pub mod rounds;
pub mod sign_in;
pub mod sso;
pub mod wins;
