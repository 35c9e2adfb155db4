//! A person's own profile.

use crate::auth::Actor;
use crate::domain::Profile;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Saves the actor's profile from a draft; what is wrong with it is `AppError::Invalid`. The
/// email is the account's identity and is changed by a coordinator, never here.
pub async fn save(state: &AppState, actor: &Actor, draft: Profile) -> AppResult<()> {
    let draft = Profile { email: actor.user.profile.email.clone(), ..draft };
    let profile = draft.validate().map_err(AppError::invalid)?;
    state.store.update_profile(actor.user.id, &profile).await?;
    Ok(())
}
