//! Meetings in people's calendars: an `.ics` file per group series, and a personal feed of all
//! of a member's groups behind a secret, revocable address.

use super::meetings::{content_group_with_series, series_of_member};
use crate::auth::Actor;
use crate::auth::token::{hash_token, new_token};
use crate::error::{AppError, AppResult};
use crate::notify::ics::Builder;
use crate::state::AppState;
use crate::store::TokenKind;

/// A group's series as an iCalendar file, for a member of the group.
pub async fn series_ics(state: &AppState, actor: &Actor, group_id: i64) -> AppResult<String> {
    let (group, loaded) = content_group_with_series(state, actor, group_id).await?;
    let mut builder = Builder::new(state.settings.public_url(), &group.name, state.now());
    builder.add_series(&group, &loaded);
    Ok(builder.finish(state.now()))
}

/// The feed of all the groups of the person whose secret `token` is. The secret is the only
/// credential; an unknown or revoked one is a 404.
pub async fn feed(state: &AppState, token: &str) -> AppResult<String> {
    if token.len() != 64 {
        return Err(AppError::NotFound);
    }
    let (user, memberships) =
        state.store.token_holder(TokenKind::CalendarFeed, &hash_token(token)).await?.ok_or(AppError::NotFound)?;
    let mut builder = Builder::new(state.settings.public_url(), &format!("aspire: {}", user.profile.name), state.now());
    // An archived group meets no more.
    for (group, loaded) in
        series_of_member(state, &memberships).await?.into_iter().filter(|(g, _)| g.archived_at.is_none())
    {
        builder.add_series(&group, &loaded);
    }
    Ok(builder.finish(state.now()))
}

/// A new secret feed address for the actor (the old one stops working); returns its URL.
pub async fn new_feed(state: &AppState, actor: &Actor) -> AppResult<String> {
    let token = new_token();
    state.store.replace_user_token(actor.user.id, TokenKind::CalendarFeed, &hash_token(&token), state.now()).await?;
    Ok(format!("{}/calendar/feed/{token}.ics", state.settings.public_url()))
}

pub async fn revoke_feed(state: &AppState, actor: &Actor) -> AppResult<()> {
    state.store.revoke_user_tokens(actor.user.id, TokenKind::CalendarFeed).await?;
    Ok(())
}
