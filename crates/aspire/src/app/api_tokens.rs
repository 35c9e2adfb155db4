//! Personal API tokens: made and revoked on My goals, presented as `Authorization: Bearer`.

use crate::auth::Actor;
use crate::auth::token::{hash_token, new_token};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::TokenKind;

/// A new token for the actor (the old one stops working). Shown once; only its hash is kept.
pub async fn issue(state: &AppState, actor: &Actor) -> AppResult<String> {
    let token = new_token();
    state.store.replace_user_token(actor.user.id, TokenKind::Api, &hash_token(&token), state.now()).await?;
    Ok(token)
}

pub async fn revoke(state: &AppState, actor: &Actor) -> AppResult<()> {
    state.store.revoke_user_tokens(actor.user.id, TokenKind::Api).await?;
    Ok(())
}

/// The person holding `token`; `AppError::Unauthorized` for an unknown or revoked one.
pub async fn holder(state: &AppState, token: &str) -> AppResult<Actor> {
    if token.len() != 64 {
        return Err(AppError::Unauthorized);
    }
    let (user, memberships) =
        state.store.token_holder(TokenKind::Api, &hash_token(token)).await?.ok_or(AppError::Unauthorized)?;
    // No CSRF token: the API never reads cookies.
    Ok(Actor { user, memberships, csrf_token: String::new() })
}
