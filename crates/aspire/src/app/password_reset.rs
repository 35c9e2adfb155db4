//! "Forgot your password?": a one-time link by email, valid for an hour, that sets a new
//! password and ends every other session of the account. Whether an address has an account is
//! never said: asking for a link gets the same answer either way.

use crate::auth::password;
use crate::auth::token::{hash_token, new_token};
use crate::domain::profile::normalize_email;
use crate::error::{AppError, AppResult};
use crate::notify::emails::{Email, PasswordReset};
use crate::state::AppState;
use crate::store::User;

/// How long a reset link works.
pub const LINK_MINUTES: i64 = 60;
/// A second link for the same account within this many minutes is not sent, so nobody can
/// fill a stranger's mailbox by asking again and again.
pub const RESEND_AFTER_MINUTES: i64 = 5;

pub const SPENT_LINK: &str = "This password reset link has already been used, has expired, or was replaced by a newer \
                              one. Ask for a new link on the sign-in page (\"Forgot your password?\").";

/// Sends a reset link to `email` if it belongs to an account; the caller answers the same
/// whether it did or not.
pub async fn request(state: &AppState, email: &str) -> AppResult<()> {
    let Ok(email) = normalize_email(email) else {
        return Err(AppError::Invalid(
            "That is not an email address: type the address you sign in with, like ana.ruiz@university.edu.".into(),
        ));
    };
    super::invitations::passwords_in_use(state)?;
    let now = state.now();
    let Some(user) = state.store.user_by_email(&email).await? else { return Ok(()) };
    let sent_lately = state.store.latest_password_reset(user.id).await?;
    if sent_lately.is_some_and(|at| now - at < RESEND_AFTER_MINUTES * 60) {
        return Ok(());
    }
    let token = new_token();
    let message = PasswordReset {
        name: &user.profile.name,
        minutes: LINK_MINUTES,
        link: format!("{}/password/reset/{token}", state.settings.public_url()),
    }
    .to(&user.profile.email)
    .map_err(|e| AppError::Internal(e.into()))?;
    state.store.create_password_reset(user.id, &hash_token(&token), now, now + LINK_MINUTES * 60).await?;
    state.store.enqueue_email(&message, now).await?;
    state.store.audit(Some(user.id), "password reset asked for", "", now).await?;
    Ok(())
}

/// The account a reset link is for, while the link still works; otherwise `AppError::Gone`.
pub async fn live(state: &AppState, token: &str) -> AppResult<User> {
    let spent = || AppError::Gone(SPENT_LINK.into());
    let user_id = state.store.password_reset_user(&hash_token(token), state.now()).await?.ok_or_else(spent)?;
    state.store.user(user_id).await?.ok_or_else(spent)
}

/// Sets the new password; the account's sessions and outstanding links end. A password that is
/// too weak or not typed twice the same is `AppError::Invalid`, and the link still works.
pub async fn reset(state: &AppState, token: &str, new_password: String, confirm: &str) -> AppResult<User> {
    let user = live(state, token).await?;
    super::invitations::passwords_in_use(state)?;
    super::invitations::check_new_password(&new_password, confirm)?;
    let hash = password::hash(new_password).await.map_err(|e| AppError::Internal(e.into()))?;
    if !state.store.redeem_password_reset(&hash_token(token), state.now()).await? {
        return Err(AppError::Gone(SPENT_LINK.into()));
    }
    state.store.set_password_by_link(user.id, &hash, "by reset link", state.now()).await?;
    Ok(user)
}
