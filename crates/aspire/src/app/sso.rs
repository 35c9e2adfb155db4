//! Signing in through the institution's provider (`auth::sso` speaks the protocol). A sign-in
//! begun here waits, one-time and bound to the browser that began it, for the provider to send
//! that browser back; the verified person is then the account linked to their subject, else the
//! account with their verified email, else (when the settings allow) a new account. Every
//! refusal says what went wrong and touches no account.

use crate::auth::sso::{Identity, SsoError};
use crate::auth::token::{constant_time_eq, hash_token};
use crate::domain::Profile;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::User;
use crate::store::sso::PendingSsoLogin;

/// How long the provider has to send the browser back.
pub const PENDING_SECONDS: i64 = 600;

/// Why nobody was signed in, in words for the sign-in page.
#[derive(Debug)]
pub struct Refusal(pub String);

/// What the provider sent the browser back with.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

const START_AGAIN: &str = "Start again from this page.";

/// The provider's address to send the browser to; `browser` is its pre-session token.
pub async fn begin(state: &AppState, browser: &str, next: &str) -> AppResult<Result<String, Refusal>> {
    let now = state.now();
    let begun = match state.sso.begin(&state.settings, now).await {
        Ok(begun) => begun,
        Err(SsoError::NotConfigured) => return Err(AppError::NotFound),
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on could not begin");
            return Ok(Err(Refusal(format!(
                "Single sign-on is not working right now: {e}. Try again in a few minutes; if it goes on, tell your program's coordinator."
            ))));
        }
    };
    state
        .store
        .insert_sso_login(&PendingSsoLogin {
            state_hash: hash_token(&begun.state),
            browser_hash: hash_token(browser),
            nonce: begun.nonce,
            pkce_verifier: begun.pkce_verifier,
            next_path: next.to_string(),
            created_at: now,
        })
        .await?;
    Ok(Ok(begun.authorize_url))
}

/// The signed-in account and where they were going, or why not. `browser` is the pre-session
/// token the callback request carries, if any.
pub async fn finish(
    state: &AppState,
    browser: Option<&str>,
    callback: &Callback,
) -> AppResult<Result<(User, String), Refusal>> {
    let outcome = check(state, browser, callback).await?;
    let now = state.now();
    match &outcome {
        Ok((user, _)) => state.store.audit(Some(user.id), "signed in with single sign-on", "", now).await?,
        Err(Refusal(why)) => state.store.audit(None, "single sign-on refused", why, now).await?,
    }
    Ok(outcome)
}

async fn check(
    state: &AppState,
    browser: Option<&str>,
    callback: &Callback,
) -> AppResult<Result<(User, String), Refusal>> {
    let refuse = |why: String| Ok(Err(Refusal(why)));
    let now = state.now();
    let pending =
        if callback.state.is_empty() { None } else { state.store.take_sso_login(&hash_token(&callback.state)).await? };
    let Some(pending) = pending else {
        return refuse(format!("This sign-in was already used, or did not begin here. {START_AGAIN}"));
    };
    let same_browser = browser.is_some_and(|b| constant_time_eq(&hash_token(b), &pending.browser_hash));
    if !same_browser {
        return refuse(format!(
            "This sign-in was begun in another browser, or this browser's cookies were cleared since. {START_AGAIN}"
        ));
    }
    if now - pending.created_at > PENDING_SECONDS || now < pending.created_at {
        return refuse(format!("This sign-in took longer than {} minutes. {START_AGAIN}", PENDING_SECONDS / 60));
    }
    if !callback.error.is_empty() {
        let detail = if callback.error_description.is_empty() { &callback.error } else { &callback.error_description };
        // The provider's words arrive in the address: shown and kept only in part.
        let detail: String = detail.chars().take(200).collect();
        return refuse(format!("{} did not sign you in ({detail}). {START_AGAIN}", state.settings.sso_name));
    }
    if callback.code.is_empty() {
        return refuse(format!("{} sent no sign-in code. {START_AGAIN}", state.settings.sso_name));
    }
    let identity = match state
        .sso
        .finish(&state.settings, now, callback.code.clone(), pending.nonce.clone(), pending.pkce_verifier.clone())
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on refused");
            return refuse(format!("{} Nobody was signed in. {START_AGAIN}", crate::error::sentence(&e.to_string())));
        }
    };
    Ok(account_for(state, &identity).await?.map(|user| (user, pending.next_path)))
}

/// The account the verified person is here.
async fn account_for(state: &AppState, identity: &Identity) -> AppResult<Result<User, Refusal>> {
    let store = &state.store;
    let now = state.now();
    if let Some(user_id) = store.sso_identity_user(&identity.issuer, &identity.subject).await? {
        return Ok(store.user(user_id).await?.ok_or(Refusal(format!("The account was deleted. {START_AGAIN}"))));
    }
    let provider = &state.settings.sso_name;
    let or_password = if state.settings.password_sign_in { ", or sign in with your password" } else { "" };
    let Some(email) = identity.email.as_deref().filter(|_| identity.email_verified) else {
        return Ok(Err(Refusal(format!(
            "{provider} did not vouch for an email address (it sent none, or one it has not verified), so aspire cannot tell which account is yours. Ask {provider}'s help desk to verify your email{or_password}."
        ))));
    };
    let email = email.trim().to_lowercase();
    let user = match store.user_by_email(&email).await? {
        Some(user) => user,
        None if state.settings.sso_create_accounts => {
            let name = identity.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| email.clone());
            let profile =
                Profile { email: email.clone(), name, ..Profile::default() }.validate().map_err(AppError::invalid)?;
            let id = store.create_user(&profile, None, false, now).await?;
            store.audit(Some(id), "account created by single sign-on", &email, now).await?;
            store.user(id).await?.ok_or(AppError::NotFound)?
        }
        None => {
            return Ok(Err(Refusal(format!(
                "There is no account here for {email}. Ask your program's coordinator to add you (they will send an invitation), then sign in with {provider} again."
            ))));
        }
    };
    store.link_sso_identity(&identity.issuer, &identity.subject, user.id, now).await?;
    Ok(Ok(user))
}
