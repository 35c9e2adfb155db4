//! Signing in with an email and a password, throttled per account and per address, and
//! audited either way (the address tried, never the password).

use std::sync::atomic::Ordering;

use crate::auth::{password, throttle};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::User;

/// The account behind `email` when `password` is its password; `None` when they do not match
/// (the same answer for an unknown email). Too many failures is `AppError::TooManyAttempts`.
pub async fn check_password(state: &AppState, email: &str, password: String, address: &str) -> AppResult<Option<User>> {
    let email = email.trim().to_lowercase();
    let now = state.now();
    let (for_account, from_address) =
        state.store.recent_login_failures(&email, address, now - throttle::WINDOW_SECONDS).await?;
    if !throttle::allows_attempt(for_account, from_address) {
        return Err(AppError::TooManyAttempts);
    }
    let user = state.store.user_by_email(&email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(password, hash).await;
    state.store.record_login_attempt(&email, address, matches, now).await?;
    match (&user, matches) {
        (Some(user), true) => state.store.audit(Some(user.id), "signed in", "", now).await?,
        _ => state.store.audit(None, "sign-in refused", &email, now).await?,
    }
    let counter = if matches { &state.metrics.logins_succeeded } else { &state.metrics.logins_failed };
    counter.fetch_add(1, Ordering::Relaxed);
    Ok(user.filter(|_| matches))
}
