//! Who may: passwords, sessions, CSRF, login throttling and the access rules, in one place.

pub mod access;
pub mod password;
pub mod session;
pub mod sso;
pub mod throttle;
pub mod token;

pub use access::Actor;
pub use session::{CsrfForm, CsrfOnly, PreSession, Viewer};
