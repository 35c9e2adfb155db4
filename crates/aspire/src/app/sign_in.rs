//! Signing in with an email and a password, throttled per (account, client) and per client
//! (`auth::throttle`), and audited either way (the address tried, never the password).

use std::sync::atomic::Ordering;

use crate::auth::{password, throttle};
use crate::domain::profile::normalize_email;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::User;

/// The account behind `email` when `password` is its password; `None` when they do not match
/// (the same answer for an unknown email). Too many failures is `AppError::TooManyAttempts`.
pub async fn check_password(state: &AppState, email: &str, password: String, address: &str) -> AppResult<Option<User>> {
    let email = email.trim().to_lowercase();
    let now = state.now();
    let (attempt, failures) =
        state.store.begin_login_attempt(&email, address, now - throttle::WINDOW_SECONDS, now).await?;
    if throttle::wait_seconds(failures, now) > 0 {
        // Refused unchecked: it costs no hash and does not lengthen the wait.
        state.store.forget_login_attempt(attempt).await?;
        return Err(AppError::TooManyAttempts);
    }
    let user = state.store.user_by_email(&email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(password, hash).await;
    state.store.finish_login_attempt(attempt, matches).await?;
    match (&user, matches) {
        (Some(user), true) => state.store.audit(Some(user.id), "signed in", "", now).await?,
        // What was typed is kept only when it is an email address: a password typed into the
        // email field must not land in the log.
        _ => {
            let tried = normalize_email(&email).unwrap_or_else(|_| "(not an email address)".into());
            state.store.audit(None, "sign-in refused", &tried, now).await?
        }
    }
    let counter = if matches { &state.metrics.logins_succeeded } else { &state.metrics.logins_failed };
    counter.fetch_add(1, Ordering::Relaxed);
    Ok(user.filter(|_| matches))
}
